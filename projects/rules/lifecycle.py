"""The candidate life cycle as plain rules: which moves exist, who may make them, what they need.

Framework-free so that the rules can be read, tested and cited on their own.
"""

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    DRAFT = "draft"  # 草稿: a station is still writing it
    SUBMITTED = "submitted"  # 已提交: waiting for congress staff to screen it
    SCREENED = "screened"  # 初审通过
    CANDIDATE = "candidate"  # 候选: on the year's candidate list
    REJECTED = "rejected"  # 未通过初审
    MERGED = "merged"  # 已合并 into another candidate, its sources carried over
    RESERVE = "reserve"  # 储备库: kept for a later year (also where the vote leaves the others)
    SELECTED = "selected"  # 入选: chosen by the representatives' vote; only the vote moves it here


class Actor(StrEnum):
    STATION = "station"  # staff of the station that filed it
    CONGRESS = "congress"  # congress staff of the body


@dataclass(frozen=True)
class Move:
    source: Stage
    target: Stage
    actors: frozenset[Actor]
    needs_reason: bool = False
    needs_criterion: bool = False


_BOTH = frozenset({Actor.STATION, Actor.CONGRESS})
_CONGRESS = frozenset({Actor.CONGRESS})

MOVES: tuple[Move, ...] = (
    Move(Stage.DRAFT, Stage.SUBMITTED, _BOTH),
    Move(Stage.SUBMITTED, Stage.DRAFT, _CONGRESS, needs_reason=True),  # returned to the station
    Move(Stage.SUBMITTED, Stage.SCREENED, _CONGRESS, needs_criterion=True),
    Move(Stage.SUBMITTED, Stage.REJECTED, _CONGRESS, needs_reason=True, needs_criterion=True),
    Move(Stage.SUBMITTED, Stage.RESERVE, _CONGRESS, needs_reason=True),
    Move(Stage.SCREENED, Stage.CANDIDATE, _CONGRESS),
    Move(Stage.SCREENED, Stage.REJECTED, _CONGRESS, needs_reason=True, needs_criterion=True),
    Move(Stage.SCREENED, Stage.RESERVE, _CONGRESS, needs_reason=True),
    Move(Stage.CANDIDATE, Stage.SCREENED, _CONGRESS, needs_reason=True),  # taken off the list
    Move(Stage.CANDIDATE, Stage.RESERVE, _CONGRESS, needs_reason=True),
    Move(
        Stage.RESERVE, Stage.SUBMITTED, _CONGRESS, needs_reason=True
    ),  # brought back in a new year
)

# Merging is its own action (it names the candidate kept); these are the stages it may start from.
MERGEABLE: frozenset[Stage] = frozenset({Stage.SUBMITTED, Stage.SCREENED, Stage.CANDIDATE})
# Only drafts may be edited, and only by their station or congress staff.
EDITABLE: frozenset[Stage] = frozenset({Stage.DRAFT})


class MoveRefused(Exception):
    """The move is not allowed; the message says why, in words a user can act on."""


def find_move(source: Stage, target: Stage) -> Move | None:
    return next((m for m in MOVES if m.source == source and m.target == target), None)


def moves_from(source: Stage, actor: Actor) -> list[Move]:
    return [m for m in MOVES if m.source == source and actor in m.actors]


def check_move(
    source: Stage, target: Stage, actor: Actor, *, reason: str, criterion: str, frozen: bool
) -> Move:
    """Return the move if allowed, else raise MoveRefused with the rule that refused it."""
    if frozen:
        raise MoveRefused("list_published")
    move = find_move(source, target)
    if move is None:
        raise MoveRefused("no_such_move")
    if actor not in move.actors:
        raise MoveRefused("not_your_move")
    if move.needs_reason and not reason.strip():
        raise MoveRefused("reason_required")
    if move.needs_criterion and not criterion:
        raise MoveRefused("criterion_required")
    return move
