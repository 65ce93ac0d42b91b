"""Progress stored from a checked progress file: staff's own entries, reviewed as they are made.

All or nothing. Each update becomes an approved ProgressUpdate; its milestones get their done
dates, its status (if any) becomes the project's, and a `completed` update sets the project's
completion, and the day it was completed, to its date. Updates are applied in date order, so of
two updates of one project the later one's status stands.
"""

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.action_log import action_record
from projects.models import Body
from tracking import live
from tracking.models import (
    Milestone,
    ProgressUpdate,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.progress_file import UpdateSpec
from tracking.services.plans import changed_meanwhile
from tracking.services.updates import status_set


def progress_import(
    specs: Sequence[UpdateSpec], actor: User | None = None, *, subject: str = "progress_file"
) -> list[ProgressUpdate]:
    """Store every update, or none; one log entry per congress touched. The specs were checked
    (tracking.progress_file); what the database may have changed since is checked again here."""
    try:
        with transaction.atomic():
            return _store(specs, actor, subject)
    except IntegrityError:  # a plan replaced since the check (a start after the completion)
        raise changed_meanwhile() from None


def _store(specs: Sequence[UpdateSpec], actor: User | None, subject: str) -> list[ProgressUpdate]:
    projects = {
        p.code: p
        for p in TrackedProject.objects.select_for_update()
        .select_related("body")
        .filter(code__in={s.project for s in specs})
    }
    milestones: dict[tuple[int, str], Milestone] = {
        (m.project_id, m.code): m for m in Milestone.objects.filter(project__in=projects.values())
    }
    now = timezone.now()
    stored: list[ProgressUpdate] = []
    touched: dict[int, tuple[Body, list[str]]] = {}
    for spec in sorted(specs, key=lambda s: s.on):
        project = projects.get(spec.project)
        if project is None:
            raise changed_meanwhile()
        for done in spec.milestones_done:
            milestone = milestones.get((project.pk, done.id))
            if milestone is None:
                raise changed_meanwhile()
            milestone.done = done.done
            milestone.save(update_fields=["done"])
        stored.append(
            ProgressUpdate.objects.create(
                project=project,
                on=spec.on,
                progress=spec.progress,
                status=spec.status or "",
                milestones_done=[
                    {"id": d.id, "done": d.done.isoformat()} for d in spec.milestones_done
                ],
                note=spec.note,
                state=UpdateState.APPROVED,
                author=actor,
                reviewed_by=actor,
                reviewed_at=now,
            )
        )
        if spec.status:
            status_set(project, spec.status, spec.on)
        _body, codes = touched.setdefault(project.body_id, (project.body, []))
        if project.code not in codes:
            codes.append(project.code)
    live.after_commit(projects.values())  # reviewed as stored: rankings and pages refetch
    for body, codes in touched.values():
        action_record(
            body=body,
            actor=actor,
            action=TrackingAction.PROGRESS_IMPORTED,
            subject=subject,
            detail={
                "projects": codes,
                "updates": [
                    {"project": u.project.code, "on": u.on.isoformat(), "progress": str(u.progress)}
                    for u in stored
                    if u.project.body_id == body.pk
                ],
            },
        )
    return stored
