"""The voting API of interfaces.md: every status and error code, and that errors store nothing."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ballots.models import Ballot, Round, SealedBallot, Voter
from ballots.services.cards import credentials_issue
from ballots.services.rounds import round_close, round_open
from ballots.services.sessions import voters_check_in
from tests.asgi_client import AsgiClient
from tests.conftest import Cast
from tests.voting import make_round, make_session, open_with_cards, post_ballot

# Casts run in a worker thread with its own connection, as under the ASGI server: real commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["django", "asgi"])
def api(request: pytest.FixtureRequest) -> Any:
    """Every behaviour through Django's full stack (the test client) and through the ASGI
    application the server runs, whose busy endpoints skip that stack (config/lean_api.py)."""
    return Client() if request.param == "django" else AsgiClient()


@pytest.fixture
def round_(cast: Cast) -> Round:
    return make_round(make_session(cast.body), max_yes=2)


@pytest.fixture
def card(round_: Round) -> str:
    return open_with_cards(round_)[0].code


def _error(response: object) -> tuple[int, str]:
    return response.status_code, response.json()["error"]  # type: ignore[attr-defined]


def test_a_ballot_is_stored_and_its_receipt_returned(api: Any, round_: Round, card: str) -> None:
    response = post_ballot(api, "R1", card, {"P1": "yes", "P2": "no"})
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    assert SealedBallot.objects.count() == 1 and Ballot.objects.count() == 0  # sealed until close
    round_close(round_=round_)
    ballot = Ballot.objects.get()
    assert ballot.receipt == receipt == ballot.id[:16]
    assert ballot.choices == {"P1": "yes", "P2": "no"} and ballot.voter_code == ""


def test_a_retry_with_the_same_key_and_choices_gets_the_first_answer(
    api: Any, round_: Round, card: str
) -> None:
    first = post_ballot(api, "R1", card, {"P1": "yes"}, key="k-1")
    again = post_ballot(api, "R1", card, {"P1": "yes"}, key="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert SealedBallot.objects.count() == 1


def test_a_second_different_ballot_from_the_same_card_is_refused(
    api: Any, round_: Round, card: str
) -> None:
    refused = (409, "already_voted")
    post_ballot(api, "R1", card, {"P1": "yes"}, key="k-1")
    assert _error(post_ballot(api, "R1", card, {"P1": "no"}, key="k-1")) == refused
    assert _error(post_ballot(api, "R1", card, {"P1": "yes"}, key="k-2")) == refused
    assert _error(post_ballot(api, "R1", card, {"P1": "yes"})) == refused
    assert SealedBallot.objects.count() == 1


@pytest.mark.parametrize(
    "choices",
    [{"NOPE": "yes"}, {"P1": "maybe"}, {"P1": 1}, ["P1"], '{"choices": ', "not json", '{"x": 1}'],
)
def test_a_malformed_ballot_is_refused_and_nothing_is_used(
    api: Any, round_: Round, card: str, choices: object
) -> None:
    assert _error(post_ballot(api, "R1", card, choices)) == (400, "invalid_ballot")
    assert SealedBallot.objects.count() == Ballot.objects.count() == 0
    still_good = post_ballot(api, "R1", card, {"P1": "yes"})
    assert still_good.status_code == 201


def test_more_yes_marks_than_allowed_is_refused_not_stored(
    api: Any, round_: Round, card: str
) -> None:
    response = post_ballot(api, "R1", card, {"P1": "yes", "P2": "yes", "P3": "yes"})
    assert _error(response) == (400, "too_many_yes")
    assert "2" in response.json()["detail"]
    assert SealedBallot.objects.count() == Ballot.objects.count() == 0


def test_an_unknown_card_is_refused(api: Any, round_: Round, card: str) -> None:
    assert _error(post_ballot(api, "R1", "AAAAA-BBBBB-CCCCC", {})) == (401, "bad_credential")
    response = api.post(
        "/api/v1/rounds/R1/ballots", '{"choices": {}}', content_type="application/json"
    )
    assert _error(response) == (401, "bad_credential")


def test_a_card_of_another_round_is_refused(api: Any, cast: Cast, round_: Round, card: str) -> None:
    other = make_round(round_.session, code="R2")
    assert _error(post_ballot(api, "R2", card, {})) == (401, "bad_credential")
    assert other.ballots.count() == 0


def test_nothing_is_accepted_before_opening_or_after_closing(
    api: Any, cast: Cast, round_: Round
) -> None:
    voters_check_in(session=round_.session, codes=None)
    early = credentials_issue(round_=round_)[0].code
    assert _error(post_ballot(api, "R1", early, {"P1": "yes"})) == (409, "round_not_open")
    round_close(round_=round_open(round_=round_))
    with pytest.raises(ValidationError):
        credentials_issue(round_=round_)  # no card may be issued after closing either
    assert _error(post_ballot(api, "R1", early, {"P1": "yes"})) == (409, "round_not_open")
    assert SealedBallot.objects.count() == Ballot.objects.count() == 0


def test_a_named_card_of_a_voter_not_checked_in_is_refused(api: Any, cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3), secrecy="named", to_select=None)
    voters_check_in(session=round_.session, codes=["V001", "V002", "V003"])
    cards = credentials_issue(round_=round_)
    Voter.objects.filter(code="V003").update(present=False)  # the roster was corrected afterwards
    round_open(round_=round_)
    v3 = next(c for c in cards if c.voter_code == "V003")
    assert _error(post_ballot(api, "R1", v3.code, {"P1": "yes"})) == (403, "not_present")
    v1 = next(c for c in cards if c.voter_code == "V001")
    assert post_ballot(api, "R1", v1.code, {"P1": "yes"}).status_code == 201
    round_close(round_=round_)
    assert Ballot.objects.get().voter_code == "V001"


def test_the_round_status_is_public_and_cheap(api: Any, round_: Round, card: str) -> None:
    post_ballot(api, "R1", card, {"P1": "yes"})
    assert api.get("/api/v1/rounds/R1").json() == {
        "id": "R1",
        "status": "open",
        "seats": 10,
        "present": 10,
        "ballots_cast": 1,
    }
    assert _error(api.get("/api/v1/rounds/NOPE")) == (404, "unknown_round")


def test_the_tally_is_served_once_closed(api: Any, round_: Round, card: str) -> None:
    assert _error(api.get("/api/v1/rounds/R1/tally")) == (409, "round_not_closed")
    post_ballot(api, "R1", card, {"P1": "yes", "P2": "no"})
    round_close(round_=round_)
    tally = api.get("/api/v1/rounds/R1/tally").json()
    assert tally["round"] == "R1" and tally["ballots_cast"] == 1
    assert tally["results"][0]["counts"] == {"yes": 1, "no": 0, "abstain": 0, "unmarked": 0}
    assert tally["outcome"] == "shortfall"  # 1 yes of 10 seats passes nothing


def test_errors_speak_the_requests_language(api: Any, round_: Round, card: str) -> None:
    zh = post_ballot(api, "R1", card, {"P1": "maybe"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    en = post_ballot(api, "R1", card, {"P1": "maybe"}, HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["detail"] == "“maybe” is not an option of this round."
    assert zh.json()["detail"] != en.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"choices": {"P1": "yes", "P1": "no"}}', "P1"),  # which one? refused, not guessed
        ('{"choices": {"P1": "no"}, "choices": {"P1": "yes"}}', "choices"),
        ('{"choices": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested"),
        ('{"choices": {"P1": ' + "[" * 900 + "]" * 900 + "}}", "nested"),
        ('{"choices": {"P1": ' + "9" * 5_000 + "}}", "number"),
        ('{"choices": {"P1": NaN}}', "number"),
        ('{"choices": {"P1": "yes"}, "pad": "' + "x" * 300_000 + '"}', "large"),
        ('{"choices": {"P1": "yes"}}\x00', "JSON"),
    ],
    ids=["repeated-item", "repeated-choices", "nested", "nested-900", "long", "nan", "big", "nul"],
)
def test_ambiguous_or_pathological_json_is_an_invalid_ballot(
    api: Any, round_: Round, card: str, body: str, words: str
) -> None:
    response = post_ballot(api, "R1", card, body, HTTP_ACCEPT_LANGUAGE="en")
    if isinstance(api, AsgiClient) and len(body) > 256 * 1024:
        # Under the server the body limit answers first, before a byte of the body is read.
        assert _error(response) == (413, "request_too_large")
        words = "large"
    else:
        assert _error(response) == (400, "invalid_ballot")
    assert words in response.json()["detail"]
    assert SealedBallot.objects.count() == 0
    assert post_ballot(api, "R1", card, {"P1": "yes"}).status_code == 201


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/rounds/R1%0A", "unknown_round"),
        ("/api/v1/rounds/R1%0A/tally", "unknown_round"),
        ("/api/v1/rounds/R1%0A/credential", "unknown_round"),
        ("/api/v1/rounds/%00/audit.zip", "unknown_round"),
        ("/api/v1/rounds/%00", "unknown_round"),  # PostgreSQL refuses NUL in a query: no 500
        ("/api/v1/rounds/%ED%A0%80", "unknown_round"),  # a lone surrogate, percent-encoded
        ("/api/v1/receipts/%00", "unknown_receipt"),
        ("/api/v1/receipts/abc%0A", "unknown_receipt"),
    ],
)
def test_a_malformed_code_in_the_url_is_unknown_not_a_crash(
    api: Any, round_: Round, url: str, code: str
) -> None:
    response = api.get(url)
    assert (response.status_code, response.json()["error"]) == (404, code)


def test_a_body_over_the_upload_limit_is_an_invalid_ballot_in_json(
    api: Any, round_: Round, card: str, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_ballot(api, "R1", card, '{"choices": {}, "pad": "' + "x" * 2000 + '"}')
    assert _error(response) == (400, "invalid_ballot")


def test_a_malformed_round_code_in_a_cast_is_unknown(api: Any, round_: Round, card: str) -> None:
    response = post_ballot(api, "%00", card, {"P1": "yes"})
    assert _error(response) == (404, "unknown_round")
