"""Request types the views can rely on: django-htmx's details, and a signed-in user."""

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.models import User
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails


class NotYetPublic(Http404):
    """A 404 for a page that will exist, but not yet: its message says when (config/errors.py)."""


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User  # behind @login_required


def confirmed(request: HttpRequest) -> bool:
    """A confirmation page's form was sent: a bare POST never acts on an irreversible step."""
    return request.POST.get("confirm") == "yes"


def ask_first(request: HttpRequest, url: str | None = None) -> HttpResponse:
    """A POST that skipped its confirmation page: nothing done, back to that page (or `url`)."""
    messages.error(request, _("Nothing was done: read this page, then confirm."))
    return redirect(url or request.path)


def acknowledged(request: HttpRequest, outstanding: int) -> bool:
    """The second, deliberate step: the box ticked for at least as many as are outstanding now."""
    if outstanding <= 0:
        return True
    try:
        return int(request.POST.get("acknowledge", "")) >= outstanding
    except ValueError:
        return False


def flash_errors(request: HttpRequest, problems: Iterable[object]) -> None:
    """Show each problem to the person as an error message on the next page."""
    for problem in problems:
        messages.error(request, str(problem))


def form_problems(form: BaseForm) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]
