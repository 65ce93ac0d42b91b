"""The live ranking's four orders and how each settles ties, on the figures the public sees."""

from datetime import date
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from tracking.rules.ranking import Entry, Order, position, ranked


def entry(
    code: str,
    progress: float,
    expected: float,
    colour: str | None = "green",
    completion: date | None = date(2027, 12, 31),
) -> Entry:
    return Entry(code, progress, expected, colour, completion)


def codes(entries: list[Entry]) -> list[str]:
    return [e.code for e in entries]


def test_schedule_puts_the_most_ahead_first_and_the_most_behind_last() -> None:
    rows = [entry("A", 20, 40), entry("B", 60, 50), entry("C", 30, 30), entry("D", 90, 70)]
    assert codes(ranked(rows, Order.SCHEDULE)) == ["D", "B", "C", "A"]


def test_schedule_is_the_default_order() -> None:
    rows = [entry("A", 20, 40), entry("B", 60, 50)]
    assert ranked(rows) == ranked(rows, Order.SCHEDULE)


def test_schedule_ties_go_to_the_higher_progress_then_to_the_code() -> None:
    rows = [
        entry("Z", 50, 40),  # +10
        entry("B", 30, 20),  # +10, less done
        entry("A", 50, 40),  # +10, same progress as Z: the code decides
    ]
    assert codes(ranked(rows, Order.SCHEDULE)) == ["A", "Z", "B"]


def test_points_ahead_are_exact_for_one_decimal_figures() -> None:
    # 40.0 − 33.3 and 16.7 − 10.0 are both 6.7 points; in floats they differ in the last place.
    rows = [entry("B", 40.0, 33.3), entry("A", 16.7, 10.0)]
    assert ranked(rows)[0].ahead == ranked(rows)[1].ahead
    assert codes(ranked(rows)) == ["B", "A"]  # a tie, settled by progress


def test_progress_puts_the_highest_first() -> None:
    rows = [entry("A", 20, 0), entry("B", 80, 90), entry("C", 50, 10)]
    assert codes(ranked(rows, Order.PROGRESS)) == ["B", "C", "A"]


def test_progress_ties_go_to_the_one_more_ahead_then_to_the_code() -> None:
    rows = [entry("C", 50, 60), entry("B", 50, 40), entry("A", 50, 60)]
    assert codes(ranked(rows, Order.PROGRESS)) == ["B", "A", "C"]


def test_colour_puts_red_then_yellow_then_green_then_none() -> None:
    rows = [
        entry("G", 10, 10, "green"),
        entry("N", 100, 100, None),
        entry("R", 90, 50, "red"),  # ahead of schedule yet red (an overdue milestone)
        entry("Y", 10, 20, "yellow"),
    ]
    assert codes(ranked(rows, Order.COLOUR)) == ["R", "Y", "G", "N"]


def test_colour_puts_the_most_behind_first_within_a_colour() -> None:
    rows = [entry("R1", 40, 50, "red"), entry("R2", 10, 60, "red"), entry("R3", 50, 50, "red")]
    assert codes(ranked(rows, Order.COLOUR)) == ["R2", "R1", "R3"]


def test_colour_ties_go_to_the_higher_progress_then_to_the_code() -> None:
    rows = [
        entry("C", 40, 50, "yellow"),
        entry("B", 20, 30, "yellow"),
        entry("A", 40, 50, "yellow"),
    ]
    assert codes(ranked(rows, Order.COLOUR)) == ["A", "C", "B"]


def test_completion_puts_the_soonest_first_and_none_last() -> None:
    rows = [
        entry("LATE", 0, 0, completion=date(2027, 12, 1)),
        entry("NONE", 0, 0, completion=None),
        entry("SOON", 0, 0, completion=date(2027, 3, 1)),
    ]
    assert codes(ranked(rows, Order.COMPLETION)) == ["SOON", "LATE", "NONE"]


def test_completion_ties_go_to_the_one_more_ahead_then_to_progress_then_to_the_code() -> None:
    same = date(2027, 6, 30)
    rows = [
        entry("D", 10, 10, completion=same),
        entry("C", 20, 10, completion=same),
        entry("B", 10, 0, completion=same),
        entry("A", 20, 10, completion=same),
    ]
    assert codes(ranked(rows, Order.COMPLETION)) == ["A", "C", "B", "D"]


def test_position_is_the_rank_by_schedule_and_the_count() -> None:
    rows = [entry("A", 20, 40), entry("B", 60, 50), entry("C", 30, 30)]
    assert position(rows, "C") == (2, 3)
    assert position(rows, "B") == (1, 3)
    assert position(rows, "X") is None


figures = st.decimals(min_value=0, max_value=100, places=1).map(float)
entries = st.lists(
    st.builds(
        Entry,
        code=st.text("ABCDEFGH", min_size=1, max_size=3),
        progress=figures,
        expected=figures,
        colour=st.sampled_from(["red", "yellow", "green", None]),
        completion=st.one_of(st.none(), st.dates(date(2027, 1, 1), date(2027, 12, 31))),
    ),
    max_size=12,
    unique_by=lambda e: e.code,
)


@given(entries, st.sampled_from(list(Order)))
def test_every_order_is_a_total_order_that_ignores_the_input_order(
    rows: list[Entry], order: Order
) -> None:
    once = ranked(rows, order)
    assert sorted(codes(once)) == sorted(codes(rows))
    assert ranked(list(reversed(rows)), order) == once


@given(entries)
def test_schedule_ranks_never_put_a_project_further_behind_above_one_more_ahead(
    rows: list[Entry],
) -> None:
    once = ranked(rows)
    assert all(a.ahead >= b.ahead for a, b in pairwise(once))
