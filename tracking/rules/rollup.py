"""A parent project's progress rolled up from its sub-items (子项) by their shares. Stdlib only.

Each part's progress on a day is its latest reviewed figure on or before that day (0 before its
first); the parent's is the share-weighted mean. The result is a series of (day, progress) points,
one for each day any part moved, so the colour rules read it exactly like a project's own updates
and "only what was known on d counts" holds for parents too.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Series = tuple[tuple[date, Decimal | float], ...]


@dataclass(frozen=True)
class Part:
    share: Decimal | float  # > 0: the sub-item's weight in its parent
    updates: Series  # reviewed (on, progress) pairs in the order they were reviewed


def _latest(updates: Series, day: date) -> Decimal:
    """The last figure on or before the day; of several on one day, the last handed in."""
    value = Decimal(0)
    for on, progress in updates:
        if on <= day:
            value = Decimal(str(progress))
    return value


def rolled_up(parts: Sequence[Part]) -> Series:
    """The parent's series; empty when it has no parts or no part has moved."""
    total = sum((Decimal(str(p.share)) for p in parts), Decimal(0))
    if total <= 0:
        return ()
    days = sorted({on for part in parts for on, _ in part.updates})
    return tuple(
        (
            day,
            sum((Decimal(str(p.share)) * _latest(p.updates, day) for p in parts), Decimal(0))
            / total,
        )
        for day in days
    )
