"""满意度测评: an evaluation round built from the year's projects, grades reaching them, 整改, 销号.

An evaluation round's item names its tracked project by id (`ballots.models.Item.project_code`;
the voting floor may not import this one, so tracking registers a checker and the ballot card's
facts in ballots.project_links). When the round closes, each item's grade as the stored tally
states it becomes its project's `evaluation`; a `dissatisfied` project moves to rectification
(整改): urgent, with an open entry in its rectification ledger. Congress staff close (销号) a
rectifying or completed project once its rectification ledger has nothing open.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ballots.models import Round, RoundStatus, Session
from ballots.project_links import (
    ProjectProblem,
    register_details_source,
    register_project_checker,
)
from ballots.rules.terms import Grade, Kind, Secrecy
from ballots.services.rounds import round_create
from projects.action_log import action_record
from projects.errors import Refused
from tracking import live
from tracking.models import (
    ColourChange,
    GradeChoice,
    Ledger,
    LedgerEntry,
    ProjectStatus,
    Rating,
    TrackedProject,
    TrackingAction,
)
from tracking.rules.colours import round1
from tracking.services.assess import assess, with_facts
from tracking.services.updates import status_set

log = logging.getLogger(__name__)

# Ticked by default on the build screen: the year's projects that were carried out.
EVALUATED_BY_DEFAULT = frozenset({ProjectStatus.COMPLETED, ProjectStatus.IMPLEMENTING})
# A project is closed (销号) from these: rectified after a dissatisfied grade, or completed.
CLOSABLE = frozenset({ProjectStatus.RECTIFYING, ProjectStatus.COMPLETED})
FINISHED = frozenset({ProjectStatus.COMPLETED, ProjectStatus.CLOSED})
TITLE_MAX = 200  # Item.title
EXPLANATION_MAX = 4000


# --- The voting floor asks: which ids name no project of this congress? -------------------------


def project_problems(body_id: int, codes: Collection[str]) -> dict[str, ProjectProblem]:
    owners = dict(TrackedProject.objects.filter(code__in=codes).values_list("code", "body_id"))
    problems: dict[str, ProjectProblem] = {}
    for code in codes:
        if code not in owners:
            problems[code] = ProjectProblem.UNKNOWN
        elif owners[code] != body_id:
            problems[code] = ProjectProblem.OTHER_CONGRESS
    return problems


# --- The representative's ballot card: completion facts, colour history, public rating ----------


@dataclass(frozen=True)
class Stars:
    average: Decimal | None  # one decimal; None with no rating
    count: int


@dataclass
class CardFacts:
    project: TrackedProject
    progress: float
    planned: datetime.date | None
    days_late: int | None  # actual minus planned completion, in days; None unless both known
    history: list[ColourChange] = field(default_factory=list)
    stars: Stars = Stars(None, 0)

    @property
    def days_early(self) -> int:
        return -self.days_late if self.days_late is not None and self.days_late < 0 else 0


def planned_completion(project: TrackedProject) -> datetime.date | None:
    """The planned completion. A completed project's `completion` became the day it was done
    (tracking.md), so the plan's date is then read from the candidate voted on, or the last
    milestone's planned day."""
    if project.completed_on is None or project.completion != project.completed_on:
        return project.completion
    if project.candidate is not None and project.candidate.planned_completion is not None:
        return project.candidate.planned_completion
    planned = [m.planned for m in project.milestones.all()]
    return max(planned) if planned else None


def rating_periods(project: TrackedProject, today: datetime.date) -> set[str]:
    """The ratings a session weighs: those of the project's own year and of the current one."""
    return {str(project.year), str(today.year)}


def stars_of(projects: Sequence[TrackedProject], today: datetime.date) -> dict[int, Stars]:
    """Average (hidden comments keep their stars) and count of each project's ratings; one query."""
    wanted = {p.pk: rating_periods(p, today) for p in projects}
    stars: dict[int, list[int]] = defaultdict(list)
    rows = Rating.objects.filter(project__in=list(wanted)).values_list(
        "project_id", "period", "stars"
    )
    for project_id, period, given in rows:
        if period in wanted[project_id]:
            stars[project_id].append(given)
    result = {}
    for pk in wanted:
        given_all = stars.get(pk, [])
        average = (
            (Decimal(sum(given_all)) / len(given_all)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if given_all
            else None
        )
        result[pk] = Stars(average, len(given_all))
    return result


def card_facts(codes: Collection[str], today: datetime.date) -> dict[str, CardFacts]:
    """Every named project's facts for its card, in a fixed number of queries."""
    projects = list(
        with_facts(TrackedProject.objects.filter(code__in=codes))
        .select_related("candidate", "parent")
        .order_by("code")
    )
    histories: dict[int, list[ColourChange]] = defaultdict(list)
    for change in ColourChange.objects.filter(project__in=projects, on__lte=today).order_by(
        "on", "pk"
    ):
        histories[change.project_id].append(change)
    stars = stars_of(projects, today)
    facts = {}
    for project in projects:
        planned = planned_completion(project)
        done = project.completed_on
        facts[project.code] = CardFacts(
            project=project,
            progress=round1(assess(project, today).progress),
            planned=planned,
            days_late=(done - planned).days if done is not None and planned is not None else None,
            history=histories[project.pk],
            stars=stars[project.pk],
        )
    return facts


def card_details(codes: Collection[str]) -> dict[str, SafeString]:
    """Each project's card facts as HTML, for the ballot (ballots.project_links)."""
    today = timezone.localdate()
    return {
        code: render_to_string("tracking/evaluation_card.html", {"facts": facts, "today": today})
        for code, facts in card_facts(codes, today).items()
    }


# --- Staff build a round from the year's projects ----------------------------------------------


def sessions_open(body_id: int) -> list[Session]:
    """Sessions still running: none of their rounds yet, or one not yet closed."""
    return list(
        Session.objects.filter(body_id=body_id)
        .filter(Q(rounds__isnull=True) | ~Q(rounds__status=RoundStatus.CLOSED))
        .distinct()
        .order_by("-date", "code")
    )


def is_open(session: Session) -> bool:
    statuses = set(session.rounds.values_list("status", flat=True))
    return not statuses or statuses != {RoundStatus.CLOSED}


@dataclass(frozen=True)
class Choice:
    project: TrackedProject
    depth: int  # 0 a project, 1 a sub-item
    ticked: bool  # by default


def year_choices(body_id: int, year: int) -> list[Choice]:
    """The year's projects, each followed by its sub-items; carried-out projects ticked."""
    rows = list(
        TrackedProject.objects.filter(body_id=body_id, year=year)
        .select_related("parent")
        .order_by("code")
    )
    subs: dict[int, list[TrackedProject]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            subs[row.parent_id].append(row)
    choices = []
    for row in rows:
        if row.parent_id is None:
            choices.append(Choice(row, 0, row.status in EVALUATED_BY_DEFAULT))
            choices.extend(Choice(sub, 1, False) for sub in subs[row.pk])
    return choices


def item_title(project: TrackedProject) -> str:
    """A sub-item is printed with its project's name: on its own it may say little."""
    title = f"{project.parent.title}：{project.title}" if project.parent else project.title
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def free_round_code(session: Session, year: int) -> str:
    base = f"{session.code}-E{year}"[:60]
    code, n = base, 1
    while Round.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def evaluation_round_build(
    *,
    session: Session,
    year: int,
    projects: Sequence[TrackedProject],
    code: str,
    actor: User | None,
) -> Round:
    """A secret evaluation round whose items name these projects, in the order given."""
    if not projects:
        raise Refused("no_items", _("Tick at least one project to evaluate."))
    if not is_open(session):
        raise Refused(
            "session_closed",
            _("Every round of %(session)s is closed: build the round in a session still running.")
            % {"session": session.title},
        )
    if any(p.body_id != session.body_id for p in projects):
        raise Refused("other_congress", _("A round evaluates only its own congress's projects."))
    with transaction.atomic():
        round_ = round_create(
            session=session,
            code=code,
            kind=Kind.EVALUATION,
            secrecy=Secrecy.SECRET,
            to_select=None,
            max_yes=None,
            items=[(p.code, n, item_title(p), None) for n, p in enumerate(projects, start=1)],
            project_codes={p.code: p.code for p in projects},
            actor=actor,
        )
        action_record(
            body=session.body,
            actor=actor,
            action=TrackingAction.EVALUATION_ROUND_BUILT,
            subject=round_.code,
            detail={"session": session.code, "year": year, "projects": [p.code for p in projects]},
        )
    return round_


# --- The round closes: grades reach their projects ---------------------------------------------


def _later(round_: Round, than: Round | None) -> bool:
    """This round's grade replaces the one recorded: the last evaluation round's stands."""
    if than is None:
        return True
    if than.pk == round_.pk:
        return False
    return (round_.closed_at, round_.pk) > (than.closed_at or round_.closed_at, than.pk)


@transaction.atomic
def evaluation_record(round_: Round) -> list[TrackedProject]:
    """Each item's grade, as the stored tally states it, becomes its project's (again: nothing)."""
    if round_.kind != Kind.EVALUATION or round_.status != RoundStatus.CLOSED or not round_.tally:
        return []
    grades = {r["item"]: r["grade"] for r in round_.tally["results"] if r.get("grade")}
    item_of = dict(round_.items.exclude(project_code="").values_list("project_code", "code"))
    body = round_.session.body
    on = timezone.localdate(round_.closed_at)
    changed: list[TrackedProject] = []
    recorded: dict[str, str] = {}
    rectifying: list[str] = []
    projects = (
        TrackedProject.objects.select_for_update(of=("self",))
        .select_related("body", "evaluated_in")
        .filter(body=body, code__in=list(item_of))
        .order_by("code")
    )
    for project in projects:
        grade = grades.get(item_of[project.code])
        if grade not in GradeChoice.values or not _later(round_, project.evaluated_in):
            continue
        project.evaluation = grade
        project.evaluated_in = round_
        fields = ["evaluation", "evaluated_in"]
        if grade == Grade.DISSATISFIED and project.status != ProjectStatus.RECTIFYING:
            project.urgent = True  # a key supervision item (重点督办) of the new year
            project.save(update_fields=[*fields, "urgent"])
            status_set(project, ProjectStatus.RECTIFYING, on)
            LedgerEntry.objects.create(
                project=project,
                ledger=Ledger.RECTIFICATION,
                text=_("Rated dissatisfied in evaluation round %(round)s: rectify and report.")
                % {"round": round_.code},
                owner=project.unit,
            )
            rectifying.append(project.code)
        else:
            project.save(update_fields=fields)
        recorded[project.code] = grade
        changed.append(project)
    if changed:
        action_record(
            body=body,
            actor=None,
            action=TrackingAction.EVALUATION_RECORDED,
            subject=round_.code,
            detail={"grades": recorded, "rectifying": rectifying},
        )
        live.after_commit(changed)  # pages and the API show the grades at once
    return changed


def on_round_closed(sender: object, round_: Round, **_kwargs: object) -> None:
    """The close must stand whatever happens here; evaluations_record_missed makes it up."""
    if round_.kind != Kind.EVALUATION:
        return
    try:
        with transaction.atomic():
            evaluation_record(round_)
    except Exception:
        log.exception("grades of round %s not recorded; evaluations_record_missed retries", round_)


def evaluations_record_missed() -> int:
    """Every closed evaluation round's grades not yet on their projects: safe to run again."""
    made = 0
    rounds = Round.objects.filter(
        kind=Kind.EVALUATION, status=RoundStatus.CLOSED, items__project_code__gt=""
    ).distinct()
    for round_ in rounds.select_related("session__body").order_by("closed_at", "pk"):
        made += len(evaluation_record(round_))
    return made


# --- 销号 and the unit's explanation ------------------------------------------------------------


def open_rectifications(project: TrackedProject) -> int:
    return project.ledger_entries.filter(
        ledger=Ledger.RECTIFICATION, closed_at__isnull=True
    ).count()


def still_open_words(n: int) -> str:
    return ngettext(
        "%(n)d entry of the rectification ledger is still open: close it with its outcome first.",
        "%(n)d entries of the rectification ledger are still open: close each with its outcome "
        "first.",
        n,
    ) % {"n": n}


@transaction.atomic
def project_close(*, project: TrackedProject, actor: User, verification: str) -> TrackedProject:
    """Close (销号) a rectifying or completed project once its rectification is verified."""
    project = TrackedProject.objects.select_for_update().select_related("body").get(pk=project.pk)
    if project.status not in CLOSABLE:
        raise Refused(
            "not_closable",
            _("A project that is %(status)s cannot be closed: only a rectifying or completed one.")
            % {"status": project.get_status_display()},
        )
    verification = verification.strip()
    if not verification:
        raise Refused("verification_required", _("Say how the rectification was verified."))
    still_open = open_rectifications(project)
    if still_open:
        raise Refused("rectification_open", still_open_words(still_open))
    before = project.status
    status_set(project, ProjectStatus.CLOSED, timezone.localdate())
    action_record(
        body=project.body,
        actor=actor,
        action=TrackingAction.PROJECT_CLOSED,
        subject=project.code,
        detail={"status": [before, project.status], "verification": verification},
    )
    live.after_commit([project])
    return project


def explanation_shown(project: TrackedProject) -> bool:
    """The public reads the unit's explanation while the project is rectifying or unfinished."""
    return bool(project.explanation) and project.status not in FINISHED


@transaction.atomic
def explanation_set(*, project: TrackedProject, actor: User, text: str) -> TrackedProject:
    """The unit's explanation and completion measures, public on the project's page."""
    project = TrackedProject.objects.select_for_update().select_related("body").get(pk=project.pk)
    text = text.strip()
    if len(text) > EXPLANATION_MAX:
        raise Refused("too_long", _("At most %(n)d characters, please.") % {"n": EXPLANATION_MAX})
    if text == project.explanation:
        return project
    project.explanation = text
    project.save(update_fields=["explanation"])
    action_record(
        body=project.body,
        actor=actor,
        action=TrackingAction.PLAN_EDITED,  # the explanation is part of the completion plan
        subject=project.code,
        detail={"explanation": text},
    )
    live.after_commit([project])
    return project


# --- Start-up -----------------------------------------------------------------------------------


def register() -> None:
    """Called once from TrackingConfig.ready."""
    register_project_checker(project_problems)
    register_details_source(card_details)
