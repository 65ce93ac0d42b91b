"""Congress staff order a year's candidate list and publish it (公示)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from projects.access import access_for, require
from projects.http import (
    AuthenticatedHttpRequest,
    acknowledged,
    ask_first,
    confirmed,
    flash_errors,
)
from projects.models import Body, Candidate, CandidateList, Status
from projects.selectors import listed_candidates
from projects.services import candidate_list_publish, candidate_list_reorder


@login_required
def list_manage(request: AuthenticatedHttpRequest, body: str, year: int) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.can_read_all)
    listing = CandidateList.objects.filter(body=access.body, year=year).first()
    return render(
        request,
        "projects/list_manage.html",
        {
            "access": access,
            "body": access.body,
            "year": year,
            "listing": listing,
            "candidates": listed_candidates(access.body, year),
            "waiting": _waiting(access.body, year),
        },
    )


@login_required
@require_POST
def list_move(request: AuthenticatedHttpRequest, body: str, year: int, pk: int) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff)
    candidate = get_object_or_404(
        Candidate, pk=pk, body=access.body, year=year, status=Status.CANDIDATE
    )
    direction = -1 if request.POST.get("direction") == "up" else 1
    try:
        candidate_list_reorder(actor=request.user, candidate=candidate, direction=direction)
    except ValidationError as error:
        flash_errors(request, error.messages)
    if request.htmx:
        return render(
            request,
            "projects/_list_rows.html",
            {
                "access": access,
                "body": access.body,
                "year": year,
                "candidates": listed_candidates(access.body, year),
                "listing": None,
            },
        )
    return redirect("list_manage", body=body, year=year)


def _waiting(body: Body, year: int) -> int:
    """Proposals of the year still awaiting screening: they will not be on the list."""
    return Candidate.objects.filter(
        body=body, year=year, status__in=[Status.SUBMITTED, Status.SCREENED]
    ).count()


@login_required
@require_http_methods(["GET", "POST"])
def list_publish(request: AuthenticatedHttpRequest, body: str, year: int) -> HttpResponse:
    """Publish (公示) a year's list: a GET says how many candidates will freeze; only the page's
    confirmed form publishes, and while proposals still await screening its box must be ticked."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff)
    waiting = _waiting(access.body, year)
    if request.method == "POST":
        if not confirmed(request) or not acknowledged(request, waiting):
            return ask_first(request)
        try:
            candidate_list_publish(
                actor=request.user,
                body=access.body,
                year=year,
            )
        except ValidationError as error:
            flash_errors(request, error.messages)
        else:
            messages.success(request, _("The candidate list is published."))
        return redirect("list_manage", body=body, year=year)
    listing = CandidateList.objects.filter(body=access.body, year=year).first()
    count = listed_candidates(access.body, year).count()
    blocked = ""
    if listing is not None and listing.is_published:
        blocked = _("This list is already published.")
    elif not count:
        blocked = _("There are no candidates on this list yet.")
    return render(
        request,
        "projects/confirm.html",
        {
            "access": access,
            "body": access.body,
            "heading": _("Publish the candidate list %(year)d?") % {"year": year},
            "back": reverse("list_manage", kwargs={"body": body, "year": year}),
            "action": request.path,
            "facts": [(_("Candidates on the list"), count)],
            "lines": [
                ngettext(
                    "%(n)d candidate will be published, in the order shown on the list.",
                    "%(n)d candidates will be published, in the order shown on the list.",
                    count,
                )
                % {"n": count},
                _(
                    "Once published the list is public and frozen: no candidate can be added, "
                    "removed or moved, and the rounds of the session are made from it. "
                    "Publishing cannot be undone."
                ),
            ],
            "warning": ngettext(
                "%(n)d proposal of this year still awaits screening: it will not be on the "
                "published list.",
                "%(n)d proposals of this year still await screening: they will not be on the "
                "published list.",
                waiting,
            )
            % {"n": waiting}
            if waiting
            else "",
            "acknowledge": waiting,
            "acknowledge_label": ngettext(
                "I know that %(n)d proposal is still awaiting screening, and I publish the list "
                "without it.",
                "I know that %(n)d proposals are still awaiting screening, and I publish the list "
                "without them.",
                waiting,
            )
            % {"n": waiting},
            "blocked": blocked,
            "hidden": [],
            "button": _("Publish the candidate list"),
        },
    )
