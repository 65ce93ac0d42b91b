"""Implementation plans stored from a checked plan file (or the Excel sheets read into one).

All or nothing: every project of the file in one transaction. Replacing a plan keeps the project's
progress history and the done dates of the milestones whose ids remain; milestones the new plan
no longer names are removed, new ones added.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Body
from tracking import live
from tracking.models import Milestone, ProjectStatus, TrackedProject, TrackingAction
from tracking.plan_file import KEEP, MilestoneSpec, PlanSpec, congress_named
from tracking.rules.colours import RED, WARN_DAYS, YELLOW


def changed_meanwhile() -> Refused:
    return Refused(
        "changed_meanwhile",
        _(
            "The projects changed while the file was being checked; nothing was imported. "
            "Import it again."
        ),
    )


def plans_import(
    specs: Sequence[PlanSpec], actor: User | None = None, *, subject: str = "plan_file"
) -> list[TrackedProject]:
    """Create the new projects and replace the plans of the others, all or none; one log entry
    per congress touched. The specs were checked (tracking.plan_file); what the database may
    have changed since is checked again here, under lock."""
    try:
        with transaction.atomic():
            return _store(specs, actor, subject)
    except IntegrityError:  # a project made, under the same id, since the check
        raise changed_meanwhile() from None


def _store(specs: Sequence[PlanSpec], actor: User | None, subject: str) -> list[TrackedProject]:
    existing = {
        p.code: p
        for p in TrackedProject.objects.select_for_update()
        .select_related("body")
        .filter(code__in=[s.id for s in specs])
    }
    now = timezone.now()
    stored: list[TrackedProject] = []
    touched: dict[int, tuple[Body, list[str], list[str]]] = {}
    for spec in specs:
        project = existing.get(spec.id)
        if spec.new != (project is None):
            raise changed_meanwhile()
        if project is None:
            project = _new_project(spec)
        elif spec.body is not None and spec.body not in (project.body.slug, project.body.name):
            raise changed_meanwhile()
        _set_plan(project, spec)
        project.plan_set_at = now
        project.save()
        _replace_milestones(project, spec.milestones)
        stored.append(project)
        _body, codes, new = touched.setdefault(project.body_id, (project.body, [], []))
        codes.append(project.code)
        if spec.new:
            new.append(project.code)
    live.after_commit(stored)  # a published plan moves the schedule: rankings and pages refetch
    for body, codes, new in touched.values():
        action_record(
            body=body,
            actor=actor,
            action=TrackingAction.PLANS_IMPORTED,
            subject=subject,
            detail={"projects": codes, "new": new},
        )
    return stored


def _new_project(spec: PlanSpec) -> TrackedProject:
    """A project by a congress decision: implementing, with no source round or item."""
    body = congress_named(spec.body or "")
    if body is None or spec.year is None or spec.title is None:
        raise changed_meanwhile()
    return TrackedProject(
        code=spec.id,
        body=body,
        year=spec.year,
        title=spec.title,
        status=ProjectStatus.IMPLEMENTING,
    )


def _set_plan(project: TrackedProject, spec: PlanSpec) -> None:
    if spec.title is not None:
        project.title = spec.title
    if spec.unit is not None:
        project.unit = spec.unit
    if spec.leader is not None:
        project.leader = spec.leader
    if spec.funding_source is not None:
        project.funding_source = spec.funding_source
    if spec.budget_wan is not KEEP:
        project.budget_wan = spec.budget_wan
    if spec.location is not KEEP:
        project.latitude, project.longitude = spec.location or (None, None)
    project.start, project.completion = spec.start, spec.completion
    project.urgent = spec.urgent
    policy = spec.policy
    project.policy_kind = policy.kind if policy else ""
    project.warn_days = policy.warn_days if policy else WARN_DAYS
    project.yellow = policy.yellow if policy else Decimal(YELLOW)
    project.red = policy.red if policy else Decimal(RED)


def _replace_milestones(project: TrackedProject, milestones: Sequence[MilestoneSpec]) -> None:
    """The plan's milestones; one whose id remains keeps its done date."""
    current = {m.code: m for m in project.milestones.all()}
    project.milestones.exclude(code__in=[m.id for m in milestones]).delete()
    for spec in milestones:
        row = current.get(spec.id)
        if row is None:
            Milestone.objects.create(
                project=project,
                code=spec.id,
                title=spec.title,
                planned=spec.planned,
                weight=spec.weight,
            )
        else:
            row.title, row.planned, row.weight = spec.title, spec.planned, spec.weight
            row.save(update_fields=["title", "planned", "weight"])
