"""Warning colours (三色督办) of tracking.md, computed on read for a day d. Standard library only.

The Django layer hands in what it may show (reviewed updates, recorded milestone dates, the plan and
the policy in force), asks for the colour on d and puts the structured reasons in words; the sweep
asks the same function, so a recorded change and a page never disagree.

Arithmetic is exact: every number is read as the decimal it is written as (a float as its shortest
repr, the way JSON and Excel wrote it) and the schedule curve is built from fractions, so a project
exactly Y points behind is yellow however the days divide. Rounding to one decimal happens only at
the API edge, with `round1`.

Readings of the contract this module had to choose, each also said where it applies:
- A curve with several points on one day (milestones sharing a date, a milestone on the start day,
  start == completion) takes on that day the value of its last point there: the share owed by the
  end of the day. So start == completion gives 0 before it and 100 on and after it.
- Facts outside the plan file's rules (a milestone planned outside start..completion, a completion
  before the start, as after an early `completed` update) are clamped into the window, so the curve
  stays defined, monotone and within 0..100.
- The latest update on or before d wins; of several on that same day, the last one handed in.
- A milestone's state under a progress policy uses the deadline policy's default window (15 days):
  that policy has no window of its own, and the API still shows which milestones fall due soon.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

WARN_DAYS = 15  # the deadline policy's default window N
YELLOW = 10.0  # the progress policy's default: yellow from Y points behind
RED = 30.0  # the progress policy's default: red beyond R points behind


class Status(StrEnum):
    IMPLEMENTING = "implementing"  # 实施中
    PAUSED = "paused"  # 暂停
    STOPPED = "stopped"  # 终止
    COMPLETED = "completed"  # 已完成
    RECTIFYING = "rectifying"  # 整改, after a dissatisfied evaluation
    CLOSED = "closed"  # 销号


# Only these are still being delivered, so only these can be late.
COLOURED: frozenset[Status] = frozenset({Status.IMPLEMENTING, Status.RECTIFYING})


class Colour(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


class MilestoneState(StrEnum):
    DONE = "done"  # done on or before d
    OVERDUE = "overdue"  # open, planned before d
    DUE = "due"  # open, planned in d..d+N
    UPCOMING = "upcoming"  # open, planned after d+N


class Code(StrEnum):
    """What a reason says; the Django layer words each one."""

    MILESTONE_OVERDUE = "milestone_overdue"  # milestone, days late
    COMPLETION_OVERDUE = "completion_overdue"  # days late
    MILESTONE_DUE = "milestone_due"  # milestone, days left (0: today)
    COMPLETION_DUE = "completion_due"  # days left (0: today)
    BEHIND_SCHEDULE = "behind_schedule"  # points behind the schedule progress
    ON_TRACK = "on_track"  # green; points behind (negative: ahead) under a progress policy


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    planned: date
    weight: Decimal | float  # > 0
    done: date | None  # the day it was done, as recorded; None while open


@dataclass(frozen=True)
class DeadlinePolicy:
    warn_days: int = WARN_DAYS


@dataclass(frozen=True)
class ProgressPolicy:
    yellow: Decimal | float = YELLOW
    red: Decimal | float = RED


Policy = DeadlinePolicy | ProgressPolicy


@dataclass(frozen=True)
class ProjectFacts:
    status: str  # a Status
    start: date  # planned
    completion: date  # planned (an early `completed` update moves it to its day)
    milestones: tuple[Milestone, ...]
    updates: tuple[tuple[date, Decimal | float], ...]  # reviewed (on, progress 0..100) pairs only
    urgent: bool  # 绿色通道: shown beside the colour, never changes it
    policy: Policy  # the project's, or its congress's when it has none


@dataclass(frozen=True)
class Reason:
    code: str  # a Code
    milestone: str | None  # the milestone's id, for the milestone codes
    days: int | None  # days late (overdue) or left (due)
    points: float | None  # expected − progress, for the progress codes


@dataclass(frozen=True)
class Assessment:
    colour: Colour | None  # None unless the status is implementing or rectifying
    reasons: tuple[Reason, ...]  # every one that applies; empty without a colour
    urgent: bool
    progress: float  # as known on d, unrounded
    expected: float  # 序时进度 on d, unrounded


def round1(x: Decimal | float) -> float:
    """One decimal for the API: halves round away from zero (ROUND_HALF_UP), never to even.

    A float is read as the decimal it prints as, so round1(0.25) == 0.3 and round1(2.675) == 2.7.
    """
    tenths = _decimal(x).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(tenths) + 0.0  # + 0.0: no "-0.0" in the API


def done_by(m: Milestone, d: date) -> bool:
    """Only what was known on d counts: a milestone done after d is still open on d."""
    return m.done is not None and m.done <= d


def warning_window(policy: Policy) -> int:
    """The N of "due: open and within d..d+N"; a progress policy has none, so the default (15)."""
    return policy.warn_days if isinstance(policy, DeadlinePolicy) else WARN_DAYS


def milestone_state(m: Milestone, d: date, warn_days: int = WARN_DAYS) -> MilestoneState:
    """The milestone's state on d for the projects API; the deadline colour is read from the same.

    Pass `warning_window(policy)` as warn_days: under a progress policy that is the default 15.
    """
    if done_by(m, d):
        return MilestoneState.DONE
    if m.planned < d:
        return MilestoneState.OVERDUE
    if m.planned <= d + timedelta(days=warn_days):
        return MilestoneState.DUE
    return MilestoneState.UPCOMING


def progress_on(facts: ProjectFacts, d: date) -> float:
    """The latest reviewed progress on or before d; of several that day the last; 0 if none."""
    return float(_progress(facts, d))


def expected_on(facts: ProjectFacts, d: date) -> float:
    """序时进度 on d: 0 before start, 100 on and after completion, piecewise linear in between."""
    return float(_expected(facts, d))


def colour_on(facts: ProjectFacts, d: date) -> Assessment:
    """The colour on d, every reason for it, and the two numbers the API shows beside it."""
    progress = _progress(facts, d)
    expected = _expected(facts, d)
    colour: Colour | None = None
    reasons: tuple[Reason, ...] = ()
    if Status(facts.status) in COLOURED:
        if isinstance(facts.policy, DeadlinePolicy):
            colour, reasons = _by_deadline(facts, d, facts.policy.warn_days)
        else:
            colour, reasons = _by_progress(expected - progress, facts.policy)
    return Assessment(colour, reasons, facts.urgent, float(progress), float(expected))


def _by_deadline(facts: ProjectFacts, d: date, warn_days: int) -> tuple[Colour, tuple[Reason, ...]]:
    overdue: list[Reason] = []
    due: list[Reason] = []
    for m in sorted(facts.milestones, key=lambda m: m.planned):  # stable: ties in plan order
        state = milestone_state(m, d, warn_days)
        if state == MilestoneState.OVERDUE:
            overdue.append(Reason(Code.MILESTONE_OVERDUE, m.id, (d - m.planned).days, None))
        elif state == MilestoneState.DUE:
            due.append(Reason(Code.MILESTONE_DUE, m.id, (m.planned - d).days, None))
    # The completion counts whether or not every milestone is done: the work is not finished.
    if facts.completion < d:
        overdue.append(Reason(Code.COMPLETION_OVERDUE, None, (d - facts.completion).days, None))
    elif facts.completion <= d + timedelta(days=warn_days):
        due.append(Reason(Code.COMPLETION_DUE, None, (facts.completion - d).days, None))
    if overdue:
        return Colour.RED, (*overdue, *due)  # the due ones too: every reason that applies
    if due:
        return Colour.YELLOW, tuple(due)
    return Colour.GREEN, (Reason(Code.ON_TRACK, None, None, None),)


def _by_progress(behind: Fraction, policy: ProgressPolicy) -> tuple[Colour, tuple[Reason, ...]]:
    if behind > _exact(policy.red):
        colour = Colour.RED
    elif behind >= _exact(policy.yellow):
        colour = Colour.YELLOW
    else:
        return Colour.GREEN, (Reason(Code.ON_TRACK, None, None, float(behind)),)
    return colour, (Reason(Code.BEHIND_SCHEDULE, None, None, float(behind)),)


def _progress(facts: ProjectFacts, d: date) -> Fraction:
    known = [(on, i) for i, (on, _) in enumerate(facts.updates) if on <= d]
    if not known:
        return Fraction(0)
    _, latest = max(known)  # the latest day; of several that day, the last handed in
    return _exact(facts.updates[latest][1])


def _expected(facts: ProjectFacts, d: date) -> Fraction:
    end = max(facts.start, facts.completion)  # a completion before the start: both on the start
    if d < facts.start:
        return Fraction(0)
    if d >= end:
        return Fraction(100)
    points = _curve(facts.start, end, facts.milestones)
    days = [day for day, _ in points]
    # The last point on or before d and the first after it; on a day with several, the last.
    after = bisect_right(days, d)
    (x0, y0), (x1, y1) = points[after - 1], points[after]
    return y0 + (y1 - y0) * (d - x0).days / (x1 - x0).days


def _curve(start: date, end: date, milestones: Iterable[Milestone]) -> list[tuple[date, Fraction]]:
    """The points (start, 0), (planned, cumulative weight share) by date, (completion, 100)."""
    weight_on: dict[date, Fraction] = {}
    for m in milestones:
        day = min(max(m.planned, start), end)  # outside the window: counted at its edge
        weight_on[day] = weight_on.get(day, Fraction(0)) + _exact(m.weight)
    total = sum(weight_on.values(), Fraction(0))
    points = [(start, Fraction(0))]
    if total > 0:  # no milestones (or none weighing anything): linear from start to completion
        so_far = Fraction(0)
        for day in sorted(weight_on):  # one point per day, carrying every milestone of that day
            so_far += weight_on[day]
            points.append((day, 100 * so_far / total))
    points.append((end, Fraction(100)))
    return points


def _decimal(x: Decimal | float) -> Decimal:
    # A float as the decimal it prints as: 0.1 is one tenth, not 0.1000000000000000055…
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _exact(x: Decimal | float) -> Fraction:
    return Fraction(_decimal(x))
