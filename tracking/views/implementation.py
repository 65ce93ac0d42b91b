"""Implementation in the work area: the year's projects, a unit's progress report, staff review."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest
from projects.models import Body
from tracking.forms import ReviewForm, UpdateForm
from tracking.models import ProgressUpdate, TrackedProject, UpdatePhoto, UpdateState
from tracking.rules.colours import round1
from tracking.services.assess import assess, reasons_in_words, with_facts
from tracking.services.ledgers import with_open_counts
from tracking.services.updates import may_report, units_of, update_post, update_review


def _access(request: AuthenticatedHttpRequest, body: str) -> tuple[Access, set[str]]:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    units = units_of(request.user, access.body.pk)
    require(access.has_work_area or bool(units))
    return access, units


@login_required
def implementation_index(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Staff, auditors and stations read every project; a unit sees its own, to report on."""
    access, units = _access(request, body)
    projects = TrackedProject.objects.filter(body=access.body)
    if access.has_work_area:
        projects = projects.filter(parent__isnull=True)  # sub-items are parts of their parent
    else:
        projects = projects.filter(unit__in=units)  # a unit reports on its own sub-items too
    projects = with_facts(
        projects.annotate(pending=Count("updates", filter=Q(updates__state=UpdateState.PENDING)))
    ).order_by("-year", "code")
    projects = with_open_counts(projects)  # the three ledgers' open entries, in the same query
    today = timezone.localdate()
    rows = []
    for project in projects:
        assessment = assess(project, today)
        rows.append(
            {
                "project": project,
                "colour": assessment.colour,
                "progress": round1(assessment.progress),
                "expected": round1(assessment.expected),
                "reasons": reasons_in_words(project, assessment),
                "may_report": project.unit in units,
            }
        )
    pending = (
        ProgressUpdate.objects.filter(project__body=access.body, state=UpdateState.PENDING)
        .select_related("project", "author")
        .order_by("created_at")
        if access.is_congress_staff
        else ProgressUpdate.objects.none()
    )
    returned = ProgressUpdate.objects.filter(
        project__body=access.body, project__unit__in=units, state=UpdateState.RETURNED
    ).select_related("project")[:20]
    return render(
        request,
        "tracking/implementation.html",
        {
            "access": access,
            "body": access.body,
            "rows": rows,
            "pending": pending,
            "returned": returned,
            "today": today,
        },
    )


@login_required
def project_report(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """A unit reports progress on one of its own projects; staff review it before it is public."""
    access, _units = _access(request, body)
    project = get_object_or_404(TrackedProject, body=access.body, code=code)
    require(may_report(request.user, project))
    form = UpdateForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_post(
                project=project,
                author=request.user,
                on=data["on"],
                progress=Decimal(data["progress"]),
                milestones_done=list(data["milestones"]),
                note=data["note"],
                spent_wan=data["spent_wan"],
                photos=data["photos"],
            )
        except Refused as refused:
            form.add_error(None, refused.detail)
        except ValidationError as error:  # a photo Pillow cannot read
            form.add_error("photos", error)
        else:
            messages.success(request, _("The update is sent; it is public once staff review it."))
            return redirect("implementation_index", body=body)
    return render(
        request,
        "tracking/report.html",
        {"access": access, "body": access.body, "project": project, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def update_review_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access, _units = _access(request, body)
    require(access.is_congress_staff)
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("project", "author"),
        pk=pk,
        project__body=access.body,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            update_review(
                update=update,
                reviewer=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except Refused as refused:
            form.add_error(None, refused.detail)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("implementation_index", body=body)
    titles = {m.code: m.title for m in update.project.milestones.all()}
    reached = [titles.get(d["id"], d["id"]) for d in update.milestones_done]
    return render(
        request,
        "tracking/review.html",
        {
            "access": access,
            "body": access.body,
            "update": update,
            "reached": reached,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def photo_file(request: HttpRequest, token: str) -> FileResponse:
    """A progress photo: public once its update is reviewed; before, its unit and staff only."""
    photo = get_object_or_404(UpdatePhoto.objects.select_related("update__project"), token=token)
    update = photo.update
    if update.state != UpdateState.APPROVED:
        user = request.user
        if not user.is_authenticated:
            raise Http404
        access = access_for(user, update.project.body)
        if not (access.has_work_area or may_report(user, update.project)):
            raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
