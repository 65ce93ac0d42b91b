"""Irreversible staff actions ask first: a GET shows the figures, a POST acts only when confirmed,
and closing with ballots missing needs a second, deliberate step."""

from typing import Any

import pytest
from django.urls import reverse

from ballots.models import Credential, Round, RoundStatus, Voter
from ballots.services.cards import credentials_issue
from ballots.services.rounds import round_close, round_open
from ballots.services.sessions import voters_check_in
from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_round, make_session, open_with_cards

CHOICES = {"P1": "yes", "P2": "yes", "P3": "no", "P4": "abstain"}


def _close_url(round_: Round) -> str:
    return reverse(
        "round_act",
        kwargs={"body": round_.session.body.slug, "code": round_.code, "action": "close"},
    )


def _open_round(cast: Cast, seats: int = 5, voted: int = 2) -> Round:
    round_ = make_round(make_session(cast.body, seats=seats))
    cards = open_with_cards(round_)
    for card in cards[:voted]:
        cast_ballot(round_.code, card.code, CHOICES)
    return round_


def _status(round_: Round) -> str:
    return Round.objects.get(pk=round_.pk).status


def test_the_close_page_shows_cast_present_and_seats_and_who_has_not_voted(cast: Cast) -> None:
    round_ = _open_round(cast, seats=5, voted=2)
    Voter.objects.filter(code="V005").update(present=False)
    page = client_for(cast.congress, "en").get(_close_url(round_)).content.decode()
    assert "Ballots cast (已投)" in page and "<strong>2</strong>" in page
    assert "Present (实到)" in page and "<strong>4</strong>" in page
    assert "Seats (应到)" in page and "<strong>5</strong>" in page
    assert "2 present representatives have not voted yet" in page
    assert 'name="acknowledge"' in page and 'value="2"' in page
    assert _status(round_) == RoundStatus.OPEN


def test_closing_without_the_confirmation_does_nothing(cast: Cast) -> None:
    round_ = _open_round(cast, seats=3, voted=3)
    response = client_for(cast.congress, "en").post(_close_url(round_), {})
    assert response.status_code == 302 and response["Location"] == _close_url(round_)
    assert _status(round_) == RoundStatus.OPEN


@pytest.mark.parametrize("acknowledged", [None, "", "1", "x"])
def test_closing_with_ballots_missing_needs_their_number_acknowledged(
    cast: Cast, acknowledged: str | None
) -> None:
    round_ = _open_round(cast, seats=5, voted=3)
    data: dict[str, Any] = {"confirm": "yes"}
    if acknowledged is not None:
        data["acknowledge"] = acknowledged
    response = client_for(cast.congress, "en").post(_close_url(round_), data, follow=True)
    assert _status(round_) == RoundStatus.OPEN
    assert "2 present representatives have not voted yet" in response.content.decode()


def test_closing_with_ballots_missing_and_acknowledged_closes(cast: Cast) -> None:
    round_ = _open_round(cast, seats=5, voted=3)
    client_for(cast.congress, "en").post(_close_url(round_), {"confirm": "yes", "acknowledge": "2"})
    assert _status(round_) == RoundStatus.CLOSED


def test_closing_when_everyone_present_has_voted_needs_only_the_confirmation(cast: Cast) -> None:
    round_ = _open_round(cast, seats=3, voted=3)
    page = client_for(cast.congress, "en").get(_close_url(round_)).content.decode()
    assert "Every present representative has voted." in page
    assert 'name="acknowledge"' not in page
    client_for(cast.congress, "en").post(_close_url(round_), {"confirm": "yes"})
    assert _status(round_) == RoundStatus.CLOSED


def test_the_close_page_refuses_other_staff(cast: Cast) -> None:
    round_ = _open_round(cast)
    assert client_for(cast.auditor).get(_close_url(round_)).status_code == 403


# Issuing cards


def _cards_url(round_: Round) -> str:
    return reverse("round_cards", kwargs={"body": round_.session.body.slug, "code": round_.code})


def test_the_cards_page_says_how_many_cards_for_which_round(cast: Cast) -> None:
    session = make_session(cast.body, seats=6)
    voters_check_in(session=session, codes=["V001", "V002", "V003", "V004"])
    round_ = make_round(session, code="R-CARDS")
    page = client_for(cast.congress, "en").get(_cards_url(round_)).content.decode()
    assert "Issue 4 voting cards for round R-CARDS?" in page
    assert Credential.objects.count() == 0


def test_issuing_cards_without_the_confirmation_issues_none(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    voters_check_in(session=session, codes=None)
    round_ = make_round(session)
    response = client_for(cast.congress, "en").post(_cards_url(round_), {})
    assert response.status_code == 302 and response["Location"] == _cards_url(round_)
    assert Credential.objects.count() == 0
    confirmed = client_for(cast.congress, "en").post(_cards_url(round_), {"confirm": "yes"})
    assert confirmed["Content-Type"] == "application/pdf"
    assert Credential.objects.count() == 3


# Checking everyone in


def _all_url(cast: Cast) -> str:
    return reverse("session_checkin_all", kwargs={"body": cast.body.slug, "code": "S1"})


def test_the_check_in_all_page_says_how_many_will_be_marked_present(cast: Cast) -> None:
    session = make_session(cast.body, seats=5)
    voters_check_in(session=session, codes=["V001"])
    page = client_for(cast.congress, "en").get(_all_url(cast)).content.decode()
    assert "4 representatives will be marked present (实到)." in page
    assert session.voters.filter(present=True).count() == 1


@pytest.mark.parametrize("old_form", [False, True])
def test_checking_everyone_in_without_the_confirmation_checks_in_nobody(
    cast: Cast, old_form: bool
) -> None:
    session = make_session(cast.body, seats=5)
    url = _all_url(cast)
    if old_form:  # the single check-in's address with all=1, as the page used to send
        url = reverse("session_checkin", kwargs={"body": cast.body.slug, "code": session.code})
    response = client_for(cast.congress, "en").post(url, {"all": "1"})
    assert response.status_code == 302 and response["Location"] == _all_url(cast)
    assert session.voters.filter(present=True).count() == 0
    client_for(cast.congress, "en").post(_all_url(cast), {"confirm": "yes"})
    assert session.voters.filter(present=True).count() == 5


# Undoing a check-in


def _undo(cast: Cast, voter: str, htmx: bool = False) -> Any:
    url = reverse("session_checkin_undo", kwargs={"body": cast.body.slug, "code": "S1"})
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client_for(cast.congress, "en").post(url, {"voter": voter}, **headers)


def test_a_mistaken_check_in_is_undone_from_its_row_and_logged(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    voters_check_in(session=session, codes=["V001", "V002"])
    page = client_for(cast.congress, "en").get(
        reverse("session_detail", kwargs={"body": cast.body.slug, "code": "S1"})
    )
    assert "Undo check-in" in page.content.decode()
    response = _undo(cast, "V002", htmx=True)
    assert response.status_code == 200
    assert 'id="voter-V002"' in response.content.decode()
    assert "Check in" in response.content.decode()
    assert list(session.voters.filter(present=True).values_list("code", flat=True)) == ["V001"]
    entry = ActionEntry.objects.filter(action="check_in_undone").get()
    assert (entry.actor, entry.subject, entry.detail) == ("congress", "S1", {"voters": ["V002"]})


def test_a_check_in_cannot_be_undone_once_cards_are_issued(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    voters_check_in(session=session, codes=None)
    credentials_issue(round_=make_round(session))
    page = client_for(cast.congress, "en").get(
        reverse("session_detail", kwargs={"body": cast.body.slug, "code": "S1"})
    )
    assert "Undo check-in" not in page.content.decode()
    response = _undo(cast, "V002")
    assert response.status_code == 302
    assert session.voters.filter(present=True).count() == 3
    assert not ActionEntry.objects.filter(action="check_in_undone").exists()


# The presidium's notice (公告)


def _publish_url(round_: Round) -> str:
    return reverse(
        "round_act",
        kwargs={"body": round_.session.body.slug, "code": round_.code, "action": "publish"},
    )


def test_the_notice_is_issued_only_when_confirmed_and_shown_with_its_time(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    voters_check_in(session=round_.session, codes=None)
    round_close(round_=round_open(round_=round_))
    client = client_for(cast.congress, "en")
    assert (
        "Issue the presidium’s notice (公告)" in client.get(_publish_url(round_)).content.decode()
    )
    client.post(_publish_url(round_), {})
    assert Round.objects.get(pk=round_.pk).results_published_at is None
    client.post(_publish_url(round_), {"confirm": "yes"})
    assert Round.objects.get(pk=round_.pk).results_published_at is not None
    detail = client.get(
        reverse("round_detail", kwargs={"body": cast.body.slug, "code": round_.code})
    ).content.decode()
    assert "Announced (已公告)" in detail
