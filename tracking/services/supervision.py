"""Supervision by the congress (人大督): its warning policy, the follow-up tasks the sweep makes,
the supervision groups (监督小组), the inbox, and the reads of the staff's dashboard.

Writes are keyword-only and atomic and record the staff's decision in the congress's action log.
Colours are always those of tracking.services.assess on the day given (the pages pass today,
Beijing time), so the dashboard, the pages, the API and the sweep never disagree.
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.models import ActionEntry, Body, Representative
from tracking.models import (
    GroupMember,
    Milestone,
    Notification,
    PolicyFields,
    PolicyKind,
    ProgressUpdate,
    SupervisionPolicy,
    SupervisionTask,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.rules import colours
from tracking.rules.colours import COLOURED, Colour, Policy, round1
from tracking.services.assess import assess, facts_of, policy_json, reasons_in_words, with_facts

NONE = "none"  # the dashboard's key for "no colour" (the contract's null)
COLOUR_KEYS = (Colour.RED.value, Colour.YELLOW.value, Colour.GREEN.value, NONE)
MAX_WARN_DAYS = 365
OUTCOME_LENGTH = 2000
CLOSED_SHOWN = 20  # closed tasks on the dashboard: the latest; the action log keeps them all


# -- reads ------------------------------------------------------------------------------------


def colour_key(colour: Colour | None) -> str:
    return colour.value if colour is not None else NONE


@dataclass
class ProjectRow:
    """A project as the dashboard and the group pages show it: today's colour and why."""

    project: TrackedProject
    colour: str  # red, yellow, green or none
    reasons: list[str]
    progress: float
    expected: float
    open_tasks: int = 0


def project_rows(projects: Iterable[TrackedProject], on: datetime.date) -> list[ProjectRow]:
    """Assess projects read `with_facts` (no query per project)."""
    rows = []
    for project in projects:
        assessment = assess(project, on)
        rows.append(
            ProjectRow(
                project=project,
                colour=colour_key(assessment.colour),
                reasons=reasons_in_words(project, assessment),
                progress=round1(assessment.progress),
                expected=round1(assessment.expected),
            )
        )
    return rows


@dataclass(frozen=True)
class OverdueMilestone:
    milestone: Milestone
    days: int


@dataclass(frozen=True)
class ClosedTask:
    task: SupervisionTask
    who: str  # the name of the staff member who closed it, from the action log


@dataclass
class Dashboard:
    years: list[int]
    year: int | None
    rows: list[ProjectRow]
    counts: dict[str, int]
    overdue: list[OverdueMilestone]
    open_tasks: list[SupervisionTask]
    closed_tasks: list[ClosedTask]
    pending: list[ProgressUpdate]
    on: datetime.date
    by_colour: dict[str, list[ProjectRow]] = field(default_factory=dict)


def project_years(body: Body) -> list[int]:
    """The years with projects, latest first."""
    return list(
        TrackedProject.objects.filter(body=body, parent__isnull=True)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def dashboard_read(*, body: Body, year: int | None, on: datetime.date) -> Dashboard:
    """Everything the dashboard shows for the year, in a fixed number of queries."""
    years = project_years(body)
    if year is None:
        year = years[0] if years else None
    in_year = TrackedProject.objects.filter(body=body, year=year or 0)
    rows = project_rows(
        with_facts(in_year.filter(parent__isnull=True)).order_by("code"),
        on,
    )
    open_tasks = list(
        SupervisionTask.objects.filter(project__in=in_year, closed_at__isnull=True)
        .select_related("project", "change")
        .order_by("due", "pk")
    )
    tasks_of = Counter(task.project_id for task in open_tasks)
    by_colour: dict[str, list[ProjectRow]] = {key: [] for key in COLOUR_KEYS}
    for row in rows:
        row.open_tasks = tasks_of[row.project.pk]
        by_colour[row.colour].append(row)
    # Sub-items have milestones and units of their own: their late milestones count too.
    late = (
        Milestone.objects.filter(
            project__in=in_year.filter(status__in=[s.value for s in COLOURED]),
            planned__lt=on,
        )
        .filter(Q(done__isnull=True) | Q(done__gt=on))
        .select_related("project__parent")
        .order_by("planned", "project__code", "code")
    )
    closed = list(
        SupervisionTask.objects.filter(project__in=in_year, closed_at__isnull=False)
        .select_related("project")
        .order_by("-closed_at", "-pk")[:CLOSED_SHOWN]
    )
    pending = list(
        ProgressUpdate.objects.filter(project__in=in_year, state=UpdateState.PENDING)
        .select_related("project", "author")
        .order_by("created_at", "pk")
    )
    return Dashboard(
        years=years,
        year=year,
        rows=rows,
        counts={key: len(by_colour[key]) for key in COLOUR_KEYS},
        overdue=[OverdueMilestone(m, (on - m.planned).days) for m in late],
        open_tasks=open_tasks,
        closed_tasks=closed_tasks_with_closer(body, closed),
        pending=pending,
        on=on,
        by_colour=by_colour,
    )


def closed_tasks_with_closer(body: Body, tasks: Sequence[SupervisionTask]) -> list[ClosedTask]:
    """Who closed each task, from the action log (two queries whatever the number of tasks)."""
    if not tasks:
        return []
    closers: dict[int, str] = {}
    entries = ActionEntry.objects.filter(
        body=body,
        action=TrackingAction.TASK_CLOSED,
        subject__in={task.project.code for task in tasks},
    ).order_by("seq")
    for actor, detail in entries.values_list("actor", "detail"):
        if isinstance(detail, dict) and isinstance(detail.get("task"), int):
            closers[detail["task"]] = actor
    names = {
        user.username: user.get_full_name() or user.username
        for user in User.objects.filter(username__in=set(closers.values()))
    }
    return [
        ClosedTask(task, names.get(closers.get(task.pk, ""), closers.get(task.pk, "—")))
        for task in tasks
    ]


def supervised_rows(*, user_id: int, body: Body, on: datetime.date) -> list[ProjectRow]:
    """The projects whose supervision group this person (a representative) is in."""
    projects = (
        TrackedProject.objects.filter(
            body=body,
            pk__in=GroupMember.objects.filter(
                representative__user_id=user_id, representative__body=body
            ).values("project_id"),
        )
        .annotate(open_task_count=Count("tasks", filter=Q(tasks__closed_at__isnull=True)))
        .order_by("-year", "code")
    )
    rows = project_rows(with_facts(projects), on)
    for row in rows:
        row.open_tasks = row.project.open_task_count  # type: ignore[attr-defined]
    return rows


def in_group(user: User, project: TrackedProject) -> bool:
    """Whether this person is a representative in the project's supervision group."""
    return GroupMember.objects.filter(
        project=project, representative__user=user, representative__body_id=project.body_id
    ).exists()


# -- the warning policy -----------------------------------------------------------------------


def congress_policy(body: Body) -> Policy:
    """The congress's policy in force: its own, else the deadline policy with N = 15."""
    policy = SupervisionPolicy.objects.filter(body=body).exclude(policy_kind="").first()
    return policy_from(policy) if policy is not None else colours.DeadlinePolicy()


def policy_from(fields: PolicyFields) -> Policy:
    if fields.policy_kind == PolicyKind.PROGRESS:
        return colours.ProgressPolicy(yellow=fields.yellow, red=fields.red)
    return colours.DeadlinePolicy(warn_days=fields.warn_days)


def policy_words(policy: Policy) -> str:
    """A policy in one line, for lists and the confirmation's from → to."""
    if isinstance(policy, colours.ProgressPolicy):
        return _(
            "By progress against schedule: yellow from %(yellow)s points behind, red beyond %(red)s"
        ) % {"yellow": points(policy.yellow), "red": points(policy.red)}
    return _("By deadlines: warning window %(days)d days") % {"days": policy.warn_days}


def policy_rules(policy: Policy) -> list[str]:
    """Each rule of the policy in words, with its numbers, as docs/supervision.md says them."""
    if isinstance(policy, colours.ProgressPolicy):
        return [
            _(
                "The schedule progress (序时进度) rises from 0 at the planned start, through "
                "each milestone's share of the total weight at its planned date, to 100 at the "
                "planned completion; progress is the latest reviewed update."
            ),
            _("Red if the project is more than %(red)s points behind the schedule progress.")
            % {"red": points(policy.red)},
            _("Otherwise yellow if it is %(yellow)s or more points behind.")
            % {"yellow": points(policy.yellow)},
            _("Otherwise green."),
        ]
    return [
        _("An open milestone is one not yet done."),
        _(
            "Red if an open milestone's planned date has passed, or the planned completion has "
            "passed."
        ),
        _(
            "Otherwise yellow if an open milestone, or the planned completion, falls due within "
            "the next %(days)d days (today included)."
        )
        % {"days": policy.warn_days},
        _("Otherwise green."),
    ]


def points(value: Decimal | float) -> str:
    """A threshold as people write it: 10, 12.5 (no trailing zeros)."""
    text = f"{Decimal(str(value)).quantize(Decimal('0.1'))}"
    return text.removesuffix(".0")


@dataclass(frozen=True)
class ColourMove:
    project: TrackedProject
    before: str  # red, yellow, green or none
    after: str


@dataclass(frozen=True)
class PolicyPreview:
    moves: list[ColourMove]  # the projects whose colour today would change, and how
    following: int  # projects that follow the congress's policy
    own: list[TrackedProject]  # projects with a policy of their own: unaffected


def policy_preview(*, body: Body, policy: Policy, on: datetime.date) -> PolicyPreview:
    """What a new congress policy would change on the day: each colour before and after."""
    projects = with_facts(TrackedProject.objects.filter(body=body, policy_kind="")).order_by(
        "-year", "code"
    )
    moves = []
    following = 0
    for project in projects:
        following += 1
        facts = facts_of(project)
        before = colours.colour_on(facts, on).colour
        after = colours.colour_on(dataclasses.replace(facts, policy=policy), on).colour
        if before != after:
            moves.append(ColourMove(project, colour_key(before), colour_key(after)))
    own = list(TrackedProject.objects.filter(body=body).exclude(policy_kind="").order_by("code"))
    return PolicyPreview(moves=moves, following=following, own=own)


def policy_check(policy: Policy) -> None:
    """What must hold of any policy, whoever sets it (the form says the same at each field)."""
    if isinstance(policy, colours.DeadlinePolicy):
        if not 1 <= policy.warn_days <= MAX_WARN_DAYS:
            raise Refused(
                "bad_warn_days",
                _("The warning window is a whole number of days from 1 to %(max)d.")
                % {"max": MAX_WARN_DAYS},
            )
        return
    yellow, red = Decimal(str(policy.yellow)), Decimal(str(policy.red))
    if not Decimal(0) < yellow <= red <= Decimal(100):
        raise Refused(
            "bad_thresholds",
            _("The thresholds must satisfy 0 < yellow ≤ red ≤ 100 (points behind schedule)."),
        )
    if yellow != yellow.quantize(Decimal("0.1")) or red != red.quantize(Decimal("0.1")):
        raise Refused("bad_thresholds", _("The thresholds take at most one decimal."))


@transaction.atomic
def policy_set(*, body: Body, actor: User, policy: Policy, on: datetime.date) -> SupervisionPolicy:
    """Set the congress's policy; logged with before, after and the colours it changes on `on`."""
    policy_check(policy)
    Body.objects.select_for_update().filter(pk=body.pk).first()
    before = congress_policy(body)
    preview = policy_preview(body=body, policy=policy, on=on)
    stored, _created = SupervisionPolicy.objects.get_or_create(body=body)
    if isinstance(policy, colours.ProgressPolicy):
        stored.policy_kind = PolicyKind.PROGRESS
        stored.yellow = Decimal(str(policy.yellow))
        stored.red = Decimal(str(policy.red))
    else:
        stored.policy_kind = PolicyKind.DEADLINE
        stored.warn_days = policy.warn_days
    stored.full_clean()
    stored.save()
    action_record(
        body=body,
        actor=actor,
        action=TrackingAction.POLICY_SET,
        subject=body.slug,
        detail={
            "before": policy_json(before),
            "after": policy_json(policy),
            "on": on.isoformat(),
            "changing_colour": len(preview.moves),
        },
    )
    return stored


# -- follow-up tasks --------------------------------------------------------------------------


def _locked_open_task(task: SupervisionTask) -> SupervisionTask:
    locked = SupervisionTask.objects.select_for_update().select_related("project__body")
    task = locked.get(pk=task.pk)
    if task.closed_at is not None:
        raise Refused("task_closed", _("This task is closed already."))
    return task


@transaction.atomic
def task_close(*, task: SupervisionTask, actor: User, outcome: str) -> SupervisionTask:
    """Close a follow-up task with what came of it (the report heard, the visit made…)."""
    task = _locked_open_task(task)
    outcome = outcome.strip()
    if not outcome:
        raise Refused("outcome_required", _("Say what came of it: the outcome is required."))
    if len(outcome) > OUTCOME_LENGTH:
        raise Refused(
            "outcome_too_long",
            _("The outcome takes at most %(n)d characters.") % {"n": OUTCOME_LENGTH},
        )
    task.outcome = outcome
    task.closed_at = timezone.now()
    task.full_clean()
    task.save(update_fields=["outcome", "closed_at"])
    action_record(
        body=task.project.body,
        actor=actor,
        action=TrackingAction.TASK_CLOSED,
        subject=task.project.code,
        detail={"task": task.pk, "kind": task.kind, "outcome": outcome},
    )
    return task


@transaction.atomic
def task_edit(
    *, task: SupervisionTask, actor: User, owner: str, due: datetime.date
) -> SupervisionTask:
    """Change who does an open task and by when; the log keeps both values, before and after."""
    task = _locked_open_task(task)
    owner = owner.strip()
    if not owner:
        raise Refused("owner_required", _("Name who does it: the owner is required."))
    changed: dict[str, Any] = {}
    if owner != task.owner:
        changed["owner"] = [task.owner, owner]
        task.owner = owner
    if due != task.due:
        changed["due"] = [task.due.isoformat(), due.isoformat()]
        task.due = due
    if not changed:
        raise Refused("unchanged", _("Nothing was changed."))
    task.full_clean()
    task.save(update_fields=["owner", "due"])
    action_record(
        body=task.project.body,
        actor=actor,
        action=TrackingAction.TASK_EDITED,
        subject=task.project.code,
        detail={"task": task.pk, "kind": task.kind, **changed},
    )
    return task


# -- supervision groups -----------------------------------------------------------------------


def _log_group(
    project: TrackedProject, actor: User, change: str, representative: Representative, **more: Any
) -> None:
    action_record(
        body=project.body,
        actor=actor,
        action=TrackingAction.GROUP_CHANGED,
        subject=project.code,
        detail={
            "change": change,
            "representative": f"{representative.name}（{representative.code}）",
            **more,
        },
    )


def _lock(project: TrackedProject) -> None:
    """One change to a group at a time: the leader stays one."""
    list(TrackedProject.objects.select_for_update().filter(pk=project.pk).values_list("pk"))


@transaction.atomic
def group_member_add(
    *, project: TrackedProject, actor: User, representative: Representative, leads: bool = False
) -> GroupMember:
    """Add a representative of the project's congress; as leader, the former one steps down."""
    _lock(project)
    if representative.body_id != project.body_id:
        raise Refused(
            "not_in_roster",
            _("Only representatives of %(congress)s can supervise its projects.")
            % {"congress": project.body.name},
        )
    if not representative.active:
        raise Refused("not_seated", _("%(name)s is no longer seated.") % {"name": representative})
    if GroupMember.objects.filter(project=project, representative=representative).exists():
        raise Refused(
            "already_member", _("%(name)s is in the group already.") % {"name": representative}
        )
    if leads:
        GroupMember.objects.filter(project=project, leads=True).update(leads=False)
    member = GroupMember(project=project, representative=representative, leads=leads)
    member.full_clean()
    member.save()
    _log_group(project, actor, "added", representative, leader=leads)
    return member


@transaction.atomic
def group_leader_set(*, project: TrackedProject, actor: User, member: GroupMember) -> GroupMember:
    """Make a member the group's one leader (组长)."""
    _lock(project)
    member = GroupMember.objects.select_related("representative").get(pk=member.pk, project=project)
    if member.leads:
        raise Refused(
            "already_leader",
            _("%(name)s leads the group already.") % {"name": member.representative},
        )
    GroupMember.objects.filter(project=project, leads=True).update(leads=False)
    member.leads = True
    member.save(update_fields=["leads"])
    _log_group(project, actor, "leader", member.representative)
    return member


@transaction.atomic
def group_member_remove(*, project: TrackedProject, actor: User, member: GroupMember) -> None:
    _lock(project)
    member = GroupMember.objects.select_related("representative").get(pk=member.pk, project=project)
    representative, leads = member.representative, member.leads
    member.delete()
    _log_group(project, actor, "removed", representative, leader=leads)


# -- the inbox --------------------------------------------------------------------------------


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the person's own notices read (pk), or all of them; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
