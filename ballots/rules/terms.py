"""The audit format's words, defined once: round kinds, secrecy, options, outcomes, grades, results.

The models' choices, the tally, the verifier, the presenters and the templates all spell these
through the enums below, never as bare strings.
"""

from enum import StrEnum
from typing import TypedDict


class Kind(StrEnum):
    SELECTION = "selection"  # 票决
    EVALUATION = "evaluation"  # 满意度测评


class Secrecy(StrEnum):
    SECRET = "secret"  # 无记名投票
    NAMED = "named"  # 记名表决


class Option(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


UNMARKED = "unmarked"  # a count in tally.json, never a choice on a ballot


class Outcome(StrEnum):
    FINAL = "final"
    RUNOFF_REQUIRED = "runoff_required"
    SHORTFALL = "shortfall"


class Grade(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


OPTIONS: dict[Kind, tuple[Option, ...]] = {
    Kind.SELECTION: (Option.YES, Option.NO, Option.ABSTAIN),
    Kind.EVALUATION: (
        Option.SATISFIED,
        Option.BASICALLY_SATISFIED,
        Option.DISSATISFIED,
        Option.ABSTAIN,
    ),
}
# The count a result's bar shows: "for" in a vote, "satisfied" in an evaluation.
LEAD: dict[Kind, Option] = {Kind.SELECTION: Option.YES, Kind.EVALUATION: Option.SATISFIED}


def options_for(kind: str) -> tuple[Option, ...]:
    """The options of a round of this kind, in the order of the manifest."""
    return OPTIONS[Kind(kind)]


class ItemResult(TypedDict):
    """One entry of tally.json's `results`."""

    item: str
    counts: dict[str, int]  # every option of the round, then "unmarked"
    passed: bool
    rank: int | None
    selected: bool
    grade: str | None  # a Grade in evaluation rounds, else None


class TallyResult(TypedDict):
    """The content of tally.json."""

    round: str
    ballots_cast: int
    ballots_valid: int
    ballots_invalid: int
    results: list[ItemResult]
    ties: list[str]
    outcome: str  # an Outcome
