"""The tally rules of audit-format.md, by named case and against a brute-force recount."""

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.rules.tally import RoundRules, tally

ITEMS = [("a", 1), ("b", 2), ("c", 3), ("d", 4)]


def rules(
    seats: int = 10, to_select: int | None = 2, max_yes: int | None = None, kind: str = "selection"
) -> RoundRules:
    return RoundRules("R1", kind, seats, to_select, max_yes, ITEMS)


def votes(**yes_counts: int) -> list[dict[str, str]]:
    """Ballots where item X gets yes_counts[X] yes votes, the rest of each ballot voting no."""
    total = max(yes_counts.values())
    return [
        {item: "yes" if n < yes_counts.get(item, 0) else "no" for item, _ in ITEMS}
        for n in range(total)
    ]


def row(result: Mapping[str, Any], item: str) -> dict[str, Any]:
    rows = result["results"]
    assert isinstance(rows, list)
    return next(r for r in rows if r["item"] == item)


def test_passing_needs_more_than_half_of_all_seats_not_of_voters() -> None:
    result = tally(rules(seats=10, to_select=None), votes(a=6, b=5))
    assert row(result, "a")["passed"] is True
    assert row(result, "b")["passed"] is False  # 5 of 10 seats is not more than half
    assert row(result, "b")["rank"] is None


def test_passed_items_rank_by_yes_with_shared_ranks() -> None:
    result = tally(rules(to_select=None), votes(a=9, b=7, c=9, d=6))
    assert [row(result, i)["rank"] for i in "abcd"] == [1, 3, 1, 4]


def test_the_top_items_fill_the_places_and_the_outcome_is_final() -> None:
    result = tally(rules(to_select=2), votes(a=9, b=7, c=8, d=6))
    assert [row(result, i)["selected"] for i in "abcd"] == [True, False, True, False]
    assert result["outcome"] == "final" and result["ties"] == []


def test_a_tie_across_the_cut_requires_a_runoff_among_the_tied_only() -> None:
    result = tally(rules(to_select=2), votes(a=9, b=7, c=7, d=7))
    assert result["outcome"] == "runoff_required"
    assert result["ties"] == ["b", "c", "d"]
    assert [row(result, i)["selected"] for i in "abcd"] == [True, False, False, False]


def test_a_tie_that_fits_the_places_left_is_selected_whole() -> None:
    result = tally(rules(to_select=3), votes(a=9, b=7, c=7, d=6))
    assert result["outcome"] == "final"
    assert [row(result, i)["selected"] for i in "abcd"] == [True, True, True, False]


def test_fewer_passing_than_places_is_a_shortfall() -> None:
    result = tally(rules(to_select=3), votes(a=9, b=7, c=3, d=2))
    assert result["outcome"] == "shortfall"
    assert [row(result, i)["selected"] for i in "abcd"] == [True, True, False, False]


def test_a_ballot_over_the_yes_limit_counts_for_no_item() -> None:
    ballots = [{"a": "yes", "b": "yes", "c": "yes"}, {"a": "yes", "b": "no"}]
    result = tally(rules(seats=3, to_select=2, max_yes=2), ballots)
    assert (result["ballots_cast"], result["ballots_valid"], result["ballots_invalid"]) == (2, 1, 1)
    assert row(result, "a")["counts"] == {"yes": 1, "no": 0, "abstain": 0, "unmarked": 0}
    assert row(result, "c")["counts"] == {"yes": 0, "no": 0, "abstain": 0, "unmarked": 1}


def test_left_out_items_count_as_unmarked() -> None:
    result = tally(rules(seats=3), [{"a": "abstain"}])
    assert row(result, "a")["counts"]["abstain"] == 1
    assert row(result, "b")["counts"]["unmarked"] == 1


def test_evaluation_grades_against_all_seats() -> None:
    ballots = (
        [{"a": "satisfied", "b": "basically_satisfied", "c": "dissatisfied"}] * 6
        + [{"a": "dissatisfied", "b": "satisfied", "c": "basically_satisfied"}] * 2
        + [{"a": "abstain"}] * 2
    )
    result = tally(rules(seats=10, to_select=None, kind="evaluation"), ballots)
    assert [row(result, i)["grade"] for i in "abc"] == [
        "satisfied",  # 6 of 10
        "basically_satisfied",  # 2 + 6 = 8 of 10
        "dissatisfied",  # 2 of 10
    ]
    assert [row(result, i)["passed"] for i in "abc"] == [True, True, False]
    assert row(result, "a")["counts"] == {
        "satisfied": 6,
        "basically_satisfied": 0,
        "dissatisfied": 2,
        "abstain": 2,
        "unmarked": 0,
    }
    assert result["outcome"] == "final" and result["ties"] == []
    assert all(row(result, i)["rank"] is None and not row(result, i)["selected"] for i in "abc")


def test_results_follow_the_item_numbers_not_the_given_order() -> None:
    shuffled = RoundRules("R1", "selection", 3, None, None, [("z", 2), ("y", 1)])
    result = tally(shuffled, [])
    assert [r["item"] for r in result["results"]] == ["y", "z"]


def brute_force(
    seats: int, to_select: int | None, max_yes: int | None, ballots: list[dict[str, str]]
) -> tuple[dict[str, int], set[str], list[str], str]:
    """The same rules, written differently: whole yes-levels taken greedily from the top."""
    valid = [b for b in ballots if max_yes is None or list(b.values()).count("yes") <= max_yes]
    yes = {item: sum(b.get(item) == "yes" for b in valid) for item, _ in ITEMS}
    passed = {item for item in yes if yes[item] * 2 > seats}
    if to_select is None or len(passed) <= to_select:
        short = to_select is not None and len(passed) < to_select
        return yes, passed, [], "shortfall" if short else "final"
    taken: set[str] = set()
    for level in sorted({yes[i] for i in passed}, reverse=True):
        if len(taken) == to_select:
            break  # every place is filled by whole levels
        group = {i for i in passed if yes[i] == level}
        if len(taken) + len(group) > to_select:
            return yes, taken, sorted(group), "runoff_required"
        taken |= group
    return yes, taken, [], "final"


choice = st.sampled_from(["yes", "no", "abstain", None])
ballot = st.fixed_dictionaries({i: choice for i, _ in ITEMS}).map(
    lambda b: {k: v for k, v in b.items() if v is not None}
)


@settings(max_examples=300, deadline=None)
@given(
    seats=st.integers(1, 12),
    to_select=st.none() | st.integers(1, 4),
    max_yes=st.none() | st.integers(1, 4),
    ballots=st.lists(ballot, max_size=12),
)
def test_the_tally_agrees_with_a_brute_force_recount(
    seats: int, to_select: int | None, max_yes: int | None, ballots: list[dict[str, str]]
) -> None:
    result = tally(rules(seats, to_select, max_yes), ballots)
    yes, selected, ties, outcome = brute_force(seats, to_select, max_yes, ballots)
    assert {r["item"]: r["counts"]["yes"] for r in result["results"]} == yes
    assert {r["item"] for r in result["results"] if r["selected"]} == selected
    assert result["ties"] == ties
    assert result["outcome"] == outcome
    counts = [sum(r["counts"].values()) for r in result["results"]]
    assert counts == [result["ballots_valid"]] * len(ITEMS)
