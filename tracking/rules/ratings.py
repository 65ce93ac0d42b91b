"""Residents' star ratings (码上评): the period, one rating per person, the average shown, the
low-rating rule and the rate limit of public submissions. Standard library only.

- **Evaluation period.** A project of year Y is rated in the period "Y" (`period_of`): from its
  page's first day until its evaluation by the representatives at the next session, and after it,
  for as long as the page is there. The day does not matter under this rule, on purpose: a project
  knows its year, not the date of next year's session; a project carried into rectification (整改)
  is followed by its ledgers and its next grade, not by a fresh period of stars. One period per
  project keeps "one rating per person per period" and "the average of current ratings" simple.
- **One rating per person.** A person (a rater: a keyed hash of a device token or a phone number)
  has at most one rating per project and period; a new one replaces the old one (`replaced`).
- **The average.** The mean of the current ratings' stars, to one decimal, halves rounded up
  (4.25 → 4.3), with their count; a page or the API never shows only the latest rating. A hidden
  comment keeps its stars: hiding takes words off the page, never a person's vote.
- **Low rating.** A project whose shown average is below the congress's floor (default 3 stars)
  with at least its minimum count of ratings (default 10) gets a follow-up task for its
  supervision group, once per period, and never a second while one is open. The shown average is
  compared, so a page showing 3.0 is not "below 3".
- **Rate limit.** Each address may send so many ratings, reports and code requests per window
  (a fixed window: a counter per address and window). A request past the limit is refused whole.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

STARS = range(1, 6)  # 1..5
COMMENT_MAX = 500  # characters of a rating's comment
FLOOR = Decimal(3)  # the default low-rating floor (SupervisionPolicy.rating_floor)
MIN_COUNT = 10  # the default number of ratings before the floor applies


def period_of(year: int) -> str:
    """The evaluation period a project of `year` is rated in (see the module's rule)."""
    return str(year)


@dataclass(frozen=True)
class Rated:
    """A current rating as the rules see it."""

    rater: str
    stars: int
    comment: str = ""
    hidden: bool = False  # its comment hidden by staff; the stars still count


def replaced(current: Sequence[Rated], new: Rated) -> tuple[list[Rated], Rated | None]:
    """The ratings once `new` is stored, and the rater's earlier rating it replaced (if any).

    A new rating is new words too: a comment staff hid does not stay hidden over a new one."""
    earlier = next((r for r in current if r.rater == new.rater), None)
    kept = [r for r in current if r.rater != new.rater]
    return [*kept, replace(new, hidden=False)], earlier


@dataclass(frozen=True)
class Summary:
    average: Decimal | None  # one decimal; None without ratings
    count: int


def summary_of_totals(stars: int, count: int) -> Summary:
    """The average of `count` ratings whose stars add up to `stars`."""
    if count <= 0:
        return Summary(None, 0)
    average = (Decimal(stars) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Summary(average, count)


def summary(ratings: Iterable[Rated]) -> Summary:
    """Every current rating counts, those with a hidden comment too."""
    stars = [r.stars for r in ratings]
    return summary_of_totals(sum(stars), len(stars))


def shown_comments(ratings: Iterable[Rated]) -> list[Rated]:
    """The ratings whose words the public page shows: with a comment, not hidden."""
    return [r for r in ratings if r.comment.strip() and not r.hidden]


def is_low(shown: Summary, *, floor: Decimal = FLOOR, min_count: int = MIN_COUNT) -> bool:
    """Below the floor with enough ratings to mean it."""
    return shown.average is not None and shown.count >= min_count and shown.average < floor


def low_rating_task_due(
    shown: Summary,
    *,
    floor: Decimal = FLOOR,
    min_count: int = MIN_COUNT,
    raised_this_period: bool,
    task_open: bool,
) -> bool:
    """Whether storing a rating that leaves the project at `shown` raises its follow-up task."""
    return is_low(shown, floor=floor, min_count=min_count) and not (raised_this_period or task_open)


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` requests per address in each window of `window` seconds."""

    limit: int
    window: int  # seconds

    def window_of(self, now: float) -> int:
        """The number of the fixed window `now` (seconds since the epoch) falls in."""
        return int(now // self.window)

    def retry_after(self, now: float) -> int:
        """Whole seconds until the next window opens (at least 1)."""
        return max(1, math.ceil((self.window_of(now) + 1) * self.window - now))

    def admits(self, used: int) -> bool:
        """`used` counts the requests of this window so far, this one included."""
        return used <= self.limit
