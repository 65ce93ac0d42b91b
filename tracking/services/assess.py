"""A tracked project's colour on a day, from what the public may see: the plan, the recorded
milestone dates and the reviewed progress. The rules are tracking.rules.colours'; this reads the
database into them and puts their reasons into words."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracking.models import (
    Milestone,
    PolicyFields,
    PolicyKind,
    ProgressUpdate,
    ProjectStatus,
    SupervisionPolicy,
    TrackedProject,
    UpdateState,
)
from tracking.rules import colours
from tracking.rules.colours import Assessment, Code, Reason
from tracking.rules.rollup import Part, Series, rolled_up


def reviewed(updates: QuerySet[ProgressUpdate]) -> QuerySet[ProgressUpdate]:
    return updates.filter(state=UpdateState.APPROVED).order_by("on", "reviewed_at", "pk")


_REVIEWED = reviewed(ProgressUpdate.objects.all())


def live_parts(projects: QuerySet[TrackedProject]) -> QuerySet[TrackedProject]:
    """Sub-items whose progress rolls up: a stopped one is no longer part of the work."""
    return projects.exclude(status=ProjectStatus.STOPPED).order_by("code")


def with_facts(projects: QuerySet[TrackedProject]) -> QuerySet[TrackedProject]:
    """The projects with everything an assessment reads, in a fixed number of queries."""
    return projects.select_related("body__supervision_policy", "source_round").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("planned", "code")),
        Prefetch("updates", queryset=_REVIEWED, to_attr="reviewed_updates"),
        Prefetch(
            "sub_items",
            queryset=live_parts(TrackedProject.objects.all()).prefetch_related(
                Prefetch("updates", queryset=_REVIEWED, to_attr="reviewed_updates")
            ),
            to_attr="live_sub_items",
        ),
    )


def _policy(fields: PolicyFields) -> colours.Policy:
    if fields.policy_kind == PolicyKind.PROGRESS:
        return colours.ProgressPolicy(yellow=fields.yellow, red=fields.red)
    return colours.DeadlinePolicy(warn_days=fields.warn_days)


def policy_of(project: TrackedProject) -> colours.Policy:
    """The project's own policy, else its congress's, else the deadline policy with N = 15."""
    if project.policy_kind:
        return _policy(project)
    try:
        congress: SupervisionPolicy | None = project.body.supervision_policy
    except SupervisionPolicy.DoesNotExist:
        congress = None
    if congress is not None and congress.policy_kind:
        return _policy(congress)
    return colours.DeadlinePolicy()


def policy_json(policy: colours.Policy) -> dict[str, object]:
    """As in the plan file: {"kind": "deadline", "warn_days"} or {"kind": "progress", …}."""
    if isinstance(policy, colours.ProgressPolicy):
        return {"kind": "progress", "yellow": float(policy.yellow), "red": float(policy.red)}
    return {"kind": "deadline", "warn_days": policy.warn_days}


def window(project: TrackedProject) -> tuple[datetime.date, datetime.date]:
    """The planned start and completion; before a plan sets them, from the project's making to
    the end of its year (a plan always gives both)."""
    start = project.start or project.created_at.date()
    completion = project.completion or datetime.date(project.year, 12, 31)
    return start, max(start, completion)


def _series(project: TrackedProject) -> tuple[tuple[datetime.date, Decimal], ...]:
    prefetched: list[ProgressUpdate] | None = getattr(project, "reviewed_updates", None)
    updates: Iterable[ProgressUpdate] = (
        prefetched if prefetched is not None else reviewed(project.updates.all())
    )
    return tuple((u.on, u.progress) for u in updates)


def progress_series(project: TrackedProject) -> Series:
    """The reviewed progress the colour reads: a parent with sub-items rolls theirs up by share
    (its own figures would count the same work twice); any other project, its own updates."""
    parts: list[TrackedProject] | None = getattr(project, "live_sub_items", None)
    if parts is None:
        parts = list(live_parts(project.sub_items.all()))
    if not parts:
        return _series(project)
    return rolled_up([Part(p.share, _series(p)) for p in parts])


def facts_of(project: TrackedProject) -> colours.ProjectFacts:
    start, completion = window(project)
    return colours.ProjectFacts(
        status=project.status,
        start=start,
        completion=completion,
        milestones=tuple(
            colours.Milestone(m.code, m.title, m.planned, m.weight, m.done)
            for m in project.milestones.all()
        ),
        updates=progress_series(project),
        urgent=project.urgent,
        policy=policy_of(project),
    )


def assess(project: TrackedProject, on: datetime.date) -> Assessment:
    return colours.colour_on(facts_of(project), on)


def _points(value: float | None) -> str:
    return f"{abs(Decimal(str(value or 0))).quantize(Decimal('0.1'))}"


def reason_words(reason: Reason, titles: dict[str, str]) -> str:
    """One reason as a sentence in the request's language."""
    name = titles.get(reason.milestone or "", reason.milestone or "")
    days = reason.days or 0
    if reason.code == Code.MILESTONE_OVERDUE:
        return ngettext(
            "Milestone “%(name)s” is %(days)d day overdue.",
            "Milestone “%(name)s” is %(days)d days overdue.",
            days,
        ) % {"name": name, "days": days}
    if reason.code == Code.COMPLETION_OVERDUE:
        return ngettext(
            "The planned completion passed %(days)d day ago.",
            "The planned completion passed %(days)d days ago.",
            days,
        ) % {"days": days}
    if reason.code == Code.MILESTONE_DUE:
        if days == 0:
            return _("Milestone “%(name)s” is due today.") % {"name": name}
        return ngettext(
            "Milestone “%(name)s” is due in %(days)d day.",
            "Milestone “%(name)s” is due in %(days)d days.",
            days,
        ) % {"name": name, "days": days}
    if reason.code == Code.COMPLETION_DUE:
        if days == 0:
            return _("The planned completion is today.")
        return ngettext(
            "The planned completion is in %(days)d day.",
            "The planned completion is in %(days)d days.",
            days,
        ) % {"days": days}
    if reason.code == Code.BEHIND_SCHEDULE:
        return _("%(points)s points behind the schedule progress (序时进度).") % {
            "points": _points(reason.points)
        }
    if reason.points is not None and reason.points < 0:
        return _("Ahead of the schedule progress by %(points)s points.") % {
            "points": _points(reason.points)
        }
    return _("On schedule.")


def reasons_in_words(project: TrackedProject, assessment: Assessment) -> list[str]:
    titles = {m.code: m.title for m in project.milestones.all()}
    return [reason_words(r, titles) for r in assessment.reasons]
