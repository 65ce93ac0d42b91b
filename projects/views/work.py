"""The staff work area: stations file and submit candidates; congress staff screen and merge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.access import Access, access_for, require
from projects.forms import AttachmentForm, CandidateForm, MergeForm, MoveForm, SourceForm
from projects.http import AuthenticatedHttpRequest, flash_errors, form_problems
from projects.messages import ACTIONS
from projects.models import Body, Candidate, Station, Status
from projects.rules.lifecycle import EDITABLE, MERGEABLE, Stage, moves_from
from projects.selectors import work_candidates
from projects.services import (
    attachment_add,
    candidate_create,
    candidate_merge,
    candidate_move,
    candidate_source_add,
    candidate_update,
    is_frozen,
)


def _work_access(request: HttpRequest, slug: str) -> Access:
    access = access_for(request.user, get_object_or_404(Body, slug=slug))
    require(access.has_work_area)
    return access


def _visible_candidate(access: Access, pk: int) -> Candidate:
    candidate = get_object_or_404(
        Candidate.objects.select_related("station", "body"), pk=pk, body=access.body
    )
    if not access.can_see(candidate):
        raise Http404  # another station's candidate: do not confirm that it exists
    return candidate


def _filing_stations(access: Access) -> QuerySet[Station]:
    stations = access.body.stations.all()
    return stations if access.is_congress_staff else stations.filter(pk__in=access.station_ids)


@login_required
def candidate_index(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _work_access(request, body)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    rows = work_candidates(access, status=status)
    return render(
        request,
        "projects/work_list.html",
        {
            "access": access,
            "body": access.body,
            "candidates": rows,
            "status": status,
            "statuses": Status.choices,
        },
    )


@login_required
def candidate_new(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _work_access(request, body)
    stations = _filing_stations(access)
    require(stations.exists())
    form = CandidateForm(request.POST or None, stations=stations, prefix="c")
    source_form = SourceForm(request.POST or None, prefix="s")
    if request.method == "POST" and form.is_valid() and source_form.is_valid():
        try:
            candidate = candidate_create(
                actor=request.user,
                station=form.cleaned_data["station"],
                data=form.cleaned_data,
                source=source_form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved. Check it, then submit it for screening."))
            return redirect("candidate_detail", body=body, pk=candidate.pk)
    return render(
        request,
        "projects/candidate_form.html",
        {"access": access, "body": access.body, "form": form, "source_form": source_form},
    )


@login_required
def candidate_edit(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _work_access(request, body)
    candidate = _visible_candidate(access, pk)
    require(access.actor_for(candidate) is not None and Stage(candidate.status) in EDITABLE)
    form = CandidateForm(
        request.POST or None, instance=candidate, stations=_filing_stations(access), prefix="c"
    )
    if request.method == "POST" and form.is_valid():
        try:
            candidate_update(
                actor=request.user,
                candidate=candidate,
                data=form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("candidate_detail", body=body, pk=pk)
    return render(
        request,
        "projects/candidate_form.html",
        {"access": access, "body": access.body, "form": form, "candidate": candidate},
    )


@login_required
def candidate_detail(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _work_access(request, body)
    candidate = _visible_candidate(access, pk)
    actor = access.actor_for(candidate)
    moves = moves_from(Stage(candidate.status), actor) if actor else []
    can_merge = access.is_congress_staff and Stage(candidate.status) in MERGEABLE
    merge_choices = (
        Candidate.objects.filter(body=access.body, year=candidate.year, status__in=MERGEABLE)
        .exclude(pk=candidate.pk)
        .order_by("name")
    )
    return render(
        request,
        "projects/work_detail.html",
        {
            "access": access,
            "body": access.body,
            "candidate": candidate,
            "sources": candidate.sources.select_related("station", "merged_from"),
            "transitions": candidate.transitions.select_related("actor"),
            "attachments": candidate.attachments.all(),
            "moves": [(m, ACTIONS[m.target.value]) for m in moves],
            "can_change": actor is not None and not is_frozen(candidate),
            "can_edit": actor is not None and Stage(candidate.status) in EDITABLE,
            "merge_form": MergeForm(choices=merge_choices) if can_merge else None,
            "move_form": MoveForm(),
            "source_form": SourceForm(),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
@require_POST
def candidate_transition(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _work_access(request, body)
    candidate = _visible_candidate(access, pk)
    role = access.actor_for(candidate)
    require(role is not None)
    assert role is not None
    form = MoveForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form_problems(form) or [_("Choose a decision.")])
        return redirect("candidate_detail", body=body, pk=pk)
    try:
        candidate_move(
            actor=request.user,
            role=role,
            candidate=candidate,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
            criterion=form.cleaned_data["criterion"],
        )
    except ValidationError as error:
        flash_errors(request, error.messages)
    else:
        messages.success(
            request, _("Now: %(status)s.") % {"status": candidate.get_status_display()}
        )
    return redirect("candidate_detail", body=body, pk=pk)


@login_required
@require_POST
def candidate_merge_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _work_access(request, body)
    require(access.is_congress_staff)
    candidate = _visible_candidate(access, pk)
    form = MergeForm(request.POST, choices=Candidate.objects.filter(body=access.body))
    if not form.is_valid():
        flash_errors(
            request, form_problems(form) or [_("Choose the candidate to keep and give a reason.")]
        )
        return redirect("candidate_detail", body=body, pk=pk)
    into = form.cleaned_data["into"]
    try:
        candidate_merge(
            actor=request.user,
            candidate=candidate,
            into=into,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        flash_errors(request, error.messages)
        return redirect("candidate_detail", body=body, pk=pk)
    messages.success(request, _("Merged; its sources now stand on this candidate."))
    return redirect("candidate_detail", body=body, pk=into.pk)


@login_required
@require_POST
def candidate_source_new(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _work_access(request, body)
    candidate = _visible_candidate(access, pk)
    require(access.actor_for(candidate) is not None)
    form = SourceForm(request.POST)
    if not form.is_valid():
        flash_errors(request, form_problems(form))
        return redirect("candidate_detail", body=body, pk=pk)
    try:
        candidate_source_add(actor=request.user, candidate=candidate, data=form.cleaned_data)
    except ValidationError as error:
        flash_errors(request, error.messages)
    else:
        messages.success(request, _("Source added."))
    return redirect("candidate_detail", body=body, pk=pk)


@login_required
@require_POST
def attachment_new(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _work_access(request, body)
    candidate = _visible_candidate(access, pk)
    require(access.actor_for(candidate) is not None)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_errors(request, form_problems(form))
        return redirect("candidate_detail", body=body, pk=pk)
    try:
        attachment_add(actor=request.user, candidate=candidate, upload=form.cleaned_data["file"])
    except ValidationError as error:
        flash_errors(request, error.messages)
    else:
        messages.success(request, _("File attached."))
    return redirect("candidate_detail", body=body, pk=pk)
