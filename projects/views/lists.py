"""Congress staff order a year's candidate list and publish it (公示)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.access import access_for, require
from projects.http import AuthenticatedHttpRequest, flash_errors
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
            "waiting": Candidate.objects.filter(
                body=access.body, year=year, status__in=[Status.SUBMITTED, Status.SCREENED]
            ).count(),
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


@login_required
@require_POST
def list_publish(request: AuthenticatedHttpRequest, body: str, year: int) -> HttpResponse:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff)
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
