"""Undoing a mistaken check-in (报到): allowed until any round of the session has cards issued."""

import pytest

from ballots.services.cards import credential_revoke, credentials_issue
from ballots.services.sessions import voter_check_in_undo, voters_check_in
from projects.errors import Refused
from projects.models import ActionEntry
from tests.conftest import Cast
from tests.voting import make_round, make_session


def test_it_marks_the_voter_absent_and_logs_it(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    voters_check_in(session=session, codes=["V001", "V002"])
    voter = voter_check_in_undo(session=session, code="V001", actor=cast.congress)
    assert not voter.present
    assert list(session.voters.filter(present=True).values_list("code", flat=True)) == ["V002"]
    assert ActionEntry.objects.filter(action="check_in_undone", subject="S1").count() == 1


@pytest.mark.parametrize(("code", "refusal"), [("V003", "not_checked_in"), ("X9", "not_on_roster")])
def test_it_refuses_a_voter_not_checked_in_or_not_on_the_roster(
    cast: Cast, code: str, refusal: str
) -> None:
    session = make_session(cast.body, seats=3)
    voters_check_in(session=session, codes=["V001"])
    with pytest.raises(Refused) as raised:
        voter_check_in_undo(session=session, code=code)
    assert raised.value.code == refusal


def test_it_refuses_once_a_round_of_the_session_has_cards(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    voters_check_in(session=session, codes=None)
    make_round(session, code="R1")
    credentials_issue(round_=make_round(session, code="R2"))
    with pytest.raises(Refused) as raised:
        voter_check_in_undo(session=session, code="V001")
    assert raised.value.code == "cards_issued"
    assert session.voters.filter(present=True).count() == 3
    assert not ActionEntry.objects.filter(action="check_in_undone").exists()


def test_revoked_cards_do_not_count(cast: Cast) -> None:
    session = make_session(cast.body, seats=1)
    voters_check_in(session=session, codes=None)
    round_ = make_round(session)
    credentials_issue(round_=round_)
    credential_revoke(round_=round_, serial=1)
    assert not voter_check_in_undo(session=session, code="V001").present
