"""The rating rules: one rating per person per period, replacement, the average shown, hidden
comments keeping their stars, the low-rating task, and the rate limit."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tracking.rules.ratings import (
    Rated,
    RateLimit,
    Summary,
    is_low,
    low_rating_task_due,
    period_of,
    replaced,
    shown_comments,
    summary,
    summary_of_totals,
)


def rated(rater: str, stars: int, comment: str = "", hidden: bool = False) -> Rated:
    return Rated(rater, stars, comment, hidden)


def fold(submissions: list[tuple[str, int]]) -> list[Rated]:
    current: list[Rated] = []
    for rater, stars in submissions:
        current, _earlier = replaced(current, rated(rater, stars))
    return current


def test_a_project_is_rated_in_the_period_of_its_year() -> None:
    assert period_of(2027) == "2027"
    assert period_of(2027) != period_of(2028)


def test_a_new_rating_from_the_same_person_replaces_the_old_one() -> None:
    current = [rated("a", 2, "太慢"), rated("b", 4)]
    after, earlier = replaced(current, rated("a", 5, "已修好"))
    assert earlier == rated("a", 2, "太慢")
    assert sorted((r.rater, r.stars, r.comment) for r in after) == [
        ("a", 5, "已修好"),
        ("b", 4, ""),
    ]


def test_a_first_rating_replaces_nothing() -> None:
    after, earlier = replaced([rated("b", 4)], rated("a", 3))
    assert earlier is None and len(after) == 2


def test_a_new_rating_is_not_hidden_even_if_the_old_comment_was() -> None:
    after, _earlier = replaced([rated("a", 1, "脏话", hidden=True)], rated("a", 2, "改进了"))
    assert after == [rated("a", 2, "改进了")]


def test_the_average_has_one_decimal_and_rounds_halves_up() -> None:
    assert summary([rated("a", 4), rated("b", 5)]) == Summary(Decimal("4.5"), 2)
    assert summary([rated("a", 5), rated("b", 4), rated("c", 4)]) == Summary(Decimal("4.3"), 3)
    assert summary_of_totals(17, 4) == Summary(Decimal("4.3"), 4)  # 4.25 → 4.3
    assert summary_of_totals(5, 3) == Summary(Decimal("1.7"), 3)


def test_no_ratings_have_no_average() -> None:
    assert summary([]) == Summary(None, 0)


def test_a_hidden_comment_keeps_its_stars_in_the_average() -> None:
    shown = [rated("a", 1, "骂人的话"), rated("b", 5, "很好")]
    hidden = [rated("a", 1, "骂人的话", hidden=True), rated("b", 5, "很好")]
    assert summary(hidden) == summary(shown) == Summary(Decimal("3.0"), 2)
    assert [r.comment for r in shown_comments(hidden)] == ["很好"]


def test_blank_comments_are_not_shown() -> None:
    assert shown_comments([rated("a", 3, "   "), rated("b", 3)]) == []


def test_a_low_average_with_enough_ratings_raises_a_task_once_per_period() -> None:
    low = Summary(Decimal("2.9"), 10)
    assert low_rating_task_due(low, raised_this_period=False, task_open=False)
    assert not low_rating_task_due(low, raised_this_period=True, task_open=False)
    assert not low_rating_task_due(low, raised_this_period=False, task_open=True)


def test_too_few_ratings_or_an_average_at_the_floor_raise_nothing() -> None:
    assert not is_low(Summary(Decimal("1.0"), 9))
    assert not is_low(Summary(Decimal("3.0"), 50))  # the shown figure is compared: 3.0 is not < 3
    assert is_low(Summary(Decimal("2.9"), 10))
    assert not is_low(Summary(None, 0), min_count=0)


def test_the_congress_sets_the_floor_and_the_count() -> None:
    shown = Summary(Decimal("3.4"), 5)
    assert not is_low(shown)
    assert is_low(shown, floor=Decimal("3.5"), min_count=5)


def test_the_rate_limit_admits_up_to_the_limit_in_a_window() -> None:
    limit = RateLimit(limit=3, window=600)
    assert [limit.admits(n) for n in (1, 2, 3, 4, 5)] == [True, True, True, False, False]
    assert limit.window_of(1199.9) == 1 and limit.window_of(1200) == 2
    assert limit.retry_after(1199.5) == 1
    assert limit.retry_after(600) == 600


submissions = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(1, 5)), max_size=40)


@given(submissions)
def test_each_person_counts_once_with_their_latest_stars(subs: list[tuple[str, int]]) -> None:
    current = fold(subs)
    latest = dict(subs)  # a later submission of the same rater overwrites the earlier one
    assert sorted(r.rater for r in current) == sorted(latest)
    assert {r.rater: r.stars for r in current} == latest
    shown = summary(current)
    assert shown.count == len(latest)
    if latest:
        assert shown.average is not None and Decimal(1) <= shown.average <= Decimal(5)
        exact = Decimal(sum(latest.values())) / len(latest)
        assert abs(shown.average - exact) <= Decimal("0.05")
    else:
        assert shown.average is None


@given(submissions, st.sets(st.sampled_from("abcdefgh")))
def test_hiding_comments_never_changes_the_average_or_the_count(
    subs: list[tuple[str, int]], hide: set[str]
) -> None:
    current = fold(subs)
    hidden = [Rated(r.rater, r.stars, r.comment, r.rater in hide) for r in current]
    assert summary(hidden) == summary(current)


@given(st.lists(st.floats(0, 5000, allow_nan=False), max_size=200), st.integers(1, 10))
def test_no_window_admits_more_than_the_limit(times: list[float], limit_n: int) -> None:
    limit = RateLimit(limit=limit_n, window=600)
    used: dict[int, int] = {}
    admitted: dict[int, int] = {}
    for now in sorted(times):
        window = limit.window_of(now)
        used[window] = used.get(window, 0) + 1
        if limit.admits(used[window]):
            admitted[window] = admitted.get(window, 0) + 1
        assert 1 <= limit.retry_after(now) <= 600
    assert all(n <= limit_n for n in admitted.values())


@given(
    st.integers(0, 200),
    st.integers(1, 40),
    st.decimals(min_value=1, max_value=5, places=1),
    st.integers(0, 20),
)
def test_a_task_is_due_only_below_the_floor_with_enough_ratings(
    stars: int, count: int, floor: Decimal, min_count: int
) -> None:
    shown = summary_of_totals(min(stars, 5 * count), count)
    due = low_rating_task_due(
        shown, floor=floor, min_count=min_count, raised_this_period=False, task_open=False
    )
    assert due == (shown.count >= min_count and shown.average is not None and shown.average < floor)
