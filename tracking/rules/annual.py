"""The year's report (年度报告) in figures: satisfaction rates, each unit's trend and ranking,
completion against plan and the colour history. Standard library only.

Readings this module had to choose, each also said in docs/annual-report.md:
- The satisfaction rate is (satisfied + basically satisfied) ÷ valid ballots. A valid ballot is
  one the tally counts (audit-format.md: `counts` are over valid ballots, which `ballots_valid`
  numbers; an evaluation round has no yes limit, so every ballot cast is valid). An abstention or an
  item left unmarked on a valid ballot stays in the denominator: the representative voted and did
  not say satisfied. So an item's denominator is the sum of all its counts, `unmarked` included.
- Several items (the items of a project's sub-items, a year's items, a unit's items) pool their
  ballots: the sum of the numerators over the sum of the denominators, not a mean of rates.
- Rates are shown and ranked as percents to one decimal, halves away from zero; two units showing
  the same percent share a rank (1, 2, 2, 4), listed by name.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

SATISFIED = "satisfied"
BASICALLY_SATISFIED = "basically_satisfied"
DISSATISFIED = "dissatisfied"
ABSTAIN = "abstain"
UNMARKED = "unmarked"
COLOURS = ("red", "yellow", "green")
TREND_YEARS = 5  # 当阳's five-year curve per unit


def tenths(value: Fraction) -> Decimal:
    """A non-negative value to one decimal, halves away from zero, exactly."""
    whole, rest = divmod(value.numerator * 10, value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    return Decimal(whole).scaleb(-1)


def percent(share: Fraction) -> Decimal:
    """A share as a percent to one decimal."""
    return tenths(share * 100)


@dataclass(frozen=True)
class Counts:
    """One evaluated item's counts over valid ballots, or several items' pooled."""

    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    abstain: int = 0
    unmarked: int = 0

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> "Counts":
        """From a tally.json result's `counts` (every option of the round and `unmarked`)."""
        return cls(
            satisfied=int(counts.get(SATISFIED, 0)),
            basically_satisfied=int(counts.get(BASICALLY_SATISFIED, 0)),
            dissatisfied=int(counts.get(DISSATISFIED, 0)),
            abstain=int(counts.get(ABSTAIN, 0)),
            unmarked=int(counts.get(UNMARKED, 0)),
        )

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.satisfied + other.satisfied,
            self.basically_satisfied + other.basically_satisfied,
            self.dissatisfied + other.dissatisfied,
            self.abstain + other.abstain,
            self.unmarked + other.unmarked,
        )

    @property
    def valid(self) -> int:
        """The valid ballots: abstentions and unmarked items included."""
        return (
            self.satisfied
            + self.basically_satisfied
            + self.dissatisfied
            + self.abstain
            + self.unmarked
        )

    @property
    def content(self) -> int:
        """Satisfied plus basically satisfied: the rate's numerator."""
        return self.satisfied + self.basically_satisfied

    @property
    def rate(self) -> Fraction | None:
        """None without a valid ballot: no rate, which is not a rate of 0."""
        return Fraction(self.content, self.valid) if self.valid else None

    @property
    def percent(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else percent(rate)

    def share(self, count: int) -> Decimal:
        """One count's share of the valid ballots, as a percent (0 without ballots)."""
        return percent(Fraction(count, self.valid)) if self.valid else Decimal("0.0")


def pooled(counts: Iterable[Counts]) -> Counts:
    total = Counts()
    for one in counts:
        total = total + one
    return total


@dataclass(frozen=True)
class Graded:
    """One evaluated item as the trend reads it: the year of its project and the unit."""

    year: int
    unit: str
    counts: Counts


@dataclass(frozen=True)
class UnitTrend:
    unit: str
    points: tuple[tuple[int, Counts | None], ...]  # (year, pooled counts or None), oldest first

    def at(self, year: int) -> Counts | None:
        return next((c for y, c in self.points if y == year), None)


def trend_years(latest: int, evaluated: Iterable[int]) -> list[int]:
    """Up to five years ending with `latest`, from the first of them with an evaluated item (so a
    new install does not draw four empty years); `latest` alone when none has one."""
    window = range(latest - TREND_YEARS + 1, latest + 1)
    seen = set(evaluated)
    first = next((y for y in window if y in seen), latest)
    return list(range(first, latest + 1))


def unit_trends(items: Iterable[Graded], years: Sequence[int]) -> list[UnitTrend]:
    """Each unit's pooled counts per year, for units with an evaluated item in one of the years;
    units by name. A year without an item of the unit has None: a gap, not a rate of 0."""
    wanted = set(years)
    by_unit: dict[str, dict[int, Counts]] = defaultdict(dict)
    for item in items:
        unit = item.unit.strip()
        if item.year not in wanted or not unit:
            continue
        by_unit[unit][item.year] = by_unit[unit].get(item.year, Counts()) + item.counts
    return [
        UnitTrend(unit, tuple((y, by_unit[unit].get(y)) for y in years)) for unit in sorted(by_unit)
    ]


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None  # None: no rate in the ranking year; listed last
    trend: UnitTrend
    counts: Counts | None  # the ranking year's
    change: Decimal | None  # points since the year before, when both years have a rate


def rank_units(trends: Iterable[UnitTrend], year: int) -> list[RankedUnit]:
    """Units by the year's rate as shown (one decimal), highest first; a tie shares its rank."""
    rated: list[tuple[Decimal, UnitTrend, Counts]] = []
    unrated: list[UnitTrend] = []
    for trend in trends:
        now = trend.at(year)
        shown = now.percent if now is not None else None
        if now is None or shown is None:
            unrated.append(trend)
        else:
            rated.append((shown, trend, now))
    rated.sort(key=lambda r: (-r[0], r[1].unit))
    ranked: list[RankedUnit] = []
    last: tuple[Decimal, int] | None = None
    for place, (shown, trend, now) in enumerate(rated, start=1):
        rank = last[1] if last is not None and last[0] == shown else place
        last = (shown, rank)
        before = trend.at(year - 1)
        earlier = before.percent if before is not None else None
        change = None if earlier is None else shown - earlier
        ranked.append(RankedUnit(rank, trend, now, change))
    for trend in sorted(unrated, key=lambda t: t.unit):
        ranked.append(RankedUnit(None, trend, trend.at(year), None))
    return ranked


class Timeliness(StrEnum):
    EARLY = "early"  # completed before the planned completion
    ON_TIME = "on_time"  # completed on the planned day
    LATE = "late"  # completed after it
    OPEN = "open"  # not completed, the planned day not yet passed
    OVERDUE = "overdue"  # not completed, the planned day passed
    STOPPED = "stopped"  # stopped (终止) by a decision: never to be completed
    UNDATED = "undated"  # completed, the day not recorded
    NO_PLAN = "no_plan"  # no planned completion to compare with


@dataclass(frozen=True)
class Completion:
    timeliness: Timeliness
    days: int  # early, late or overdue by; until the planned day when open; else 0


def completion_against_plan(
    planned: date | None,
    completed: date | None,
    as_of: date,
    *,
    stopped: bool = False,
    finished: bool = False,
) -> Completion:
    """Actual completion against the planned one, as known on as_of: a completion recorded
    after as_of is not known yet. `finished`: the status says completed whatever the dates."""
    done = completed if completed is not None and completed <= as_of else None
    if stopped and done is None:
        return Completion(Timeliness.STOPPED, 0)
    if finished and completed is None:
        return Completion(Timeliness.UNDATED, 0)
    if planned is None:
        return Completion(Timeliness.NO_PLAN, 0)
    if done is not None:
        days = (done - planned).days
        if days < 0:
            return Completion(Timeliness.EARLY, -days)
        return Completion(Timeliness.LATE, days) if days else Completion(Timeliness.ON_TIME, 0)
    if as_of > planned:
        return Completion(Timeliness.OVERDUE, (as_of - planned).days)
    return Completion(Timeliness.OPEN, (planned - as_of).days)


def rate_axis(rates: Iterable[Decimal]) -> tuple[int, int, int]:
    """A percent axis for rates (low, high, step): from a round step below the lowest rate (at
    most 80, at least 0) to 100, so that differences between units stay visible."""
    given = list(rates)
    low = max(0, min(80, int(min(given) // 10 * 10) - 10)) if given else 0
    step = 10 if 100 - low <= 50 else 20
    return low - low % step, 100, step


@dataclass(frozen=True)
class ColourHistory:
    days: dict[str, int]  # red, yellow, green: days spent in each
    turns: dict[str, int]  # red, yellow, green: how many times it turned that colour
    first: date | None  # the first sweep that saw it

    @property
    def recorded(self) -> bool:
        return self.first is not None


def colour_history(changes: Sequence[tuple[date, str]], as_of: date) -> ColourHistory:
    """Days in each colour and turns into it, from the sweep's changes (day, new colour; "" for
    none) in day order, up to as_of. A colour lasts from its change to the next one (or as_of)."""
    known = [(on, to) for on, to in changes if on <= as_of]
    days = dict.fromkeys(COLOURS, 0)
    turns = dict.fromkeys(COLOURS, 0)
    before = ""
    for index, (on, to) in enumerate(known):
        until = known[index + 1][0] if index + 1 < len(known) else as_of
        if to in days:
            days[to] += max(0, (until - on).days)
            if to != before:
                turns[to] += 1
        before = to
    return ColourHistory(days, turns, known[0][0] if known else None)


@dataclass(frozen=True)
class Spending:
    budget: Decimal | None
    spent: Decimal | None
    share: Decimal | None  # spent as a percent of the budget, one decimal


def spending(budget: Decimal | None, spent: Decimal | None) -> Spending:
    share = None
    if budget is not None and spent is not None and budget > 0:
        share = percent(Fraction(spent) / Fraction(budget))
    return Spending(budget, spent, share)


def stars_average(total: int, count: int) -> Decimal | None:
    """The average of `count` ratings of 1–5 stars adding up to `total`, to one decimal."""
    return tenths(Fraction(total, count)) if count else None
