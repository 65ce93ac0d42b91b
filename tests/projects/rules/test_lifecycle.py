"""The candidate life cycle, as plain rules."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects.rules.lifecycle import (
    MOVES,
    Actor,
    MoveRefused,
    Stage,
    check_move,
    find_move,
    moves_from,
)


def test_a_station_may_submit_its_draft() -> None:
    move = check_move(
        Stage.DRAFT, Stage.SUBMITTED, Actor.STATION, reason="", criterion="", frozen=False
    )
    assert move.target == Stage.SUBMITTED


def test_a_station_may_not_screen_its_own_proposal() -> None:
    with pytest.raises(MoveRefused, match="not_your_move"):
        check_move(
            Stage.SUBMITTED, Stage.SCREENED, Actor.STATION, reason="", criterion="x", frozen=False
        )


def test_a_rejection_needs_both_a_reason_and_a_criterion() -> None:
    with pytest.raises(MoveRefused, match="reason_required"):
        check_move(
            Stage.SUBMITTED, Stage.REJECTED, Actor.CONGRESS, reason=" ", criterion="x", frozen=False
        )
    with pytest.raises(MoveRefused, match="criterion_required"):
        check_move(
            Stage.SUBMITTED, Stage.REJECTED, Actor.CONGRESS, reason="ok", criterion="", frozen=False
        )


def test_a_published_list_refuses_every_move() -> None:
    with pytest.raises(MoveRefused, match="list_published"):
        check_move(
            Stage.CANDIDATE, Stage.SCREENED, Actor.CONGRESS, reason="r", criterion="", frozen=True
        )


def test_a_rejected_or_merged_proposal_goes_nowhere() -> None:
    for actor in Actor:
        assert moves_from(Stage.REJECTED, actor) == []
        assert moves_from(Stage.MERGED, actor) == []


def test_only_the_draft_and_submit_steps_are_open_to_stations() -> None:
    station_moves = {(m.source, m.target) for m in MOVES if Actor.STATION in m.actors}
    assert station_moves == {(Stage.DRAFT, Stage.SUBMITTED)}


def test_every_stage_but_the_ends_can_be_left() -> None:
    ends = {Stage.REJECTED, Stage.MERGED, Stage.SELECTED}  # selected: tracking takes it on
    for stage in set(Stage) - ends:
        assert any(m.source == stage for m in MOVES), stage


@given(st.sampled_from(list(Stage)), st.sampled_from(list(Stage)), st.sampled_from(list(Actor)))
def test_check_move_allows_exactly_the_listed_moves(
    source: Stage, target: Stage, actor: Actor
) -> None:
    move = find_move(source, target)
    allowed = move is not None and actor in move.actors
    try:
        check_move(source, target, actor, reason="r", criterion="c", frozen=False)
    except MoveRefused:
        assert not allowed
    else:
        assert allowed
