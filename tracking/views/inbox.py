"""Each signed-in person's inbox: the notices the sweep and the staff's work send them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from projects.http import AuthenticatedHttpRequest
from tracking.models import Notification
from tracking.services.supervision import notifications_read

PER_PAGE = 30


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's own notices only, newest first; mark one read, or all of them."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        if request.POST.get("all") == "yes":
            notifications_read(user=request.user)
        else:
            value = request.POST.get("read", "")
            if not (value.isascii() and value.isdigit()) or not mine.filter(pk=value).exists():
                raise Http404  # another person's notice is not known to exist
            notifications_read(user=request.user, pk=int(value))
        number = request.POST.get("page", "")
        suffix = f"?page={number}" if number.isascii() and number.isdigit() else ""
        return redirect(reverse("notifications") + suffix)
    page = Paginator(mine.select_related("project"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "tracking/inbox.html",
        {"page": page, "unread": mine.filter(read_at__isnull=True).count()},
    )
