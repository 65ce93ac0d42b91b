"""The live ranking (动态排序) of a year's tracked projects. Standard library only.

The Django layer hands in each top-level project's figures as the public sees them (progress and
schedule progress to one decimal, the colour, the planned completion) and gets them back in the
order asked for. Ranking the shown figures means that two rows showing the same numbers are a tie,
settled the same way every time:

- `schedule` (the default): points ahead of the schedule progress (progress − expected), most ahead
  first; ties by progress, highest first, then by code.
- `progress`: progress, highest first; ties as `schedule`.
- `colour`: red, yellow, green, then no colour (paused, stopped, completed…); within a colour the
  most behind schedule first; ties by progress, highest first, then by code.
- `completion`: planned completion, soonest first, a project with none last; ties as `schedule`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Order(StrEnum):
    SCHEDULE = "schedule"
    PROGRESS = "progress"
    COLOUR = "colour"
    COMPLETION = "completion"


# Red first: the colour order reads as "who needs attention".
COLOUR_RANK = {"red": 0, "yellow": 1, "green": 2, None: 3}


@dataclass(frozen=True)
class Entry:
    code: str  # unique: the last tie-break
    progress: float  # 0..100, as shown (one decimal)
    expected: float  # 序时进度, as shown (one decimal)
    colour: str | None  # "red" | "yellow" | "green", or None for a status without one
    completion: date | None  # planned

    @property
    def ahead(self) -> Decimal:
        """Points ahead of the schedule progress (negative: behind), exact for shown figures."""
        return _decimal(self.progress) - _decimal(self.expected)


def _decimal(x: float) -> Decimal:
    return Decimal(repr(float(x)))  # the decimal the figure prints as, so 40.0 − 33.3 is 6.7


def _ties(e: Entry) -> tuple[Decimal, float, str]:
    return (-e.ahead, -e.progress, e.code)


def _key(order: Order) -> Callable[[Entry], tuple[Any, ...]]:
    if order == Order.PROGRESS:
        return lambda e: (-e.progress, *_ties(e))
    if order == Order.COLOUR:
        return lambda e: (COLOUR_RANK.get(e.colour, 3), e.ahead, -e.progress, e.code)
    if order == Order.COMPLETION:
        return lambda e: (e.completion is None, e.completion or date.max, *_ties(e))
    return _ties


def ranked(entries: Iterable[Entry], order: Order = Order.SCHEDULE) -> list[Entry]:
    """The entries in the order asked for; position n (from 1) is the rank shown."""
    return sorted(entries, key=_key(order))


def position(entries: Iterable[Entry], code: str) -> tuple[int, int] | None:
    """(rank by schedule, how many ranked), or None if the code is not among them."""
    order = ranked(entries)
    for n, entry in enumerate(order, start=1):
        if entry.code == code:
            return n, len(order)
    return None
