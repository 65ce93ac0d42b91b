"""The plan editor's writes: a draft kept apart from the published plan, published by the plan
file's own rules and store (tracking.plan_file, tracking.services.plans); sub-items (子项); a
project added by a congress decision; and what a plan or an Excel upload would change, shown
before it does.

A draft is one plan-file record (docs/tracking-files.md) in `TrackedProject.draft_plan`, with three
keys the plan file does not have (`address`, `targets`, `safeguards`): the published plan's prose,
stored on the project when the draft is published. Nothing of a draft is public.
"""

import copy
import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Body
from tracking import live
from tracking.models import (
    Milestone,
    PolicyKind,
    ProjectStatus,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.plan_file import (
    CODE,
    FIRST_YEAR,
    LAST_YEAR,
    Keep,
    PlanSpec,
    PolicySpec,
    check_plans,
)
from tracking.progress_file import UpdateSpec
from tracking.rules import colours
from tracking.services.assess import assess, facts_of, policy_of, reason_words
from tracking.services.plans import plans_import

EXTRA_KEYS = ("address", "targets", "safeguards")  # on the project, not in the plan file


def number(value: Decimal | None) -> int | float | None:
    """A decimal as the plan file's JSON number (a whole one without a point)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def policy_record(policy: PolicySpec | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    if policy.kind == PolicyKind.PROGRESS:
        return {"kind": "progress", "yellow": number(policy.yellow), "red": number(policy.red)}
    return {"kind": "deadline", "warn_days": policy.warn_days}


def plan_record(project: TrackedProject) -> dict[str, Any]:
    """The published plan (or, before one, what the project already has) as a draft record."""
    kind = project.policy_kind
    policy: dict[str, Any] | None = None
    if kind == PolicyKind.DEADLINE:
        policy = {"kind": "deadline", "warn_days": project.warn_days}
    elif kind == PolicyKind.PROGRESS:
        policy = {"kind": "progress", "yellow": number(project.yellow), "red": number(project.red)}
    location = None
    if project.latitude is not None and project.longitude is not None:
        location = {"lat": number(project.latitude), "lng": number(project.longitude)}
    return {
        "id": project.code,
        "unit": project.unit,
        "leader": project.leader,
        "budget_wan": number(project.budget_wan),
        "funding_source": project.funding_source,
        "start": project.start.isoformat() if project.start else None,
        "completion": project.completion.isoformat() if project.completion else None,
        "location": location,
        "urgent": project.urgent,
        "policy": policy,
        "milestones": [
            {
                "id": m.code,
                "title": m.title,
                "planned": m.planned.isoformat(),
                "weight": number(m.weight),
            }
            for m in project.milestones.order_by("planned", "code")
        ],
        "address": project.address,
        "targets": project.targets,
        "safeguards": project.safeguards,
    }


def draft_of(project: TrackedProject) -> dict[str, Any]:
    """What the editor shows: the draft if there is one, else the published plan."""
    return project.draft_plan if project.draft_plan is not None else plan_record(project)


def spec_record(spec: PlanSpec) -> dict[str, Any]:
    """A checked plan back as a plan-file record: checking it again gives the same plan."""
    entry: dict[str, Any] = {"id": spec.id}
    for key in ("title", "body", "year", "unit", "leader", "funding_source"):
        if getattr(spec, key) is not None:
            entry[key] = getattr(spec, key)
    if not isinstance(spec.budget_wan, Keep):
        entry["budget_wan"] = number(spec.budget_wan)
    entry["start"], entry["completion"] = spec.start.isoformat(), spec.completion.isoformat()
    if not isinstance(spec.location, Keep):
        lat_lng = spec.location
        entry["location"] = (
            None if lat_lng is None else {"lat": number(lat_lng[0]), "lng": number(lat_lng[1])}
        )
    entry["urgent"] = spec.urgent
    if spec.policy is not None:
        entry["policy"] = policy_record(spec.policy)
    entry["milestones"] = [
        {"id": m.id, "title": m.title, "planned": m.planned.isoformat(), "weight": number(m.weight)}
        for m in spec.milestones
    ]
    return entry


def plan_checked(project: TrackedProject, record: dict[str, Any]) -> PlanSpec:
    """The record checked by the plan file's rules, as this project's plan; FileRefused if not."""
    entry = {k: v for k, v in record.items() if k not in EXTRA_KEYS}
    entry["id"] = project.code
    for key in ("title", "body", "year"):  # the editor changes the plan, not what the project is
        entry.pop(key, None)
    return check_plans({"projects": [entry]})[0]


def _editable(project: TrackedProject) -> None:
    if project.status == ProjectStatus.STOPPED:
        raise Refused(
            "stopped",
            _(
                "This project was stopped by a decision: its plan is kept as it was and no "
                "longer edited. Only a new decision (resuming it) can reopen it."
            ),
        )


def _locked(project: TrackedProject) -> TrackedProject:
    return TrackedProject.objects.select_for_update().select_related("body").get(pk=project.pk)


@transaction.atomic
def draft_save(*, project: TrackedProject, record: dict[str, Any]) -> TrackedProject:
    """Keep the record as the project's draft; the public pages still show the published plan."""
    project = _locked(project)
    _editable(project)
    project.draft_plan = {**record, "id": project.code}
    project.save(update_fields=["draft_plan"])
    return project


@transaction.atomic
def draft_discard(*, project: TrackedProject) -> TrackedProject:
    project = _locked(project)
    project.draft_plan = None
    project.save(update_fields=["draft_plan"])
    return project


@transaction.atomic
def plan_publish(*, project: TrackedProject, actor: User) -> TrackedProject:
    """Check the draft by the plan file's rules and store it as the plan (plans_import sets
    plan_set_at), its prose on the project, in one transaction; FileRefused if it breaks a rule."""
    project = _locked(project)
    _editable(project)
    record = project.draft_plan
    if record is None:
        raise Refused("no_draft", _("There is no draft to publish: edit the plan first."))
    spec = plan_checked(project, record)
    diff = plan_diff(project, spec, record)
    plans_import([spec], actor, subject="plan_editor")
    project.refresh_from_db()
    for key in EXTRA_KEYS:
        setattr(project, key, str(record.get(key) or "").strip())
    project.draft_plan = None
    project.full_clean()
    project.save(update_fields=[*EXTRA_KEYS, "draft_plan"])
    action_record(
        body=project.body,
        actor=actor,
        action=TrackingAction.PLAN_EDITED,
        subject=project.code,
        detail={"published": True, **diff.detail()},
    )
    return project


# --- What a plan changes ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class MilestoneChange:
    id: str
    title: str
    before: str
    after: str


@dataclass
class PlanDiff:
    """What publishing a plan changes: fields, milestones, and the colour today."""

    code: str
    title: str
    first: bool  # no plan published yet
    fields: list[FieldChange] = field(default_factory=list)
    added: list[MilestoneChange] = field(default_factory=list)
    removed: list[MilestoneChange] = field(default_factory=list)
    changed: list[MilestoneChange] = field(default_factory=list)
    colour_before: str | None = None
    colour_after: str | None = None
    reasons_after: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)

    def detail(self) -> dict[str, Any]:
        """For the action log: keys and ids, the same in every language."""
        return {
            "first": self.first,
            "fields": [f.key for f in self.fields],
            "milestones_added": [m.id for m in self.added],
            "milestones_removed": [m.id for m in self.removed],
            "milestones_changed": [m.id for m in self.changed],
            "colour": [self.colour_before, self.colour_after],
        }


def _day(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def _amount(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return formats.number_format(value.normalize(), use_l10n=True, force_grouping=True)


def _text(value: str | None) -> str:
    return value.strip() if value and value.strip() else "—"


def _point(value: tuple[Decimal, Decimal] | None) -> str:
    return "—" if value is None else f"{value[0].normalize():f}, {value[1].normalize():f}"


def _policy_words(policy: colours.Policy, own: bool) -> str:
    if isinstance(policy, colours.ProgressPolicy):
        words = _("by progress: yellow from %(yellow)s points behind, red beyond %(red)s") % {
            "yellow": f"{Decimal(str(policy.yellow)).normalize():f}",
            "red": f"{Decimal(str(policy.red)).normalize():f}",
        }
    else:
        words = _("by deadlines: due within %(n)d days is yellow") % {"n": policy.warn_days}
    return words if own else _("the congress's policy (%(policy)s)") % {"policy": words}


def _spec_policy(spec: PolicySpec | None, project: TrackedProject) -> colours.Policy:
    if spec is None:
        return congress_policy(project)
    if spec.kind == PolicyKind.PROGRESS:
        return colours.ProgressPolicy(yellow=spec.yellow, red=spec.red)
    return colours.DeadlinePolicy(warn_days=spec.warn_days)


def congress_policy(project: TrackedProject) -> colours.Policy:
    """The policy the project follows without one of its own."""
    bare = copy.copy(project)
    bare.policy_kind = ""
    return policy_of(bare)


def _weight(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _milestone_words(title: str, planned: datetime.date, weight: Decimal) -> str:
    return _("%(title)s · planned %(planned)s · weight %(weight)s") % {
        "title": title,
        "planned": _day(planned),
        "weight": _weight(weight),
    }


def plan_diff(
    project: TrackedProject, spec: PlanSpec, record: dict[str, Any] | None = None
) -> PlanDiff:
    """Fields before → after, milestones added, removed and changed, and today's colour before
    and after. What the plan leaves out (KEEP; the prose with no record) counts as unchanged."""
    diff = PlanDiff(project.code, spec.title or project.title, project.plan_set_at is None)
    location = (
        (project.latitude, project.longitude)
        if project.latitude is not None and project.longitude is not None
        else None
    )
    own = bool(project.policy_kind)
    policy_before = policy_of(project)
    policy_after = _spec_policy(spec.policy, project)
    rows: list[tuple[str, str, Any, Any, str, str]] = [
        ("title", _("title"), project.title, spec.title, project.title, spec.title or ""),
        ("unit", _("implementing unit"), project.unit, spec.unit, "", ""),
        ("leader", _("leader in charge"), project.leader, spec.leader, "", ""),
        (
            "budget_wan",
            _("budget (10,000 yuan)"),
            project.budget_wan,
            spec.budget_wan,
            _amount(project.budget_wan),
            "" if isinstance(spec.budget_wan, Keep) else _amount(spec.budget_wan),
        ),
        (
            "funding_source",
            _("funding source"),
            project.funding_source,
            spec.funding_source,
            "",
            "",
        ),
        (
            "start",
            _("planned start"),
            project.start,
            spec.start,
            _day(project.start),
            _day(spec.start),
        ),
        (
            "completion",
            _("planned completion"),
            project.completion,
            spec.completion,
            _day(project.completion),
            _day(spec.completion),
        ),
        (
            "location",
            _("location"),
            location,
            spec.location,
            _point(location),
            "" if isinstance(spec.location, Keep) else _point(spec.location),
        ),
        (
            "urgent",
            _("urgent (绿色通道)"),
            project.urgent,
            spec.urgent,
            _("yes") if project.urgent else _("no"),
            _("yes") if spec.urgent else _("no"),
        ),
        (
            "policy",
            _("warning policy"),
            (own, policy_before),
            (spec.policy is not None, policy_after),
            _policy_words(policy_before, own),
            _policy_words(policy_after, spec.policy is not None),
        ),
    ]
    if record is not None:
        for key, label in (
            ("address", _("address")),
            ("targets", _("targets")),
            ("safeguards", _("safeguards")),
        ):
            after = str(record.get(key) or "").strip()
            rows.append((key, label, getattr(project, key), after, "", ""))
    for key, label, before, after, before_words, after_words in rows:
        if after is None or isinstance(after, Keep) or before == after:
            continue
        if key == "title" and spec.title is None:
            continue
        diff.fields.append(
            FieldChange(
                key,
                label,
                before_words or _text(str(before or "")),
                after_words or _text(str(after or "")),
            )
        )
    current = {m.code: m for m in project.milestones.order_by("planned", "code")}
    wanted = {m.id: m for m in spec.milestones}
    for m in spec.milestones:
        row = current.get(m.id)
        after_words = _milestone_words(m.title, m.planned, m.weight)
        if row is None:
            diff.added.append(MilestoneChange(m.id, m.title, "", after_words))
        elif (row.title, row.planned, row.weight) != (m.title, m.planned, m.weight):
            before_words = _milestone_words(row.title, row.planned, row.weight)
            diff.changed.append(MilestoneChange(m.id, m.title, before_words, after_words))
    for code, row in current.items():
        if code not in wanted:
            words = _milestone_words(row.title, row.planned, row.weight)
            if row.done is not None:
                words += " · " + _("done on %(day)s") % {"day": _day(row.done)}
            diff.removed.append(MilestoneChange(code, row.title, words, ""))
    today = timezone.localdate()
    before_colour = assess(project, today)
    after_colour = colours.colour_on(_facts_after(project, spec, current, policy_after), today)
    diff.colour_before = before_colour.colour.value if before_colour.colour else None
    diff.colour_after = after_colour.colour.value if after_colour.colour else None
    titles = {m.id: m.title for m in spec.milestones}
    diff.reasons_after = [reason_words(r, titles) for r in after_colour.reasons]
    return diff


def _facts_after(
    project: TrackedProject,
    spec: PlanSpec,
    current: dict[str, Milestone],
    policy: colours.Policy,
) -> colours.ProjectFacts:
    """The project's facts as they would be with the plan: done dates of kept milestones stay."""
    milestones = tuple(
        colours.Milestone(
            m.id, m.title, m.planned, m.weight, current[m.id].done if m.id in current else None
        )
        for m in spec.milestones
    )
    return replace(
        facts_of(project),
        start=spec.start,
        completion=max(spec.start, spec.completion),
        milestones=milestones,
        urgent=spec.urgent,
        policy=policy,
    )


# --- Excel uploads: only this congress's projects, none stopped ------------------------------


def plans_outside(specs: Sequence[PlanSpec], body: Body) -> list[str]:
    """Why each plan may not be imported into this congress's projects (empty: all may)."""
    existing = {
        p.code: p
        for p in TrackedProject.objects.filter(code__in=[s.id for s in specs]).select_related(
            "body"
        )
    }
    problems: list[str] = []
    for spec in specs:
        project = existing.get(spec.id)
        if project is None:
            if spec.body not in (body.slug, body.name):
                problems.append(
                    _(
                        "The new project %(id)s is named for “%(named)s”: only %(body)s's own "
                        "projects may be imported here."
                    )
                    % {"id": spec.id, "named": spec.body or "", "body": body.name}
                )
        elif project.body_id != body.pk:
            problems.append(_other_congress(project, body))
        elif project.status == ProjectStatus.STOPPED:
            problems.append(_stopped(project))
    return problems


def progress_outside(specs: Sequence[UpdateSpec], body: Body) -> list[str]:
    """Why each update may not be imported here: another congress's project, a stopped one, or
    a pause or stop, which needs a congress decision (a change of plan), not a progress row."""
    projects = {
        p.code: p
        for p in TrackedProject.objects.filter(code__in={s.project for s in specs}).select_related(
            "body"
        )
    }
    problems: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        project = projects.get(spec.project)
        if project is None or spec.project in seen:
            continue
        seen.add(spec.project)
        if project.body_id != body.pk:
            problems.append(_other_congress(project, body))
        elif project.status == ProjectStatus.STOPPED:
            problems.append(_stopped(project))
    for spec in specs:
        if spec.status in (ProjectStatus.PAUSED, ProjectStatus.STOPPED):
            problems.append(
                _(
                    "%(id)s: pausing or stopping a project needs a congress decision and a public "
                    "notice; record it as a change of plan, not in the progress sheet."
                )
                % {"id": spec.project}
            )
    return problems


def _other_congress(project: TrackedProject, body: Body) -> str:
    return _(
        "The project %(id)s belongs to %(other)s: only %(body)s's own projects may be imported "
        "here. Remove its row and import again."
    ) % {"id": project.code, "other": project.body.name, "body": body.name}


def _stopped(project: TrackedProject) -> str:
    return _(
        "The project %(id)s was stopped by a decision and is no longer changed; only a new "
        "decision can reopen it."
    ) % {"id": project.code}


# --- Sub-items and projects added by a decision ----------------------------------------------


def _free_code(stem: str, taken: Iterable[str] = ()) -> str:
    """The first free code stem1, stem2, … within the contract's 64 characters."""
    used = set(taken)
    if len(stem) > 58:  # room for a number; a hash keeps long stems apart
        stem = f"{stem[:47]}-{hashlib.sha256(stem.encode()).hexdigest()[:10]}-"
    n = 1
    while True:
        code = f"{stem}{n}"
        if code not in used and not TrackedProject.objects.filter(code=code).exists():
            return code
        n += 1


def _own_code(code: str) -> str:
    code = code.strip()
    if not CODE.fullmatch(code):
        raise Refused("bad_code", _("A code is 1–64 letters, digits, '-' or '_'."))
    if TrackedProject.objects.filter(code=code).exists():
        raise Refused(
            "code_taken", _("The code %(code)s is already used by a project.") % {"code": code}
        )
    return code


@transaction.atomic
def project_add(
    *, body: Body, actor: User, code: str, title: str, year: int, unit: str
) -> TrackedProject:
    """A project by a congress decision: implementing, no source, no plan published yet."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Refused(
            "bad_year",
            _("The year is from %(low)d to %(high)d.") % {"low": FIRST_YEAR, "high": LAST_YEAR},
        )
    code = _own_code(code) if code.strip() else _free_code(f"{body.slug}-{year}-D")
    project = TrackedProject(
        code=code,
        body=body,
        year=year,
        title=title.strip(),
        unit=unit.strip(),
        status=ProjectStatus.IMPLEMENTING,
    )
    project.full_clean()
    project.save()
    action_record(
        body=body,
        actor=actor,
        action=TrackingAction.PROJECT_ADDED,
        subject=code,
        detail={"title": project.title, "year": year, "unit": project.unit},
    )
    return project


@transaction.atomic
def sub_item_add(
    *, parent: TrackedProject, actor: User, code: str, title: str, unit: str, share: Decimal
) -> TrackedProject:
    """A sub-item (子项): its own unit, plan and progress; its share weighs it in its parent."""
    parent = _locked(parent)
    if parent.parent_id is not None:
        raise Refused("nested", _("A sub-item has no sub-items of its own."))
    _editable(parent)
    if share <= 0:
        raise Refused("bad_share", _("The weight in the parent must be more than 0."))
    taken = parent.sub_items.values_list("code", flat=True)
    code = _own_code(code) if code.strip() else _free_code(f"{parent.code}-", taken)
    sub = TrackedProject(
        code=code,
        body=parent.body,
        year=parent.year,
        title=title.strip(),
        unit=unit.strip(),
        share=share,
        parent=parent,
        status=ProjectStatus.IMPLEMENTING,
    )
    sub.full_clean()
    sub.save()
    live.after_commit([parent])  # the parent's progress rolls up its sub-items
    action_record(
        body=parent.body,
        actor=actor,
        action=TrackingAction.PLAN_EDITED,
        subject=parent.code,
        detail={
            "sub_item_added": code,
            "title": sub.title,
            "unit": sub.unit,
            "share": f"{share.normalize():f}",
        },
    )
    return sub


def sub_item_blocker(sub: TrackedProject) -> str:
    """Why the sub-item may not be removed ("" if it may): reviewed progress is history."""
    if sub.parent_id is None:
        return _("Only a sub-item can be removed here.")
    if sub.updates.filter(state=UpdateState.APPROVED).exists():
        return _(
            "This sub-item has reviewed progress, which is public history: it cannot be "
            "removed. A congress decision can stop it instead."
        )
    return ""


@transaction.atomic
def sub_item_remove(*, sub: TrackedProject, actor: User) -> None:
    sub = _locked(sub)
    blocker = sub_item_blocker(sub)
    if blocker:
        raise Refused("has_progress", blocker)
    parent = sub.parent
    assert parent is not None
    code, title = sub.code, sub.title
    try:
        sub.delete()
    except ProtectedError:
        raise Refused("in_use", _("Other records refer to this sub-item; it is kept.")) from None
    live.after_commit([parent])
    action_record(
        body=parent.body,
        actor=actor,
        action=TrackingAction.PLAN_EDITED,
        subject=parent.code,
        detail={"sub_item_removed": code, "title": title},
    )
