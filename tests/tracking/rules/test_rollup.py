"""A parent's progress from its sub-items by share: what the parent's page and colour show."""

from datetime import date
from decimal import Decimal

from tracking.rules.rollup import Part, rolled_up

MAY = date(2026, 5, 1)
JUNE = date(2026, 6, 1)


def test_a_parent_without_parts_or_progress_has_no_series() -> None:
    assert rolled_up([]) == ()
    assert rolled_up([Part(1, ()), Part(2, ())]) == ()


def test_the_parents_progress_is_the_share_weighted_mean_on_each_day_a_part_moved() -> None:
    water = Part(Decimal(3), ((MAY, Decimal(40)), (JUNE, Decimal(80))))
    lights = Part(Decimal(1), ((JUNE, Decimal(20)),))
    assert rolled_up([water, lights]) == ((MAY, Decimal(30)), (JUNE, Decimal(65)))


def test_a_part_counts_zero_before_its_first_update() -> None:
    early = Part(1, ((MAY, 50),))
    late = Part(1, ((JUNE, 50),))
    assert rolled_up([early, late]) == ((MAY, Decimal(25)), (JUNE, Decimal(50)))


def test_of_two_figures_on_one_day_the_last_reviewed_counts() -> None:
    part = Part(1, ((MAY, 70), (MAY, 60)))
    assert rolled_up([part]) == ((MAY, Decimal(60)),)


def test_equal_parts_at_full_progress_make_the_parent_complete() -> None:
    parts = [Part(1, ((MAY, 100),)) for _ in range(3)]
    assert rolled_up(parts)[-1][1] == Decimal(100)
