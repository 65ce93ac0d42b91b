"""The year's report (年度报告) of a congress as plain data, in a fixed number of queries.

The year's evaluation is the set of evaluation rounds, in the first session that has any, whose
items name a project of the year (Item.project_code, a sub-item counting for its project). A later
session's rounds on the same projects (a re-evaluation after rectification) do not change the
year's figures. The report is public once every round of the year's evaluation has closed.
Figures are as of the day the report is made. tracking.rules.annual does the arithmetic;
tracking.pdf.annual and the page print what this returns and read nothing else.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ballots.models import Kind, Round
from projects.models import Body
from tracking.models import (
    ColourChange,
    ColourChoice,
    GradeChoice,
    ProgressUpdate,
    ProjectStatus,
    Rating,
    TrackedProject,
    UpdateState,
)
from tracking.rules.annual import (
    COLOURS,
    ColourHistory,
    Completion,
    Counts,
    Graded,
    RankedUnit,
    Spending,
    Timeliness,
    UnitTrend,
    colour_history,
    completion_against_plan,
    pooled,
    rank_units,
    spending,
    stars_average,
    trend_years,
    unit_trends,
)

GRADES: tuple[str, ...] = tuple(g.value for g in GradeChoice)


@dataclass(frozen=True)
class EvaluatedItem:
    """An evaluation round's item that names one of the congress's projects."""

    round: Round
    code: str
    project: TrackedProject  # the project named: a top-level one or a sub-item
    top: TrackedProject  # the top-level project it counts for
    counts: Counts | None  # None until the round has closed
    grade: str | None

    @property
    def unit(self) -> str:
        return self.project.unit or self.top.unit


@dataclass(frozen=True)
class RoundRef:
    code: str
    session: str
    closed_at: datetime.datetime | None
    status_words: str
    closed: bool


@dataclass(frozen=True)
class SubGrade:
    title: str
    grade: str
    grade_words: str


@dataclass(frozen=True)
class ProjectRow:
    code: str
    title: str
    unit: str
    status: str
    status_words: str  # the outcome
    spending: Spending
    spent_on: datetime.date | None  # the reviewed update the spending is as of
    planned: datetime.date | None
    completed: datetime.date | None
    completion: Completion
    completion_words: str
    colours: ColourHistory
    colour_words: str  # days in each colour and turns, in words
    turns_words: str  # only the turns: the page shows the days as coloured tags
    rating_average: Decimal | None
    rating_count: int
    grade: str  # "" when its own item has no grade (yet)
    grade_words: str
    sub_grades: list[SubGrade]  # grades of items naming its sub-items
    later_grade_words: str  # a later evaluation's grade (after rectification), else ""
    satisfaction: Counts | None  # pooled over its items; None when not evaluated

    @property
    def evaluated(self) -> bool:
        return self.satisfaction is not None and self.satisfaction.valid > 0


@dataclass(frozen=True)
class AnnualReport:
    body: Body
    year: int
    as_of: datetime.date
    public: bool  # every round of the year's evaluation has closed
    rounds: list[RoundRef]
    projects: list[ProjectRow]
    overall: Counts  # pooled over the year's items in closed rounds
    grade_counts: dict[str, int]  # items by grade
    years: list[int]  # the trend's years, oldest first
    trends: list[UnitTrend]
    overall_trend: list[tuple[int, Counts | None]]
    ranking_year: int
    ranking: list[RankedUnit]
    made_at: datetime.datetime
    timeliness_counts: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return _("Livelihood projects: annual report, %(year)d") % {"year": self.year}

    @property
    def evaluated(self) -> bool:
        return self.overall.valid > 0


def evaluated_items(body: Body) -> list[EvaluatedItem]:
    """Every evaluation round's items naming a project of the congress, in three queries."""
    rounds = list(
        Round.objects.filter(session__body=body, kind=Kind.EVALUATION)
        .select_related("session")
        .prefetch_related("items")
        .order_by("session__date", "session_id", "pk")
    )
    codes = {i.project_code for r in rounds for i in r.items.all() if i.project_code}
    named = {
        p.code: p
        for p in TrackedProject.objects.filter(body=body, code__in=codes).select_related("parent")
    }
    items = []
    for round_ in rounds:
        results = {r["item"]: r for r in (round_.tally or {}).get("results", [])}
        for item in round_.items.all():
            project = named.get(item.project_code)
            if project is None:
                continue
            result = results.get(item.code) if round_.is_closed else None
            items.append(
                EvaluatedItem(
                    round=round_,
                    code=item.code,
                    project=project,
                    top=project.parent or project,
                    counts=Counts.of(result["counts"]) if result else None,
                    grade=(result or {}).get("grade") or None,
                )
            )
    return items


def year_items(items: Iterable[EvaluatedItem], year: int) -> list[EvaluatedItem]:
    """The items of the year's evaluation: on the year's projects, in the first session with any."""
    of_year = [i for i in items if i.top.year == year]
    if not of_year:
        return []
    first = min((i.round.session.date, i.round.session_id) for i in of_year)
    return [i for i in of_year if (i.round.session.date, i.round.session_id) == first]


def is_public(items: list[EvaluatedItem]) -> bool:
    return bool(items) and all(i.round.is_closed for i in items)


def public_report_years(body: Body) -> list[int]:
    """The years whose report the public may read, latest first."""
    items = evaluated_items(body)
    years = {i.top.year for i in items}
    return sorted((y for y in years if is_public(year_items(items, y))), reverse=True)


def report_years(body: Body) -> list[int]:
    """The years with top-level projects: what staff may preview, latest first."""
    years = TrackedProject.objects.filter(body=body, parent__isnull=True).values_list("year")
    return sorted({y for (y,) in years}, reverse=True)


def grade_words(grade: str) -> str:
    return str(GradeChoice(grade).label) if grade in GRADES else ""


def completion_words(completion: Completion) -> str:
    days = completion.days
    if completion.timeliness == Timeliness.EARLY:
        return ngettext("Completed %(days)d day early", "Completed %(days)d days early", days) % {
            "days": days
        }
    if completion.timeliness == Timeliness.ON_TIME:
        return _("Completed on the planned day")
    if completion.timeliness == Timeliness.LATE:
        return ngettext("Completed %(days)d day late", "Completed %(days)d days late", days) % {
            "days": days
        }
    if completion.timeliness == Timeliness.OVERDUE:
        return ngettext(
            "Not completed, %(days)d day past the plan",
            "Not completed, %(days)d days past the plan",
            days,
        ) % {"days": days}
    if completion.timeliness == Timeliness.OPEN:
        return ngettext(
            "Not completed, %(days)d day left", "Not completed, %(days)d days left", days
        ) % {"days": days}
    if completion.timeliness == Timeliness.STOPPED:
        return _("Stopped by a decision (终止)")
    if completion.timeliness == Timeliness.UNDATED:
        return _("Completed; the day was not recorded")
    return _("No planned completion")


def colours_in_words(history: ColourHistory) -> str:
    if not history.recorded:
        return _("No colour recorded")
    words = {c.value: str(c.label) for c in ColourChoice}
    parts = [
        ngettext("%(colour)s %(days)d day", "%(colour)s %(days)d days", history.days[c])
        % {"colour": words[c], "days": history.days[c]}
        for c in COLOURS
        if history.days[c] or history.turns[c]
    ]
    return "; ".join([*parts, turns_in_words(history)])


def turns_in_words(history: ColourHistory) -> str:
    turns = sum(history.turns[c] for c in ("red", "yellow"))
    return ngettext(
        "turned red or yellow %(n)d time", "turned red or yellow %(n)d times", turns
    ) % {"n": turns}


def _ratings(projects: list[TrackedProject]) -> dict[int, tuple[Decimal | None, int]]:
    """Each project's current ratings: those of its latest evaluation period (one per person)."""
    rows = (
        Rating.objects.filter(project__in=[p.pk for p in projects])
        .values("project_id", "period")
        .annotate(total=Sum("stars"), n=Count("pk"))
        .order_by("project_id", "period")
    )
    latest: dict[int, tuple[int, int]] = {}
    for row in rows:  # periods ascending: the last one per project wins
        latest[row["project_id"]] = (row["total"] or 0, row["n"])
    return {pk: (stars_average(total, n), n) for pk, (total, n) in latest.items()}


def _spent(ids: list[int], as_of: datetime.date) -> dict[int, tuple[datetime.date, Decimal]]:
    """Each project's latest reviewed spending on or before as_of."""
    rows = (
        ProgressUpdate.objects.filter(
            project__in=ids, state=UpdateState.APPROVED, spent_wan__isnull=False, on__lte=as_of
        )
        .order_by("on", "reviewed_at", "pk")
        .values_list("project_id", "on", "spent_wan")
    )
    return {pk: (on, spent) for pk, on, spent in rows if spent is not None}


def _spending(
    project: TrackedProject,
    subs: list[TrackedProject],
    spent: dict[int, tuple[datetime.date, Decimal]],
) -> tuple[Spending, datetime.date | None]:
    """A parent whose sub-items report spending adds theirs up (its own figure would count the
    money twice, as progress rolls up); otherwise the project's own."""
    reported = [spent[s.pk] for s in subs if s.pk in spent]
    budget = project.budget_wan
    if budget is None and subs and any(s.budget_wan is not None for s in subs):
        budget = sum((s.budget_wan for s in subs if s.budget_wan is not None), Decimal(0))
    if reported:
        on = max(day for day, _amount in reported)
        return spending(budget, sum((amount for _day, amount in reported), Decimal(0))), on
    own = spent.get(project.pk)
    return spending(budget, own[1] if own else None), own[0] if own else None


def _trend(
    items: list[EvaluatedItem], year: int
) -> tuple[list[int], list[UnitTrend], list[tuple[int, Counts | None]]]:
    """Each unit's pooled counts per year (closed rounds of each year's evaluation only)."""
    by_year = {
        y: [i for i in year_items(items, y) if i.counts is not None]
        for y in range(year - 4, year + 1)
    }
    years = trend_years(year, (y for y, found in by_year.items() if found))
    graded = [
        Graded(y, i.unit, i.counts) for y in years for i in by_year[y] if i.counts is not None
    ]
    overall = [
        (y, pooled(i.counts for i in by_year[y] if i.counts is not None) if by_year[y] else None)
        for y in years
    ]
    return years, unit_trends(graded, years), overall


def annual_data(*, body: Body, year: int) -> AnnualReport:
    as_of = timezone.localdate()
    projects = list(
        TrackedProject.objects.filter(body=body, year=year, parent__isnull=True).order_by("code")
    )
    subs_of: dict[int, list[TrackedProject]] = defaultdict(list)
    for sub in TrackedProject.objects.filter(parent__in=[p.pk for p in projects]).order_by("code"):
        subs_of[sub.parent_id or 0].append(sub)
    ids = [p.pk for p in projects] + [s.pk for subs in subs_of.values() for s in subs]
    spent = _spent(ids, as_of)
    ratings = _ratings(projects)
    changes: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for pk, on, to in (
        ColourChange.objects.filter(project__in=[p.pk for p in projects])
        .order_by("project_id", "on", "pk")
        .values_list("project_id", "on", "to_colour")
    ):
        changes[pk].append((on, to))

    items = evaluated_items(body)
    mine = year_items(items, year)
    round_ids = {i.round.pk for i in mine}
    rows = []
    for project in projects:
        own = [i for i in mine if i.top.pk == project.pk]
        counted = [i.counts for i in own if i.counts is not None]
        grade = next((i.grade for i in own if i.project.pk == project.pk and i.grade), "")
        later = ""
        if (
            project.evaluation
            and project.evaluated_in_id
            and project.evaluated_in_id not in round_ids
        ):
            later = grade_words(project.evaluation)
        money, spent_on = _spending(project, subs_of[project.pk], spent)
        completion = completion_against_plan(
            project.completion,
            project.completed_on,
            as_of,
            stopped=project.status == ProjectStatus.STOPPED,
            finished=project.status in (ProjectStatus.COMPLETED, ProjectStatus.CLOSED),
        )
        history = colour_history(changes[project.pk], as_of)
        average, count = ratings.get(project.pk, (None, 0))
        rows.append(
            ProjectRow(
                code=project.code,
                title=project.title,
                unit=project.unit,
                status=project.status,
                status_words=project.get_status_display(),
                spending=money,
                spent_on=spent_on,
                planned=project.completion,
                completed=project.completed_on,
                completion=completion,
                completion_words=completion_words(completion),
                colours=history,
                colour_words=colours_in_words(history),
                turns_words=turns_in_words(history),
                rating_average=average,
                rating_count=count,
                grade=grade,
                grade_words=grade_words(grade),
                sub_grades=[
                    SubGrade(i.project.title, i.grade, grade_words(i.grade))
                    for i in own
                    if i.project.pk != project.pk and i.grade
                ],
                later_grade_words=later,
                satisfaction=pooled(counted) if counted else None,
            )
        )
    grade_counts = dict.fromkeys(GRADES, 0)
    for item in mine:
        if item.grade in grade_counts:
            grade_counts[item.grade] += 1
    timeliness = dict.fromkeys((t.value for t in Timeliness), 0)
    for row in rows:
        timeliness[row.completion.timeliness] += 1
    years, trends, overall_trend = _trend(items, year)
    ranking_year = max((y for y, c in overall_trend if c is not None), default=year)
    seen: dict[int, Round] = {}
    for item in mine:
        seen.setdefault(item.round.pk, item.round)
    return AnnualReport(
        body=body,
        year=year,
        as_of=as_of,
        public=is_public(mine),
        rounds=[
            RoundRef(r.code, r.session.title, r.closed_at, r.get_status_display(), r.is_closed)
            for r in seen.values()
        ],
        projects=rows,
        overall=pooled(i.counts for i in mine if i.counts is not None),
        grade_counts=grade_counts,
        years=years,
        trends=trends,
        overall_trend=overall_trend,
        ranking_year=ranking_year,
        ranking=rank_units(trends, ranking_year),
        made_at=timezone.localtime(),
        timeliness_counts=timeliness,
    )
