"""The tally rules of audit-format.md, as plain functions over ballots. Standard library only.

Shared by the server (closing a round) and the standalone verifier (recounting a bundle).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .terms import UNMARKED, Grade, ItemResult, Kind, Option, Outcome, TallyResult, options_for


@dataclass(frozen=True)
class RoundRules:
    round_id: str
    kind: str  # a Kind
    seats: int
    to_select: int | None
    max_yes_per_ballot: int | None
    items: Sequence[tuple[str, int]]  # (item id, number)


def yes_marks(choices: Mapping[str, str]) -> int:
    return sum(1 for c in choices.values() if c == Option.YES)


def is_valid(choices: Mapping[str, str], max_yes: int | None) -> bool:
    """A ballot with more "yes" marks than the limit counts for no item."""
    return max_yes is None or yes_marks(choices) <= max_yes


def grade(satisfied: int, basically: int, seats: int) -> Grade:
    if 2 * satisfied > seats:
        return Grade.SATISFIED
    if 2 * (satisfied + basically) > seats:
        return Grade.BASICALLY_SATISFIED
    return Grade.DISSATISFIED


def tally(rules: RoundRules, ballots: Iterable[Mapping[str, str]]) -> TallyResult:
    """The content of tally.json for these ballots under these rules."""
    options = options_for(rules.kind)
    ordered = sorted(rules.items, key=lambda item: item[1])
    counts: Counts = {item: {o: 0 for o in (*options, UNMARKED)} for item, _ in ordered}
    cast = valid = 0
    for choices in ballots:
        cast += 1
        if not is_valid(choices, rules.max_yes_per_ballot):
            continue
        valid += 1
        for item, _number in ordered:
            counts[item][choices.get(item, UNMARKED)] += 1
    if rules.kind == Kind.SELECTION:
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
) -> tuple[list[ItemResult], list[str], Outcome]:
    yes = {item: counts[item][Option.YES] for item, _ in ordered}
    passed = [item for item, _ in ordered if 2 * yes[item] > rules.seats]
    rank = {item: 1 + sum(1 for other in passed if yes[other] > yes[item]) for item in passed}
    selected: set[str] = set()
    ties: list[str] = []
    limit = rules.to_select
    if limit is None or len(passed) <= limit:
        selected = set(passed)
        short = limit is not None and len(passed) < limit
        outcome = Outcome.SHORTFALL if short else Outcome.FINAL
    else:
        by_yes = sorted(passed, key=lambda item: -yes[item])
        cut = yes[by_yes[limit - 1]]
        above = [item for item in passed if yes[item] > cut]
        at_cut = [item for item in passed if yes[item] == cut]
        selected = set(above)
        if len(above) + len(at_cut) <= limit:
            selected |= set(at_cut)
            outcome = Outcome.FINAL
        else:
            ties = at_cut  # already in number order
            outcome = Outcome.RUNOFF_REQUIRED
    results: list[ItemResult] = [
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
) -> tuple[list[ItemResult], list[str], Outcome]:
    results: list[ItemResult] = []
    for item, _ in ordered:
        c = counts[item]
        g = grade(c[Option.SATISFIED], c[Option.BASICALLY_SATISFIED], rules.seats)
        results.append(
            {
                "item": item,
                "counts": c,
                "passed": g != Grade.DISSATISFIED,
                "rank": None,
                "selected": False,
                "grade": g,
            }
        )
    return results, [], Outcome.FINAL


def places_left(rules: RoundRules, result: TallyResult) -> int:
    """How many places a runoff or a further round must fill after this result."""
    if rules.to_select is None:
        return 0
    return rules.to_select - sum(1 for row in result["results"] if row["selected"])
