"""The monthly circular and the half-year summary (每月一通报、半年一总结) as plain data.

Everything is as of the period's last day (today while the period runs): each colour is
`assess(project, that day)`, so only what was known that day counts. tracking.pdf.circular
prints what this returns and reads nothing else.
"""

import calendar
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from projects.errors import Refused
from projects.models import Body
from tracking.models import ColourChoice, SupervisionTask, TrackedProject
from tracking.rules.colours import Colour, round1
from tracking.services.assess import assess, reasons_in_words, with_facts

MONTH = re.compile(r"(\d{4})-(\d{2})")
HALF = re.compile(r"(\d{4})-([12])")
NONE = "none"  # the count of projects without a colour (paused, stopped, completed, closed)
COLOURS: tuple[str, ...] = (Colour.RED, Colour.YELLOW, Colour.GREEN)


class PeriodKind(StrEnum):
    MONTH = "month"
    HALF = "half"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    year: int
    number: int  # the month 1..12, or the half 1..2
    first: datetime.date
    last: datetime.date

    @property
    def param(self) -> str:
        """As the URL and the command take it: 2027-03, or 2027-1 for a half."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-{self.number}"

    @property
    def words(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return formats.date_format(self.first, "YEAR_MONTH_FORMAT")
        if self.number == 1:
            return _("first half of %(year)d") % {"year": self.year}
        return _("second half of %(year)d") % {"year": self.year}

    def month_ends(self, as_of: datetime.date) -> list[datetime.date]:
        """The last day of each month of the period up to as_of (as_of itself for its month)."""
        ends = []
        month = self.first
        while month <= as_of:
            last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            ends.append(min(last, as_of))
            month = last + datetime.timedelta(days=1)
        return ends


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        PeriodKind.MONTH,
        year,
        month,
        datetime.date(year, month, 1),
        datetime.date(year, month, last),
    )


def half_period(year: int, half: int) -> Period:
    first = datetime.date(year, 1 if half == 1 else 7, 1)
    last = datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)
    return Period(PeriodKind.HALF, year, half, first, last)


def period_parse(*, month: str | None = None, half: str | None = None) -> Period:
    """A month (YYYY-MM) or a half-year (YYYY-1, YYYY-2); not both, not one still to come."""
    if bool(month) == bool(half):
        raise Refused(
            "bad_period", _("Give either a month (YYYY-MM) or a half-year (YYYY-1 or YYYY-2).")
        )
    try:
        if month:
            found = MONTH.fullmatch(month.strip())
            if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
                raise ValueError(month)
            period = month_period(int(found[1]), int(found[2]))
        else:
            found = HALF.fullmatch((half or "").strip())
            if not found or int(found[1]) < 1:
                raise ValueError(half)
            period = half_period(int(found[1]), int(found[2]))
    except ValueError:
        raise Refused(
            "bad_period",
            _("“%(value)s” is not a month like 2027-03 or a half-year like 2027-1.")
            % {"value": month or half},
        ) from None
    if period.first > timezone.localdate():
        raise Refused("future_period", _("That period has not begun yet."))
    return period


def last_month(today: datetime.date) -> Period:
    """The latest month that is over: what a circular at the start of a month reports on."""
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return month_period(end.year, end.month)


@dataclass(frozen=True)
class MilestoneDone:
    title: str
    done: datetime.date


@dataclass(frozen=True)
class Row:
    code: str
    title: str
    unit: str
    status: str  # in words
    progress: float  # as known on as_of, one decimal
    expected: float
    colour: str | None  # red, yellow, green, or None without one
    urgent: bool
    reasons: list[str]
    milestones_done: list[MilestoneDone] = field(default_factory=list)  # within the period
    tasks_opened: int = 0
    tasks_closed: int = 0


@dataclass(frozen=True)
class MonthCounts:
    label: str  # the month, in words
    as_of: datetime.date
    counts: dict[str, int]  # red, yellow, green, none


@dataclass(frozen=True)
class Circular:
    body: str  # the congress's name
    period: Period
    title: str
    as_of: datetime.date
    running: bool  # the period is not over: figures as of today
    counts: dict[str, int]  # red, yellow, green, none
    rows: list[Row]
    months: list[MonthCounts]  # the half-year's months; empty for a month
    made_at: datetime.datetime

    @property
    def total(self) -> int:
        return len(self.rows)


def colour_words() -> dict[str, str]:
    return {**{c.value: str(c.label) for c in ColourChoice}, NONE: _("No colour")}


def _projects(body: Body, period: Period, as_of: datetime.date) -> list[TrackedProject]:
    """The year's projects, and earlier years' ones still being delivered (with a colour) then."""
    projects = with_facts(
        TrackedProject.objects.filter(body=body, parent__isnull=True, year__lte=period.year)
    ).order_by("code")
    return [p for p in projects if p.year == period.year or assess(p, as_of).colour is not None]


def _counts(colours: list[str | None]) -> dict[str, int]:
    seen = Counter(c or NONE for c in colours)
    return {key: seen[key] for key in (*COLOURS, NONE)}


def _tasks(
    projects: list[TrackedProject], first: datetime.date, as_of: datetime.date
) -> tuple[Counter[int], Counter[int]]:
    """Follow-up tasks opened and closed within first..as_of, Beijing days, per project."""
    opened: Counter[int] = Counter()
    closed: Counter[int] = Counter()
    tasks = SupervisionTask.objects.filter(project__in=[p.pk for p in projects])
    for task in tasks.only("project_id", "created_at", "closed_at"):
        if first <= timezone.localdate(task.created_at) <= as_of:
            opened[task.project_id] += 1
        if task.closed_at and first <= timezone.localdate(task.closed_at) <= as_of:
            closed[task.project_id] += 1
    return opened, closed


def circular_data(*, body: Body, period: Period) -> Circular:
    today = timezone.localdate()
    as_of = min(period.last, today)
    projects = _projects(body, period, as_of)
    half = period.kind == PeriodKind.HALF
    opened, closed = _tasks(projects, period.first, as_of) if half else (Counter(), Counter())
    rows = []
    for project in projects:
        assessment = assess(project, as_of)
        done = [
            MilestoneDone(m.title, m.done)
            for m in project.milestones.all()
            if half and m.done is not None and period.first <= m.done <= as_of
        ]
        rows.append(
            Row(
                code=project.code,
                title=project.title,
                unit=project.unit,
                status=project.get_status_display(),
                progress=round1(assessment.progress),
                expected=round1(assessment.expected),
                colour=assessment.colour.value if assessment.colour else None,
                urgent=project.urgent,
                reasons=reasons_in_words(project, assessment)
                if assessment.colour is not None
                else [],
                milestones_done=sorted(done, key=lambda m: m.done),
                tasks_opened=opened[project.pk],
                tasks_closed=closed[project.pk],
            )
        )
    # The 通报 leads with what needs attention: red, then yellow, green, and those without one.
    order = {key: n for n, key in enumerate((*COLOURS, None))}
    rows.sort(key=lambda r: (order[r.colour], r.code))
    months = []
    if half:
        for end in period.month_ends(as_of):
            colours = [assess(p, end).colour for p in projects]
            months.append(
                MonthCounts(
                    label=formats.date_format(end, "M"),
                    as_of=end,
                    counts=_counts([c.value if c else None for c in colours]),
                )
            )
    title = (
        _("Livelihood projects: monthly circular, %(period)s")
        if not half
        else _("Livelihood projects: half-year summary, %(period)s")
    ) % {"period": period.words}
    return Circular(
        body=body.name,
        period=period,
        title=title,
        as_of=as_of,
        running=as_of < period.last,
        counts=_counts([r.colour for r in rows]),
        rows=rows,
        months=months,
        made_at=timezone.localtime(),
    )
