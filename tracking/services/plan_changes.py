"""Changes of plan (调整 / 暂缓 / 终止, and resuming): a congress decision with its public notice.

Each is a PlanChange row (the meeting that decided, the day, the reason, the notice the public
reads) and, for a pause, a stop or a resumption, the project's new status. A stopped project keeps
its history and is no longer edited; only a new decision (resuming it) reopens it.
"""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from tracking import live
from tracking.models import (
    PlanChange,
    PlanChangeKind,
    ProjectStatus,
    TrackedProject,
    TrackingAction,
)
from tracking.services.updates import status_set

# Which decisions a project's status allows; completed and closed projects take none.
KINDS: dict[str, tuple[str, ...]] = {
    ProjectStatus.IMPLEMENTING: (PlanChangeKind.ADJUST, PlanChangeKind.PAUSE, PlanChangeKind.STOP),
    ProjectStatus.RECTIFYING: (PlanChangeKind.ADJUST, PlanChangeKind.PAUSE, PlanChangeKind.STOP),
    ProjectStatus.PAUSED: (PlanChangeKind.RESUME, PlanChangeKind.ADJUST, PlanChangeKind.STOP),
    ProjectStatus.STOPPED: (PlanChangeKind.RESUME,),
}
# The status each decision leads to; an adjustment leaves it as it is.
STATUS_AFTER: dict[str, str | None] = {
    PlanChangeKind.ADJUST: None,
    PlanChangeKind.PAUSE: ProjectStatus.PAUSED,
    PlanChangeKind.STOP: ProjectStatus.STOPPED,
    PlanChangeKind.RESUME: ProjectStatus.IMPLEMENTING,
}


def kinds_for(project: TrackedProject) -> list[str]:
    return [str(kind) for kind in KINDS.get(project.status, ())]


def status_after(project: TrackedProject, kind: str) -> str:
    return STATUS_AFTER.get(kind) or project.status


@transaction.atomic
def plan_change_record(
    *,
    project: TrackedProject,
    actor: User,
    kind: str,
    meeting: str,
    decided_on: datetime.date,
    reason: str,
    notice: str,
) -> PlanChange:
    """Record the decision, set the status it leads to (status_set), log it; all or nothing."""
    project = TrackedProject.objects.select_for_update().select_related("body").get(pk=project.pk)
    if kind not in kinds_for(project):
        raise Refused(
            "change_not_allowed",
            _("A project that is %(status)s cannot be %(change)s.")
            % {
                "status": project.get_status_display(),
                "change": PlanChangeKind(kind).label if kind in PlanChangeKind.values else kind,
            },
        )
    if decided_on > timezone.localdate():
        raise Refused(
            "future_date", _("A decision already taken: its date cannot be in the future.")
        )
    before = project.status
    change = PlanChange(
        project=project,
        kind=kind,
        meeting=meeting.strip(),
        decided_on=decided_on,
        reason=reason.strip(),
        notice=notice.strip(),
        actor=actor,
    )
    change.full_clean()
    change.save()
    after = status_after(project, kind)
    if after != before:
        status_set(project, after, decided_on)
        live.after_commit([project])  # its colour and ranking change with its status
    action_record(
        body=project.body,
        actor=actor,
        action=TrackingAction.PLAN_CHANGED,
        subject=project.code,
        detail={
            "kind": kind,
            "meeting": change.meeting,
            "decided_on": decided_on.isoformat(),
            "status": [before, after],
        },
    )
    return change
