"""The periodic sweep of warning colours (三色督办): what it saw becomes history and follow-up.

`sweep(on)` assesses every tracked project on the day `on` by the same rules the pages and the API
use (tracking.services.assess), and for each project whose colour differs from the last one
recorded it writes, in one transaction per project:
- a `ColourChange` row (the first sweep that sees a project records its colour with `from` null,
  even when that colour is null, as for a paused project), with its reasons as data and in words;
- for a new red, a special report to the standing committee (专题听取汇报; a township congress has
  none, so its presidium hears it); for a new yellow, on-site supervision (现场督办) by the
  supervision group; each with an owner and a due date, the outcome left for those who do it;
- for a new red or yellow, a notice in the app to every user of the project's supervision group and
  every congress staff user of its congress, and one email to each of them with an address.
A change to green or to no colour is recorded, and calls for no task and no notice.

Safe to run again: a project whose colour has not changed since the last row writes nothing, so a
second sweep of the same day (or any later one with no change) adds no row, task, notice or email.
Each project's row is locked while it is written, so two sweeps at once cannot both record it.

Out-of-order sweeps never rewrite the past. A sweep of day d compares with the latest change
recorded on or before d; a project that already has a change recorded *after* d is skipped (and
counted as such): its later history was built on what was seen later, and a row slipped in before
it would contradict that row's `from`. Re-running an earlier day therefore only records projects
seen for the first time; to rebuild history, delete the rows from that day on and sweep forward.

A project that fails (bad data, a bug) is logged and counted, and the sweep goes on with the rest.
One action log entry per congress records what a sweep changed there (nothing changed: no entry).
"""

import datetime
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.models import Body, Level, Membership, Role
from tracking import live
from tracking.models import (
    ColourChange,
    GroupMember,
    Notification,
    SupervisionTask,
    TaskKind,
    TrackedProject,
    TrackingAction,
)
from tracking.rules.colours import Assessment, Colour
from tracking.services.assess import assess, reason_words, with_facts
from tracking.services.evaluation import evaluations_record_missed
from tracking.services.from_vote import projects_from_all_rounds

log = logging.getLogger(__name__)

# The standing committee meets about monthly (at least every two months by law): 30 days puts
# the special report on the agenda of its next meeting.
SPECIAL_REPORT_DAYS = 30
# The deadline policy's default warning window: the group visits before a milestone due soon
# falls overdue.
ON_SITE_DAYS = 15
# Projects read and assessed together, in a fixed number of queries per batch.
BATCH = 200
NOTICE_LENGTH = 300  # Notification.text's max_length
OWNER_LENGTH = 120  # SupervisionTask.owner's max_length

NONE = "none"  # the report's and the log's word for "no colour" (the contract's null)
TASK_OF: dict[str, tuple[TaskKind, int]] = {
    Colour.RED: (TaskKind.SPECIAL_REPORT, SPECIAL_REPORT_DAYS),
    Colour.YELLOW: (TaskKind.ON_SITE, ON_SITE_DAYS),
}


@dataclass
class SweepReport:
    on: datetime.date
    projects_made: int = 0  # tracked projects made from rounds closed before (or missed at close)
    grades_recorded: int = 0  # projects given an evaluation grade a close missed
    assessed: int = 0
    skipped: int = 0  # a change after `on` already recorded: the past is not rewritten
    changes: Counter[str] = field(default_factory=Counter)  # red, yellow, green, none
    tasks: int = 0
    notifications: int = 0
    emails: int = 0
    emails_failed: int = 0
    failed: int = 0  # projects (and the making of projects from rounds) that raised

    def changed(self) -> int:
        return sum(self.changes.values())


@dataclass
class _Written:
    change: ColourChange
    task: SupervisionTask | None
    notices: int
    mail: list[tuple[str, str, None, list[str]]]


@dataclass
class _Batch:
    """What a batch of projects needs besides their facts, read in a fixed number of queries."""

    last: dict[int, tuple[datetime.date, str]]  # project id → (on, to_colour) of its latest row
    members: dict[int, list[GroupMember]]
    staff: dict[int, list[User]]  # body id → its active congress staff users


def sweep(on: datetime.date) -> SweepReport:
    """Record the colour changes on `on`, with their tasks and notices; see the module's rules."""
    report = SweepReport(on=on)
    try:
        report.projects_made = projects_from_all_rounds()
    except Exception:
        log.exception("tracked projects from closed rounds not made; the sweep goes on")
        report.failed += 1
    try:
        with transaction.atomic():
            report.grades_recorded = evaluations_record_missed()
    except Exception:
        log.exception("evaluation grades of closed rounds not recorded; the sweep goes on")
        report.failed += 1
    by_body: dict[int, Counter[str]] = defaultdict(Counter)
    ids = list(TrackedProject.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        projects = list(with_facts(TrackedProject.objects.filter(pk__in=chunk).order_by("pk")))
        facts = _batch_facts(projects)
        mail: list[tuple[str, str, None, list[str]]] = []
        for project in projects:
            try:
                written = _sweep_one(project, on, facts, report)
            except Exception:
                log.exception("colour sweep of project %s on %s failed", project.code, on)
                report.failed += 1
                continue
            if written is None:
                continue
            colour = written.change.to_colour or NONE
            report.changes[colour] += 1
            report.tasks += written.task is not None
            report.notifications += written.notices
            mail += written.mail
            counts = by_body[project.body_id]
            counts[colour] += 1
            counts["tasks"] += written.task is not None
            counts["notifications"] += written.notices
        _send(mail, report)
    _log_sweep(on, by_body)
    return report


def _batch_facts(projects: Sequence[TrackedProject]) -> _Batch:
    ids = [p.pk for p in projects]
    last: dict[int, tuple[datetime.date, str]] = {}
    rows = ColourChange.objects.filter(project_id__in=ids).order_by("project_id", "on", "pk")
    for project_id, day, to_colour in rows.values_list("project_id", "on", "to_colour"):
        last[project_id] = (day, to_colour)  # ordered: the last one seen is the latest
    members: dict[int, list[GroupMember]] = defaultdict(list)
    group = GroupMember.objects.filter(project_id__in=ids).select_related("representative__user")
    for member in group.order_by("-leads", "representative__code", "pk"):
        members[member.project_id].append(member)
    staff: dict[int, list[User]] = defaultdict(list)
    roles = Membership.objects.filter(
        body_id__in={p.body_id for p in projects},
        role=Role.CONGRESS_STAFF,
        user__is_active=True,
    ).select_related("user")
    for membership in roles.order_by("user__username", "pk"):
        staff[membership.body_id].append(membership.user)
    return _Batch(last=last, members=members, staff=staff)


def _sweep_one(
    project: TrackedProject, on: datetime.date, facts: _Batch, report: SweepReport
) -> _Written | None:
    seen = facts.last.get(project.pk)
    if seen is not None and seen[0] > on:
        report.skipped += 1
        return None
    assessment = assess(project, on)
    report.assessed += 1
    colour = assessment.colour.value if assessment.colour is not None else ""
    if seen is not None and seen[1] == colour:
        return None  # the common case, decided without a query
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _write(
            project,
            on,
            assessment,
            colour,
            facts.members.get(project.pk, []),
            facts.staff.get(project.body_id, []),
            report,
        )


def _write(
    project: TrackedProject,
    on: datetime.date,
    assessment: Assessment,
    colour: str,
    members: list[GroupMember],
    staff: list[User],
    report: SweepReport,
) -> _Written | None:
    """Under the project's row lock, check again against the rows and write what changed."""
    list(TrackedProject.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    last = ColourChange.objects.filter(project=project).order_by("-on", "-pk").first()
    if last is not None and last.on > on:
        report.skipped += 1  # another sweep recorded a later day meanwhile
        return None
    if last is not None and last.to_colour == colour:
        return None  # another sweep recorded the same change meanwhile
    reasons = _reasons(project, assessment)
    change = ColourChange.objects.create(
        project=project,
        on=on,
        from_colour=last.to_colour if last is not None else "",
        to_colour=colour,
        reasons=reasons,
    )
    live.after_commit([project])  # its page shows the colour history: refetch it
    if colour not in TASK_OF:
        return _Written(change, None, 0, [])
    kind, days = TASK_OF[colour]
    owner = _owner(project.body, kind, members)
    task = SupervisionTask.objects.create(
        project=project,
        change=change,
        kind=kind,
        owner=owner[:OWNER_LENGTH],
        due=on + datetime.timedelta(days=days),
    )
    people = _recipients(members, staff)
    first = str(reasons[0]["text"]) if reasons else ""
    notice = _notice_text(project, colour, first, task)
    Notification.objects.bulk_create(
        [Notification(user=user, project=project, text=notice) for user in people]
    )
    mail = _mail(change, reasons, task, [u.email for u in people if u.email])
    return _Written(change, task, len(people), mail)


def follow_up_people(project: TrackedProject, kind: TaskKind) -> tuple[str, list[User]]:
    """Who owns a follow-up of `kind` on the project and who is told, as for a sweep's task:
    shared with the follow-ups raised elsewhere (a low public rating)."""
    facts = _batch_facts([project])
    members = facts.members.get(project.pk, [])
    owner = _owner(project.body, kind, members)[:OWNER_LENGTH]
    return owner, _recipients(members, facts.staff.get(project.body_id, []))


def _reasons(project: TrackedProject, assessment: Assessment) -> list[dict[str, Any]]:
    """The reasons as data and in the install's language: the page words them again on read."""
    titles = {m.code: m.title for m in project.milestones.all()}
    return [
        {
            "code": str(r.code),
            "milestone": r.milestone,
            "days": r.days,
            "points": r.points,
            "text": reason_words(r, titles),
        }
        for r in assessment.reasons
    ]


def _owner(body: Body, kind: TaskKind, members: Iterable[GroupMember]) -> str:
    """Who does the follow-up: the standing committee (a township's presidium), or the group."""
    if kind == TaskKind.SPECIAL_REPORT:
        if body.level == Level.TOWNSHIP:  # a township congress has no standing committee
            return _("%(congress)s presidium") % {"congress": body.name}
        return _("%(congress)s standing committee") % {"congress": body.name}
    members = list(members)
    leaders = [m.representative.name for m in members if m.leads]
    if leaders:
        return "、".join(leaders)
    if members:
        return _("Supervision group")
    return str(Role.CONGRESS_STAFF.label)  # no group yet: the congress's staff see to it


def _recipients(members: Iterable[GroupMember], staff: Iterable[User]) -> list[User]:
    """The group's users (representatives with an account) and the congress staff, each once."""
    people: dict[int, User] = {}
    for member in members:
        user = member.representative.user
        if user is not None and user.is_active:
            people.setdefault(user.pk, user)
    for user in staff:
        people.setdefault(user.pk, user)
    return list(people.values())


def _headline(project: TrackedProject, colour: str) -> str:
    if colour == Colour.RED:
        return _("“%(project)s” is now red") % {"project": project.title}
    return _("“%(project)s” is now yellow") % {"project": project.title}


def _notice_text(project: TrackedProject, colour: str, reason: str, task: SupervisionTask) -> str:
    text = _("%(headline)s: %(reason)s Follow-up: %(task)s by %(owner)s, due %(due)s.") % {
        "headline": _headline(project, colour),
        "reason": reason,
        "task": task.get_kind_display(),
        "owner": task.owner,
        "due": task.due.isoformat(),
    }
    return text if len(text) <= NOTICE_LENGTH else text[: NOTICE_LENGTH - 1] + "…"


def _mail(
    change: ColourChange,
    reasons: list[dict[str, Any]],
    task: SupervisionTask,
    addresses: list[str],
) -> list[tuple[str, str, None, list[str]]]:
    """One message per address (nobody sees the others'), in the install's language."""
    if not addresses:
        return []
    project = change.project
    headline = _headline(project, change.to_colour)
    subject = _("[%(congress)s] %(headline)s") % {
        "congress": project.body.name,
        "headline": headline,
    }
    lines = [
        _("%(headline)s (sweep of %(on)s).") % {"headline": headline, "on": change.on.isoformat()},
        "",
        _("Project: %(project)s (%(code)s)") % {"project": project.title, "code": project.code},
    ]
    if project.unit:
        lines.append(_("Implementing unit: %(unit)s") % {"unit": project.unit})
    lines += ["", _("Reasons:"), *(f"- {r['text']}" for r in reasons), ""]
    lines += [
        _("Follow-up: %(task)s") % {"task": task.get_kind_display()},
        _("Owner: %(owner)s") % {"owner": task.owner},
        _("Due: %(due)s") % {"due": task.due.isoformat()},
        "",
        _(
            "You receive this as a member of the project's supervision group or as staff of "
            "its congress. The same notice is in your inbox in the app."
        ),
    ]
    body = "\n".join(lines) + "\n"
    return [(subject, body, None, [address]) for address in addresses]


def _send(mail: list[tuple[str, str, None, list[str]]], report: SweepReport) -> None:
    """After the rows are committed; a mail server down loses no notice in the app."""
    if not mail:
        return
    try:
        report.emails += send_mass_mail(tuple(mail), fail_silently=False)
    except Exception:
        log.exception("%d sweep emails not sent", len(mail))
        report.emails_failed += len(mail)


def _log_sweep(on: datetime.date, by_body: dict[int, Counter[str]]) -> None:
    """One entry per congress where something changed: its counts by colour, tasks, notices."""
    for body in Body.objects.filter(pk__in=list(by_body)).order_by("pk"):
        counts = by_body[body.pk]
        detail = {
            "on": on.isoformat(),
            **{c: counts[c] for c in (Colour.RED, Colour.YELLOW, Colour.GREEN, NONE)},
            "tasks": counts["tasks"],
            "notifications": counts["notifications"],
        }
        try:
            action_record(
                body=body,
                actor=None,
                action=TrackingAction.COLOURS_SWEPT,
                subject=on.isoformat(),
                detail={str(k): v for k, v in detail.items()},
            )
        except Exception:
            log.exception("the sweep of %s is not in the action log of %s", on, body)
