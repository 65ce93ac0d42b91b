"""Supervision in the work area: the staff's dashboard, the congress's warning policy, follow-up
tasks and each project's supervision group (监督小组)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import Access, access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest, confirmed
from projects.models import Body
from tracking.models import GroupMember, SupervisionPolicy, SupervisionTask, TrackedProject
from tracking.services.assess import policy_of, with_facts
from tracking.services.supervision import (
    COLOUR_KEYS,
    closed_tasks_with_closer,
    congress_policy,
    dashboard_read,
    group_leader_set,
    group_member_add,
    group_member_remove,
    in_group,
    policy_check,
    policy_preview,
    policy_rules,
    policy_set,
    policy_words,
    project_rows,
    task_close,
    task_edit,
)
from tracking.supervision_forms import GroupAddForm, PolicyForm, TaskCloseForm, TaskEditForm


def _access(request: AuthenticatedHttpRequest, body: str) -> Access:
    """Congress staff act; auditors and station staff read; everyone else is refused."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.has_work_area)
    return access


def _year(request: AuthenticatedHttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) == 4 else None


def _dashboard_url(body: Body, year: int) -> str:
    return reverse("supervision", kwargs={"body": body.slug}) + f"?year={year}"


@login_required
def supervision(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _access(request, body)
    board = dashboard_read(body=access.body, year=_year(request), on=timezone.localdate())
    colour = request.GET.get("colour", "")
    if colour not in COLOUR_KEYS:
        colour = ""
    return render(
        request,
        "tracking/supervision.html",
        {
            "access": access,
            "body": access.body,
            "board": board,
            "colour": colour,
            "shown": board.by_colour.get(colour, []),
            "tiles": [(key, board.counts[key]) for key in COLOUR_KEYS],
        },
    )


@login_required
def supervision_policy(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Congress staff set the congress's policy, seeing first what it changes today; others read."""
    access = _access(request, body)
    stored = SupervisionPolicy.objects.filter(body=access.body).exclude(policy_kind="").first()
    current = congress_policy(access.body)
    today = timezone.localdate()
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(stored))
    if request.method == "POST":
        require(access.is_congress_staff)
        if form.is_valid():
            policy = form.policy()
            if confirmed(request):
                try:
                    policy_set(body=access.body, actor=request.user, policy=policy, on=today)
                except Refused as refused:
                    form.add_error(None, refused.detail)
                else:
                    messages.success(request, _("The warning policy is set."))
                    return redirect("supervision_policy", body=body)
            else:
                try:
                    policy_check(policy)
                except Refused as refused:
                    form.add_error(None, refused.detail)
                else:
                    return render(
                        request,
                        "tracking/supervision_policy_confirm.html",
                        {
                            "access": access,
                            "body": access.body,
                            "before": policy_words(current),
                            "after": policy_words(policy),
                            "rules": policy_rules(policy),
                            "preview": policy_preview(body=access.body, policy=policy, on=today),
                            "data": form.cleaned_data,
                            "today": today,
                        },
                    )
    own = TrackedProject.objects.filter(body=access.body).exclude(policy_kind="").order_by("code")
    return render(
        request,
        "tracking/supervision_policy.html",
        {
            "access": access,
            "body": access.body,
            "current": policy_words(current),
            "rules": policy_rules(current),
            "is_default": stored is None,
            "form": form,
            "own": [(project, policy_words(policy_of(project))) for project in own],
        },
        status=400 if form.errors else 200,
    )


def _staff_task(
    request: AuthenticatedHttpRequest, body: str, pk: int
) -> tuple[Access, SupervisionTask]:
    access = _access(request, body)
    require(access.is_congress_staff)
    task = get_object_or_404(
        SupervisionTask.objects.select_related("project__body", "change"),
        pk=pk,
        project__body=access.body,
    )
    return access, task


@login_required
def task_close_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    """Close a task with its outcome, asked first; a closed task shows what came of it."""
    access, task = _staff_task(request, body, pk)
    back = _dashboard_url(access.body, task.project.year)
    form = TaskCloseForm(request.POST or None)
    if request.method == "POST" and task.closed_at is None and form.is_valid():
        outcome = form.cleaned_data["outcome"]
        if confirmed(request):
            try:
                task_close(task=task, actor=request.user, outcome=outcome)
            except Refused as refused:
                form.add_error(None, refused.detail)
            else:
                messages.success(request, _("The task is closed."))
                return redirect(back)
        else:
            return render(
                request,
                "projects/confirm.html",
                {
                    "access": access,
                    "body": access.body,
                    "heading": _("Close “%(task)s”?") % {"task": task},
                    "back": back,
                    "action": request.path,
                    "lines": [
                        _("Outcome: %(outcome)s") % {"outcome": outcome},
                        _(
                            "A closed task cannot be opened again; the outcome is kept with "
                            "the project and in the staff action log."
                        ),
                    ],
                    "hidden": [("outcome", outcome)],
                    "button": _("Close the task"),
                },
            )
    return render(
        request,
        "tracking/supervision_task.html",
        {
            "access": access,
            "body": access.body,
            "task": task,
            "closed_by": closed_tasks_with_closer(access.body, [task])[0].who
            if task.closed_at
            else "",
            "form": form,
            "back": back,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def task_edit_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    """Change an open task's owner or due date."""
    access, task = _staff_task(request, body, pk)
    back = _dashboard_url(access.body, task.project.year)
    if task.closed_at is not None:
        raise Http404
    form = TaskEditForm(request.POST or None, initial={"owner": task.owner, "due": task.due})
    if request.method == "POST" and form.is_valid():
        try:
            task_edit(
                task=task,
                actor=request.user,
                owner=form.cleaned_data["owner"],
                due=form.cleaned_data["due"],
            )
        except Refused as refused:
            form.add_error(None, refused.detail)
        else:
            messages.success(request, _("The task is changed."))
            return redirect(back)
    return render(
        request,
        "tracking/supervision_task_edit.html",
        {"access": access, "body": access.body, "task": task, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


def _member(request: AuthenticatedHttpRequest, project: TrackedProject) -> GroupMember:
    value = request.POST.get("member", "")
    if not (value.isascii() and value.isdigit()):
        raise Http404
    return get_object_or_404(
        GroupMember.objects.select_related("representative"), pk=int(value), project=project
    )


@login_required
def project_group(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    """The project's supervision group: congress staff change it; the work area and its members
    read it."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    project = get_object_or_404(TrackedProject, body=access.body, code=code)
    require(access.has_work_area or in_group(request.user, project))
    here = reverse("project_group", kwargs={"body": body, "code": code})
    form = GroupAddForm(None, project=project)
    if request.method == "POST":
        require(access.is_congress_staff)
        action = request.POST.get("action", "")
        try:
            if action == "add":
                form = GroupAddForm(request.POST, project=project)
                if form.is_valid():
                    member = group_member_add(
                        project=project,
                        actor=request.user,
                        representative=form.cleaned_data["representative"],
                        leads=form.cleaned_data["leads"],
                    )
                    messages.success(
                        request, _("%(name)s joins the group.") % {"name": member.representative}
                    )
                    return redirect(here)
            elif action == "lead":
                member = group_leader_set(
                    project=project, actor=request.user, member=_member(request, project)
                )
                messages.success(
                    request, _("%(name)s leads the group.") % {"name": member.representative}
                )
                return redirect(here)
            elif action == "remove":
                member = _member(request, project)
                if confirmed(request):
                    group_member_remove(project=project, actor=request.user, member=member)
                    messages.success(
                        request,
                        _("%(name)s has left the group.") % {"name": member.representative},
                    )
                    return redirect(here)
                return _remove_confirm(request, access, project, member, here)
            else:
                raise Http404
        except Refused as refused:
            form.add_error(None, refused.detail)
    today = timezone.localdate()
    row = project_rows(with_facts(TrackedProject.objects.filter(pk=project.pk)), today)[0]
    tasks = list(project.tasks.order_by("closed_at", "due", "pk"))
    closed = closed_tasks_with_closer(access.body, [t for t in tasks if t.closed_at])
    return render(
        request,
        "tracking/group.html",
        {
            "access": access,
            "body": access.body,
            "project": project,
            "row": row,
            "members": project.group_members.select_related("representative__station").order_by(
                "-leads", "representative__code"
            ),
            "open_tasks": [t for t in tasks if t.closed_at is None],
            "closed_tasks": closed,
            "form": form,
            "today": today,
        },
        status=400 if form.errors else 200,
    )


def _remove_confirm(
    request: AuthenticatedHttpRequest,
    access: Access,
    project: TrackedProject,
    member: GroupMember,
    back: str,
) -> HttpResponse:
    lines = [
        _(
            "They no longer receive the project's warnings and follow-up tasks; they can be "
            "added again later."
        )
    ]
    if member.leads:
        lines.insert(0, _("They lead the group: it has no leader until you choose another."))
    return render(
        request,
        "projects/confirm.html",
        {
            "access": access,
            "body": access.body,
            "heading": _("Remove %(name)s from the supervision group of “%(project)s”?")
            % {"name": member.representative, "project": project.title},
            "back": back,
            "action": request.path,
            "lines": lines,
            "hidden": [("action", "remove"), ("member", member.pk)],
            "button": _("Remove from the group"),
        },
    )
