"""What every page's top bar shows about the signed-in person's work: the inbox's unread count."""

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from tracking.services.supervision import unread_count


def inbox(request: HttpRequest) -> dict[str, Callable[[], int] | int]:
    """The count is a callable the template calls only where it shows it: one query at most."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:
        return unread_count(user)

    return {"unread_notifications": count}
