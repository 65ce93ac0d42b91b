"""Plans in the work area: the plan editor (a draft, published after a look at what changes),
sub-items, a project added by a decision, Excel uploads of plans and progress, changes of plan.

Congress staff write; auditors and station staff read a plan; a unit reads its own project's.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.excel import ImportProblem, ImportRefused
from projects.forms import ImportForm
from projects.http import AuthenticatedHttpRequest, confirmed
from projects.models import Body
from tracking.models import (
    PlanChangeKind,
    ProgressUpdate,
    ProjectStatus,
    TrackedProject,
    UpdateState,
)
from tracking.plan_excel import PROJECT_COLUMNS, label, plans_from_workbook, projects_workbook
from tracking.plan_file import FileRefused, PlanSpec, check_plans
from tracking.plan_forms import (
    BaseMilestoneFormSet,
    MilestoneFormSet,
    PlanChangeForm,
    PlanForm,
    ProjectNewForm,
    SubItemForm,
    bound_data,
    milestones_initial,
    place_problems,
    plan_initial,
)
from tracking.progress_excel import progress_from_workbook, progress_record
from tracking.progress_file import UpdateSpec, check_progress
from tracking.services.plan_changes import kinds_for, plan_change_record, status_after
from tracking.services.plan_editor import (
    PlanDiff,
    draft_discard,
    draft_save,
    plan_checked,
    plan_diff,
    plan_publish,
    plan_record,
    plans_outside,
    progress_outside,
    project_add,
    spec_record,
    sub_item_add,
    sub_item_blocker,
    sub_item_remove,
)
from tracking.services.plans import plans_import
from tracking.services.progress import progress_import
from tracking.services.updates import units_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREFIX = "m"  # the milestones' formset
UPLOAD_MAX_AGE = 3600  # seconds a checked upload waits for its confirmation


def _access(request: AuthenticatedHttpRequest, body: str) -> Access:
    return access_for(request.user, get_object_or_404(Body, slug=body))


def _staff(request: AuthenticatedHttpRequest, body: str) -> Access:
    access = _access(request, body)
    require(access.is_congress_staff)
    return access


def _project(access: Access, code: str) -> TrackedProject:
    return get_object_or_404(
        TrackedProject.objects.select_related("body", "parent"), body=access.body, code=code
    )


def _may_read(request: AuthenticatedHttpRequest, access: Access, project: TrackedProject) -> bool:
    """Staff, auditors and stations read every plan; a unit its own projects' (and sub-items')."""
    if access.has_work_area:
        return True
    units = units_of(request.user, access.body.pk)
    parent_unit = project.parent.unit if project.parent else ""
    return bool(project.unit and project.unit in units) or bool(
        parent_unit and parent_unit in units
    )


def _broken() -> str:
    return _("The draft breaks the plan's rules: fix what is marked first.")


def _edit_url(project: TrackedProject) -> str:
    return reverse("plan_edit", kwargs={"body": project.body.slug, "code": project.code})


# --- The plan editor -------------------------------------------------------------------------


@login_required
def plan_edit(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """The plan as a form: congress staff save a draft or go on to publish it; others read."""
    access = _access(request, body)
    project = _project(access, code)
    require(_may_read(request, access, project))
    editable = access.is_congress_staff and project.status != ProjectStatus.STOPPED
    status = 200
    if request.method == "POST":
        require(access.is_congress_staff)
        if not editable:
            messages.error(request, _("A stopped project's plan is no longer edited."))
            return redirect(_edit_url(project))
        form = PlanForm(request.POST)
        formset = MilestoneFormSet(request.POST, prefix=PREFIX)
        if form.is_valid() and formset.is_valid():
            rows = formset.rows(taken=project.milestones.values_list("code", flat=True))
            record = {**form.record(), "milestones": [row for _index, row in rows]}
            publish = request.POST.get("action") == "publish"
            try:
                if publish:
                    plan_checked(project, record)  # nothing is stored if it breaks a rule
                draft_save(project=project, record=record)
            except FileRefused as refused:
                place_problems(refused.found, form, formset, rows)
            except Refused as refused:
                form.add_error(None, refused.detail)
            else:
                if publish:
                    return redirect("plan_publish", body=body, code=code)
                messages.success(request, _("The draft is saved; it is not public."))
                return redirect(_edit_url(project))
        status = 400
    elif editable and project.draft_plan is not None:
        form, formset = _checked_draft(project)
    else:
        record = plan_record(project)
        form = PlanForm(initial=plan_initial(record))
        formset = MilestoneFormSet(initial=milestones_initial(record), prefix=PREFIX)
        if not editable:
            formset.extra = 0  # readers need no empty rows
    if not editable:
        for each in (form, *formset.forms):
            for field in each.fields.values():
                field.disabled = True
    done = {m.code: m.done for m in project.milestones.all()}
    for row in formset.forms:
        row.done = done.get(str(row["code"].value() or ""))
    problems = sum(len(f.errors) for f in (form, *formset.forms)) + len(form.non_field_errors())
    return render(
        request,
        "tracking/plan_edit.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "form": form,
            "formset": formset,
            "editable": editable,
            "stopped": project.status == ProjectStatus.STOPPED,
            "may_change": bool(kinds_for(project)),
            "problems": problems,
            "sub_items": project.sub_items.order_by("code") if project.parent_id is None else [],
            "changes": project.plan_changes.order_by("-decided_on", "-pk"),
        },
        status=status,
    )


def _checked_draft(project: TrackedProject) -> tuple[PlanForm, BaseMilestoneFormSet]:
    """The draft as a filled-in form, each problem the plan's rules find beside its field."""
    record: dict[str, Any] = project.draft_plan or {}
    form = PlanForm(bound_data(plan_initial(record)))
    formset = MilestoneFormSet(
        bound_data(milestones_initial(record), prefix=PREFIX, extra=2), prefix=PREFIX
    )
    if form.is_valid() and formset.is_valid():
        try:
            plan_checked(project, record)
        except FileRefused as refused:
            place_problems(refused.found, form, formset, formset.rows())  # ids all given
    return form, formset


@login_required
def plan_publish_view(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """What publishing the draft changes, asked first; the confirmed form publishes it."""
    access = _staff(request, body)
    project = _project(access, code)
    back = _edit_url(project)
    if project.draft_plan is None:
        messages.info(request, _("There is no draft to publish: edit the plan first."))
        return redirect(back)
    try:
        spec = plan_checked(project, project.draft_plan)
    except FileRefused:
        messages.error(request, _broken())
        return redirect(back)
    if request.method == "POST" and confirmed(request):
        try:
            plan_publish(project=project, actor=request.user)
        except FileRefused:
            messages.error(
                request, _("The draft breaks the plan's rules: fix what is marked first.")
            )
        except Refused as refused:
            messages.error(request, refused.detail)
        else:
            messages.success(request, _("The plan is published."))
        return redirect(back)
    diff = plan_diff(project, spec, project.draft_plan)
    undecided = (
        project.plan_set_at is not None
        and not project.plan_changes.filter(
            kind=PlanChangeKind.ADJUST, created_at__gte=project.plan_set_at
        ).exists()
    )
    return render(
        request,
        "tracking/plan_publish.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "diff": diff,
            "undecided": undecided,
            "back": back,
        },
    )


@login_required
def plan_discard_view(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _staff(request, body)
    project = _project(access, code)
    back = _edit_url(project)
    if request.method == "POST" and confirmed(request):
        draft_discard(project=project)
        messages.success(request, _("The draft is discarded; the published plan is unchanged."))
        return redirect(back)
    return _confirm(
        request,
        access,
        heading=_("Discard the draft plan of %(title)s?") % {"title": project.title},
        lines=[_("Every change made since the plan was last published is lost.")],
        blocked="" if project.draft_plan is not None else _("There is no draft to discard."),
        button=_("Discard the draft"),
        back=back,
    )


def _confirm(request: HttpRequest, access: Access, **context: Any) -> HttpResponse:
    page: dict[str, Any] = {
        "access": access,
        "body": access.body,
        "facts": [],
        "lines": [],
        "warning": "",
        "blocked": "",
        "acknowledge": 0,
        "acknowledge_label": "",
        "hidden": [],
        "action": request.path,
        **context,
    }
    return render(request, "projects/confirm.html", page)


# --- Sub-items and new projects --------------------------------------------------------------


@login_required
def sub_item_new(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _staff(request, body)
    parent = _project(access, code)
    form = SubItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sub = sub_item_add(
                parent=parent,
                actor=request.user,
                code=data["code"],
                title=data["title"],
                unit=data["unit"],
                share=data["share"],
            )
        except Refused as refused:
            form.add_error("code" if refused.code.startswith("code") else None, refused.detail)
        else:
            messages.success(request, _("The sub-item is added: now draw up its plan."))
            return redirect(_edit_url(sub))
    return render(
        request,
        "tracking/plan_sub_item.html",
        {"access": access, "body": access.body, "parent": parent, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def sub_item_remove_view(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    access = _staff(request, body)
    sub = _project(access, code)
    parent = sub.parent
    back = _edit_url(parent or sub)
    if request.method == "POST" and confirmed(request):
        try:
            sub_item_remove(sub=sub, actor=request.user)
        except Refused as refused:
            messages.error(request, refused.detail)
            return redirect(back)
        messages.success(request, _("The sub-item is removed."))
        return redirect(back)
    return _confirm(
        request,
        access,
        heading=_("Remove the sub-item %(title)s?") % {"title": sub.title},
        lines=[
            _(
                "Its plan, milestones and any progress awaiting review go with it; the removal "
                "is recorded in the staff action log."
            )
        ],
        blocked=sub_item_blocker(sub),
        button=_("Remove the sub-item"),
        back=back,
    )


@login_required
def project_new(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """A project by a congress decision (no vote): then on to its plan."""
    access = _staff(request, body)
    form = ProjectNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = project_add(
                body=access.body,
                actor=request.user,
                code=data["code"],
                title=data["title"],
                year=data["year"],
                unit=data["unit"],
            )
        except Refused as refused:
            field = {"bad_year": "year", "bad_code": "code", "code_taken": "code"}.get(refused.code)
            form.add_error(field, refused.detail)
        else:
            messages.success(request, _("The project is added: now draw up its plan."))
            return redirect(_edit_url(project))
    return render(
        request,
        "tracking/project_new.html",
        {"access": access, "body": access.body, "form": form},
        status=400 if form.errors else 200,
    )


# --- Excel: the workbook out, plans and progress in -----------------------------------------


@login_required
def projects_export(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """The congress's projects and milestones: the sheet to edit and upload again."""
    access = _access(request, body)
    require(access.has_work_area)
    projects = TrackedProject.objects.filter(body=access.body).order_by("-year", "code")
    response = HttpResponse(projects_workbook(projects), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    name = f"projects-{access.body.slug}-{stamp}.xlsx"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _salt(access: Access, request: AuthenticatedHttpRequest, kind: str) -> str:
    """A checked upload is confirmed by the same person, for the same congress."""
    return f"tracking.upload.{kind}.{access.body.pk}.{request.user.pk}"


def _sheet_problems(messages_: list[str]) -> list[ImportProblem]:
    column = label(PROJECT_COLUMNS[0])
    return [ImportProblem(None, column, message) for message in messages_]


def _whole_file(messages_: list[str]) -> list[ImportProblem]:
    return [ImportProblem(None, None, message) for message in messages_]


@dataclass(frozen=True)
class _Upload:
    """One workbook upload: read, check against the congress, confirm, then import as reviewed."""

    kind: str  # "plans" or "progress": the signing salt's and the URL's name
    url: str
    template: str
    read: Callable[[bytes], list[Any]]  # the workbook's records, or ImportRefused
    check: Callable[[Any], list[Any]]  # the confirmed payload checked again, or FileRefused
    outside: Callable[[list[Any], Body], list[str]]  # records naming another congress's projects
    store: Callable[[list[Any], User], list[Any]]
    confirm: Callable[[AuthenticatedHttpRequest, Access, list[Any]], HttpResponse]
    done: Callable[[int], str]


def _workbook_upload(request: AuthenticatedHttpRequest, body: str, upload: _Upload) -> HttpResponse:
    """Every problem listed and nothing stored, else asked first; the confirmed records are
    checked again, since the projects may have changed meanwhile."""
    access = _staff(request, body)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[ImportProblem] = []
    if request.method == "POST" and confirmed(request):
        try:
            data = signing.loads(
                request.POST.get("payload", ""),
                salt=_salt(access, request, upload.kind),
                max_age=UPLOAD_MAX_AGE,
            )
            specs = upload.check(data)
            outside = upload.outside(specs, access.body)
            if outside:
                raise ImportRefused(_sheet_problems(outside))
            stored = upload.store(specs, request.user)
        except signing.BadSignature:
            messages.error(request, _("The check has expired: upload the workbook again."))
            return redirect(upload.url, body=body)
        except FileRefused as refused:
            problems = _whole_file(refused.problems)
        except ImportRefused as refused:
            problems = refused.problems
        except Refused as refused:
            problems = _whole_file([refused.detail])
        else:
            messages.success(request, upload.done(len(stored)))
            return redirect("implementation_index", body=body)
    elif request.method == "POST" and form.is_valid():
        try:
            specs = upload.read(form.cleaned_data["file"].read())
            outside = upload.outside(specs, access.body)
            if outside:
                raise ImportRefused(_sheet_problems(outside))
        except ImportRefused as refused:
            problems = refused.problems
        else:
            return upload.confirm(request, access, specs)
    return render(
        request,
        upload.template,
        {"access": access, "body": access.body, "form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@login_required
def plans_import_upload(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Plans from the workbook: every problem listed and nothing stored, else asked first."""
    return _workbook_upload(request, body, _PLANS)


def _plans_confirm(
    request: AuthenticatedHttpRequest, access: Access, specs: list[PlanSpec]
) -> HttpResponse:
    existing = {
        p.code: p
        for p in TrackedProject.objects.filter(code__in=[s.id for s in specs]).select_related(
            "body__supervision_policy"
        )
    }
    rows: list[tuple[PlanSpec, PlanDiff | None]] = [
        (spec, plan_diff(existing[spec.id], spec) if spec.id in existing else None)
        for spec in specs
    ]
    payload = signing.dumps(
        {"projects": [spec_record(spec) for spec in specs]},
        salt=_salt(access, request, "plans"),
        compress=True,
    )
    return render(
        request,
        "tracking/import_plans_confirm.html",
        {
            "access": access,
            "body": access.body,
            "rows": rows,
            "new": sum(1 for spec in specs if spec.new),
            "replaced": sum(1 for spec in specs if not spec.new),
            "payload": payload,
        },
    )


@login_required
def progress_import_upload(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Progress from the workbook, stored as reviewed: problems listed, else asked first."""
    return _workbook_upload(request, body, _PROGRESS)


def _progress_confirm(
    request: AuthenticatedHttpRequest, access: Access, specs: list[UpdateSpec]
) -> HttpResponse:
    projects = {
        p.code: p
        for p in TrackedProject.objects.filter(code__in={s.project for s in specs})
        .select_related("body__supervision_policy")
        .prefetch_related("milestones")
    }
    latest: dict[int, ProgressUpdate] = {}
    for update in ProgressUpdate.objects.filter(
        project__in=projects.values(), state=UpdateState.APPROVED
    ).order_by("on", "reviewed_at", "pk"):
        latest[update.project_id] = update
    rows = []
    for spec in sorted(specs, key=lambda s: (s.project, s.on)):
        project = projects[spec.project]
        titles = {m.code: m.title for m in project.milestones.all()}
        before = latest.get(project.pk)
        rows.append(
            {
                "spec": spec,
                "project": project,
                "before": before.progress if before else None,
                "milestones": [(titles.get(d.id, d.id), d.done) for d in spec.milestones_done],
                "status": (
                    ProjectStatus(spec.status).label
                    if spec.status and spec.status != project.status
                    else ""
                ),
            }
        )
    payload = signing.dumps(
        {"updates": [progress_record(spec) for spec in specs]},
        salt=_salt(access, request, "progress"),
        compress=True,
    )
    return render(
        request,
        "tracking/import_progress_confirm.html",
        {"access": access, "body": access.body, "rows": rows, "payload": payload},
    )


_PLANS = _Upload(
    kind="plans",
    url="plans_import_upload",
    template="tracking/import_plans.html",
    read=plans_from_workbook,
    check=check_plans,
    outside=plans_outside,
    store=lambda specs, actor: plans_import(specs, actor, subject="plan_excel"),
    confirm=_plans_confirm,
    done=lambda n: _("%(n)d plans imported and published.") % {"n": n},
)
_PROGRESS = _Upload(
    kind="progress",
    url="progress_import_upload",
    template="tracking/import_progress.html",
    read=progress_from_workbook,
    check=check_progress,
    outside=progress_outside,
    store=lambda specs, actor: progress_import(specs, actor, subject="progress_excel"),
    confirm=_progress_confirm,
    done=lambda n: _("%(n)d progress updates imported; they count as reviewed.") % {"n": n},
)


# --- Changes of plan -------------------------------------------------------------------------


@login_required
def plan_change_view(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """A congress decision to adjust, pause, stop or resume: asked first, then recorded."""
    access = _staff(request, body)
    project = _project(access, code)
    kinds = kinds_for(project)
    form = PlanChangeForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and kinds and form.is_valid():
        data = form.cleaned_data
        if confirmed(request):
            try:
                plan_change_record(
                    project=project,
                    actor=request.user,
                    kind=data["kind"],
                    meeting=data["meeting"],
                    decided_on=data["decided_on"],
                    reason=data["reason"],
                    notice=data["notice"],
                )
            except Refused as refused:
                form.add_error("decided_on" if refused.code == "future_date" else None, refused)
            else:
                messages.success(request, _("The decision is recorded and its notice is public."))
                if data["kind"] == PlanChangeKind.ADJUST:
                    return redirect(_edit_url(project))
                return redirect("implementation_index", body=body)
        else:
            return _change_confirm(request, access, project, data)
    return render(
        request,
        "tracking/plan_change.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "form": form,
            "kinds": kinds,
            "changes": project.plan_changes.order_by("-decided_on", "-pk"),
        },
        status=400 if form.errors else 200,
    )


def _change_confirm(
    request: AuthenticatedHttpRequest,
    access: Access,
    project: TrackedProject,
    data: dict[str, Any],
) -> HttpResponse:
    after = status_after(project, data["kind"])
    decided_on: datetime.date = data["decided_on"]
    return render(
        request,
        "tracking/plan_change_confirm.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "kind": PlanChangeKind(data["kind"]).label,
            "adjust": data["kind"] == PlanChangeKind.ADJUST,
            "before": project.get_status_display(),
            "after": ProjectStatus(after).label,
            "changes_status": after != project.status,
            "data": data,
            "decided_on": formats.date_format(decided_on, "DATE_FORMAT"),
            "hidden": [
                ("kind", data["kind"]),
                ("meeting", data["meeting"]),
                ("decided_on", decided_on.isoformat()),
                ("reason", data["reason"]),
                ("notice", data["notice"]),
            ],
        },
    )
