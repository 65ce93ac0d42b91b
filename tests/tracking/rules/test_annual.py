"""The year's report in figures: the satisfaction rate over valid ballots (abstentions and unmarked
items counted as valid), pooling, each unit's five-year trend and ranking, completion against plan,
days in each colour, spending and the stars' average."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tracking.rules.annual import (
    Counts,
    Graded,
    Timeliness,
    colour_history,
    completion_against_plan,
    percent,
    pooled,
    rank_units,
    rate_axis,
    spending,
    stars_average,
    trend_years,
    unit_trends,
)


def counts(s: int, b: int = 0, d: int = 0, a: int = 0, u: int = 0) -> Counts:
    return Counts(s, b, d, a, u)


def test_the_rate_is_satisfied_and_basically_satisfied_over_every_valid_ballot() -> None:
    item = Counts.of(
        {"satisfied": 30, "basically_satisfied": 12, "dissatisfied": 5, "abstain": 2, "unmarked": 1}
    )
    assert item.valid == 50  # abstain and unmarked are valid ballots, so they count below the line
    assert item.rate == Fraction(42, 50) and item.percent == Decimal("84.0")


def test_an_abstention_lowers_the_rate_as_a_dissatisfied_vote_does() -> None:
    assert counts(8, 0, 0, a=2).percent == counts(8, 0, 2).percent == Decimal("80.0")


def test_an_item_without_a_valid_ballot_has_no_rate_not_a_rate_of_zero() -> None:
    assert Counts().rate is None and Counts().percent is None
    assert counts(0, d=3).percent == Decimal("0.0")


def test_the_percent_rounds_halves_away_from_zero() -> None:
    assert percent(Fraction(2, 3)) == Decimal("66.7")
    assert percent(Fraction(1, 8)) == Decimal("12.5")
    assert percent(Fraction(1, 16)) == Decimal("6.3")  # 6.25
    assert counts(1, 0, 2).share(1) == Decimal("33.3")


def test_items_pool_their_ballots_rather_than_averaging_their_rates() -> None:
    small, large = counts(1, d=1), counts(90, d=10)  # 50% of 2 ballots, 90% of 100
    assert pooled([small, large]).percent == Decimal("89.2")  # 91 / 102, not (50 + 90) / 2
    assert pooled([]) == Counts()


@given(st.lists(st.tuples(*(st.integers(0, 60) for _ in range(5))), max_size=8))
def test_a_pooled_rate_lies_between_its_items_rates(
    rows: list[tuple[int, int, int, int, int]],
) -> None:
    items = [Counts(*row) for row in rows]
    total = pooled(items)
    assert total.valid == sum(i.valid for i in items)
    rates = [i.rate for i in items if i.rate is not None]
    if rates:
        assert total.rate is not None and min(rates) <= total.rate <= max(rates)
    else:
        assert total.rate is None


def test_the_trend_covers_five_years_from_the_first_with_an_evaluation() -> None:
    assert trend_years(2027, [2021, 2023, 2026]) == [2023, 2024, 2025, 2026, 2027]
    assert trend_years(2027, [2021, 2024]) == [2024, 2025, 2026, 2027]
    assert trend_years(2027, [2026]) == [2026, 2027]
    assert trend_years(2027, []) == [2027]
    assert trend_years(2027, [2019]) == [2027]  # older than five years: not on the curve


def test_each_units_trend_pools_its_items_per_year_and_leaves_gaps() -> None:
    items = [
        Graded(2025, "镇水务站", counts(6, 2, 2)),
        Graded(2026, "镇水务站", counts(9, 1)),
        Graded(2026, "镇水务站", counts(5, 0, 5)),
        Graded(2026, " 镇教办 ", counts(10)),
        Graded(2024, "镇教办", counts(1)),  # outside the years asked
        Graded(2026, "", counts(1)),  # no unit: not on any curve
    ]
    trends = unit_trends(items, [2025, 2026])
    assert [t.unit for t in trends] == ["镇教办", "镇水务站"]
    water = trends[1]
    assert [(y, c.percent if c else None) for y, c in water.points] == [
        (2025, Decimal("80.0")),
        (2026, Decimal("75.0")),  # 15 of 20
    ]
    assert trends[0].at(2025) is None  # a gap, not 0%


def test_units_rank_by_the_latest_rate_shown_and_ties_share_a_place() -> None:
    items = [
        Graded(2026, "甲", counts(9, d=1)),  # 90.0
        Graded(2026, "乙", counts(2, d=1)),  # 66.7
        Graded(2026, "丙", counts(20, d=10)),  # 66.7: same as shown, a tie
        Graded(2026, "丁", counts(1, d=9)),  # 10.0
        Graded(2025, "戊", counts(1)),  # none in 2026: listed last, unranked
        Graded(2025, "甲", counts(8, d=2)),  # 80.0 a year earlier
    ]
    ranking = rank_units(unit_trends(items, [2025, 2026]), 2026)
    assert [(r.rank, r.trend.unit) for r in ranking] == [
        (1, "甲"),
        (2, "丙"),
        (2, "乙"),
        (4, "丁"),
        (None, "戊"),
    ]
    assert ranking[0].change == Decimal("10.0") and ranking[1].change is None


def test_completion_against_plan_counts_days_early_late_or_overdue() -> None:
    plan = date(2026, 10, 31)
    today = date(2027, 1, 20)
    assert completion_against_plan(plan, date(2026, 10, 1), today).timeliness == Timeliness.EARLY
    assert completion_against_plan(plan, date(2026, 10, 1), today).days == 30
    assert completion_against_plan(plan, plan, today).timeliness == Timeliness.ON_TIME
    late = completion_against_plan(plan, date(2026, 11, 10), today)
    assert (late.timeliness, late.days) == (Timeliness.LATE, 10)
    overdue = completion_against_plan(plan, None, today)
    assert (overdue.timeliness, overdue.days) == (Timeliness.OVERDUE, 81)
    still = completion_against_plan(plan, None, date(2026, 10, 21))
    assert (still.timeliness, still.days) == (Timeliness.OPEN, 10)
    assert completion_against_plan(None, None, today).timeliness == Timeliness.NO_PLAN


def test_a_completion_recorded_after_the_day_is_not_known_on_it() -> None:
    later = completion_against_plan(date(2026, 10, 31), date(2026, 12, 1), date(2026, 11, 5))
    assert (later.timeliness, later.days) == (Timeliness.OVERDUE, 5)


def test_a_stopped_project_is_stopped_not_overdue() -> None:
    stopped = completion_against_plan(date(2026, 6, 30), None, date(2027, 1, 1), stopped=True)
    assert stopped.timeliness == Timeliness.STOPPED and stopped.days == 0


def test_a_project_completed_without_a_recorded_day_is_completed_not_overdue() -> None:
    undated = completion_against_plan(date(2026, 6, 30), None, date(2027, 1, 1), finished=True)
    assert undated.timeliness == Timeliness.UNDATED


def test_the_rate_axis_starts_a_round_step_below_the_lowest_rate() -> None:
    assert rate_axis([Decimal("84.0"), Decimal("96.5")]) == (70, 100, 10)
    assert rate_axis([Decimal("40.0"), Decimal("90.0")]) == (20, 100, 20)
    assert rate_axis([Decimal("100.0")]) == (80, 100, 10)
    assert rate_axis([Decimal("3.0")]) == (0, 100, 20)
    assert rate_axis([]) == (0, 100, 20)


def test_days_in_each_colour_run_from_each_change_to_the_next() -> None:
    changes = [
        (date(2026, 3, 1), "green"),
        (date(2026, 5, 1), "yellow"),  # 61 days green
        (date(2026, 5, 16), "red"),  # 15 days yellow
        (date(2026, 6, 15), "green"),  # 30 days red
        (date(2026, 11, 1), ""),  # completed: no colour from here
        (date(2027, 3, 1), "red"),  # after the day asked: not known
    ]
    history = colour_history(changes, date(2026, 12, 31))
    assert history.days == {"red": 30, "yellow": 15, "green": 61 + 139}
    assert history.turns == {"red": 1, "yellow": 1, "green": 2}
    assert history.first == date(2026, 3, 1) and history.recorded


def test_the_last_colour_lasts_until_the_day_asked() -> None:
    history = colour_history([(date(2026, 12, 1), "red")], date(2026, 12, 31))
    assert history.days["red"] == 30
    assert not colour_history([], date(2026, 12, 31)).recorded


def test_spending_is_a_share_of_the_budget_when_both_are_known() -> None:
    assert spending(Decimal("320"), Decimal("288")).share == Decimal("90.0")
    assert spending(None, Decimal("10")).share is None
    assert spending(Decimal("0"), Decimal("10")).share is None
    assert spending(Decimal("100"), None).share is None


def test_the_stars_average_to_one_decimal() -> None:
    assert stars_average(13, 3) == Decimal("4.3")
    assert stars_average(9, 2) == Decimal("4.5")
    assert stars_average(0, 0) is None
