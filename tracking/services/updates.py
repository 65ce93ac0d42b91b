"""Progress updates: a unit reports on its own projects; staff review before the public sees it.

A reviewed (approved) update is what counts: for the colour, the ranking and the public pages. Its
milestones done and its status reach the project at review, not before.
"""

import datetime
import secrets
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Membership, Role
from tracking import live
from tracking.models import (
    ProgressUpdate,
    ProjectStatus,
    TrackedProject,
    TrackingAction,
    UpdatePhoto,
    UpdateState,
)
from tracking.photos import clean_photo

MAX_PHOTOS = 6  # per update: enough to show a site, few enough to review


def units_of(user: User, body_id: int) -> set[str]:
    """The implementing units this person reports for in this congress."""
    return set(
        Membership.objects.filter(
            user=user, body_id=body_id, role=Role.IMPLEMENTING_UNIT
        ).values_list("unit_name", flat=True)
    )


def may_report(user: User, project: TrackedProject) -> bool:
    return bool(project.unit) and project.unit in units_of(user, project.body_id)


@transaction.atomic
def update_post(
    *,
    project: TrackedProject,
    author: User,
    on: datetime.date,
    progress: Decimal,
    milestones_done: list[str],
    note: str = "",
    spent_wan: Decimal | None = None,
    status: str = "",
    photos: list[UploadedFile] | None = None,
) -> ProgressUpdate:
    """A unit's report, waiting for review; nothing about the project changes yet."""
    if project.status not in (ProjectStatus.IMPLEMENTING, ProjectStatus.RECTIFYING):
        raise Refused(
            "not_implementing",
            _("This project is %(status)s: no progress is reported on it.")
            % {"status": project.get_status_display()},
        )
    if on > timezone.localdate():
        raise Refused("future_date", _("The date of the progress cannot be in the future."))
    if not Decimal(0) <= progress <= Decimal(100):
        raise Refused("bad_progress", _("Progress is a percentage from 0 to 100."))
    open_ids = set(project.milestones.filter(done__isnull=True).values_list("code", flat=True))
    unknown = [code for code in milestones_done if code not in open_ids]
    if unknown:
        raise Refused(
            "unknown_milestone",
            _("These milestones are not open milestones of this project: %(ids)s")
            % {"ids": "、".join(unknown)},
        )
    if len(photos or []) > MAX_PHOTOS:
        raise Refused("too_many_photos", _("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    update = ProgressUpdate.objects.create(
        project=project,
        on=on,
        progress=progress,
        status=status,
        milestones_done=[{"id": code, "done": on.isoformat()} for code in milestones_done],
        note=note.strip(),
        spent_wan=spent_wan,
        author=author,
    )
    for upload in photos or []:
        UpdatePhoto.objects.create(
            update=update, image=clean_photo(upload), token=secrets.token_urlsafe(16)
        )
    return update


@transaction.atomic
def update_review(
    *, update: ProgressUpdate, reviewer: User, approve: bool, reason: str = ""
) -> ProgressUpdate:
    """Approve (the update becomes public and counts) or send it back with a reason."""
    update = ProgressUpdate.objects.select_for_update().select_related("project").get(pk=update.pk)
    if update.state != UpdateState.PENDING:
        raise Refused("already_reviewed", _("This update has been reviewed already."))
    if not approve and not reason.strip():
        raise Refused("reason_required", _("Say why it is sent back, so the unit can fix it."))
    update.state = UpdateState.APPROVED if approve else UpdateState.RETURNED
    update.reviewed_by = reviewer
    update.reviewed_at = timezone.now()
    update.return_reason = "" if approve else reason.strip()
    update.save(update_fields=["state", "reviewed_by", "reviewed_at", "return_reason"])
    project = update.project
    if approve:
        apply_update(project, update)
        live.after_commit([project])  # public now: its ranking and page refetch
    action_record(
        body=project.body,
        actor=reviewer,
        action=TrackingAction.UPDATE_REVIEWED,
        subject=project.code,
        detail={
            "on": update.on.isoformat(),
            "progress": str(update.progress),
            "approved": approve,
            "reason": update.return_reason,
        },
    )
    return update


def apply_update(project: TrackedProject, update: ProgressUpdate) -> None:
    """What a reviewed update changes on its project: milestones done, and its status."""
    for done in update.milestones_done:
        project.milestones.filter(code=done["id"], done__isnull=True).update(
            done=datetime.date.fromisoformat(done["done"])
        )
    if update.status and update.status != project.status:
        status_set(project, update.status, update.on)


def status_set(project: TrackedProject, status: str, on: datetime.date) -> None:
    """A reported status reaches the project; `completed` also makes `on` its completion."""
    project.status = status
    if status == ProjectStatus.COMPLETED:
        project.completion = project.completed_on = on
    project.save(update_fields=["status", "completion", "completed_on"])
