"""The tally rules of audit-format.md, as plain functions over ballots. Standard library only.

Shared by the server (closing a round) and the standalone verifier (recounting a bundle).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballots.records import options_for


@dataclass(frozen=True)
class RoundRules:
    round_id: str
    kind: str  # "selection" | "evaluation"
    seats: int
    to_select: int | None
    max_yes_per_ballot: int | None
    items: Sequence[tuple[str, int]]  # (item id, number)


def is_valid(choices: Mapping[str, str], max_yes: int | None) -> bool:
    """A ballot with more "yes" marks than the limit counts for no item."""
    return max_yes is None or sum(1 for c in choices.values() if c == "yes") <= max_yes


def grade(satisfied: int, basically: int, seats: int) -> str:
    if 2 * satisfied > seats:
        return "satisfied"
    if 2 * (satisfied + basically) > seats:
        return "basically_satisfied"
    return "dissatisfied"


def tally(rules: RoundRules, ballots: Iterable[Mapping[str, str]]) -> dict[str, Any]:
    """The content of tally.json for these ballots under these rules."""
    options = options_for(rules.kind)
    ordered = sorted(rules.items, key=lambda item: item[1])
    counts = {item: {o: 0 for o in (*options, "unmarked")} for item, _ in ordered}
    cast = valid = 0
    for choices in ballots:
        cast += 1
        if not is_valid(choices, rules.max_yes_per_ballot):
            continue
        valid += 1
        for item, _number in ordered:
            counts[item][choices.get(item, "unmarked")] += 1
    if rules.kind == "selection":
        results, ties, outcome = _select(rules, ordered, counts)
    else:
        results, ties, outcome = _evaluate(rules, ordered, counts)
    return {
        "round": rules.round_id,
        "ballots_cast": cast,
        "ballots_valid": valid,
        "ballots_invalid": cast - valid,
        "results": results,
        "ties": ties,
        "outcome": outcome,
    }


Counts = dict[str, dict[str, int]]


def _select(
    rules: RoundRules, ordered: Sequence[tuple[str, int]], counts: Counts
) -> tuple[list[dict[str, Any]], list[str], str]:
    yes = {item: counts[item]["yes"] for item, _ in ordered}
    passed = [item for item, _ in ordered if 2 * yes[item] > rules.seats]
    rank = {item: 1 + sum(1 for other in passed if yes[other] > yes[item]) for item in passed}
    selected: set[str] = set()
    ties: list[str] = []
    limit = rules.to_select
    if limit is None or len(passed) <= limit:
        selected = set(passed)
        outcome = "shortfall" if limit is not None and len(passed) < limit else "final"
    else:
        by_yes = sorted(passed, key=lambda item: -yes[item])
        cut = yes[by_yes[limit - 1]]
        above = [item for item in passed if yes[item] > cut]
        at_cut = [item for item in passed if yes[item] == cut]
        selected = set(above)
        if len(above) + len(at_cut) <= limit:
            selected |= set(at_cut)
            outcome = "final"
        else:
            ties = at_cut  # already in number order
            outcome = "runoff_required"
    results = [
        {
            "item": item,
            "counts": counts[item],
            "passed": item in rank,
            "rank": rank.get(item),
            "selected": item in selected,
            "grade": None,
        }
        for item, _ in ordered
    ]
    return results, ties, outcome


def _evaluate(
    rules: RoundRules, ordered: Sequence[tuple[str, int]], counts: Counts
) -> tuple[list[dict[str, Any]], list[str], str]:
    results: list[dict[str, Any]] = []
    for item, _ in ordered:
        c = counts[item]
        g = grade(c["satisfied"], c["basically_satisfied"], rules.seats)
        results.append(
            {
                "item": item,
                "counts": c,
                "passed": g != "dissatisfied",
                "rank": None,
                "selected": False,
                "grade": g,
            }
        )
    return results, [], "final"


def places_left(rules: RoundRules, result: Mapping[str, Any]) -> int:
    """How many places a runoff or a further round must fill after this result."""
    if rules.to_select is None:
        return 0
    rows = result["results"]
    assert isinstance(rows, list)
    return rules.to_select - sum(1 for row in rows if row["selected"])
