"""Exactly-once casting against the running ASGI server, with real concurrent clients.

On the PostgreSQL pass of CI these hit PostgreSQL through uvicorn; on the SQLite pass, SQLite.
"""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ballots.models import Ballot, Round, SealedBallot
from ballots.services.rounds import round_close
from tests.conftest import Cast
from tests.voting import make_round, make_session, open_with_cards

pytestmark = pytest.mark.django_db(transaction=True)


def post(
    base: str, round_code: str, code: str, choices: dict[str, str], key: str = ""
) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {code}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        f"{base}/api/v1/rounds/{round_code}/ballots",
        data=json.dumps({"choices": choices}).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _open_round(cast: Cast, seats: int) -> tuple[Round, list[str]]:
    round_ = make_round(make_session(cast.body, seats=seats), to_select=None)
    return round_, [card.code for card in open_with_cards(round_)]


def test_many_cards_cast_at_once_are_all_stored(asgi_server: str, cast: Cast) -> None:
    round_, codes = _open_round(cast, seats=48)
    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(lambda c: post(asgi_server, "R1", c, {"P1": "yes"}), codes))
    assert [status for status, _ in answers] == [201] * 48
    receipts = {body["receipt"] for _, body in answers}
    assert len(receipts) == 48
    round_close(round_=round_)
    assert set(Ballot.objects.filter(round=round_).values_list("receipt", flat=True)) == receipts


def test_one_card_retried_at_once_stores_one_ballot_and_answers_alike(
    asgi_server: str, cast: Cast
) -> None:
    round_, codes = _open_round(cast, seats=3)
    start = threading.Barrier(16)

    def retry(_n: int) -> tuple[int, dict[str, Any]]:
        start.wait()
        return post(asgi_server, "R1", codes[0], {"P1": "no"}, key="tablet-7-attempt")

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(retry, range(16)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 15 + [201]
    assert len({body["receipt"] for _, body in answers}) == 1
    assert SealedBallot.objects.filter(round=round_).count() == 1


def test_one_card_sending_different_ballots_at_once_stores_only_one(
    asgi_server: str, cast: Cast
) -> None:
    round_, codes = _open_round(cast, seats=3)
    start = threading.Barrier(12)

    def attempt(n: int) -> int:
        start.wait()
        choice = "yes" if n % 2 else "no"
        return post(asgi_server, "R1", codes[0], {"P2": choice}, key=f"k{n}")[0]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = sorted(pool.map(attempt, range(12)))
    assert statuses == [201] + [409] * 11
    assert SealedBallot.objects.filter(round=round_).count() == 1


def test_every_acknowledged_ballot_is_counted_when_a_close_races_the_casts(
    asgi_server: str, cast: Cast
) -> None:
    round_, codes = _open_round(cast, seats=60)
    halfway = threading.Event()
    acknowledged = []

    def vote(n_code: tuple[int, str]) -> int:
        n, code = n_code
        if n == 20:
            halfway.set()
        status, body = post(asgi_server, "R1", code, {"P1": "yes"})
        if status == 201:
            acknowledged.append(body["receipt"])
        return status

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = pool.map(vote, enumerate(codes))
        halfway.wait(timeout=30)
        round_close(round_=round_)
        statuses = list(futures)
    round_.refresh_from_db()
    assert set(statuses) <= {201, 409}
    assert round_.tally is not None
    assert round_.tally["ballots_cast"] == len(acknowledged) == statuses.count(201)
    assert set(Ballot.objects.filter(round=round_).values_list("receipt", flat=True)) == set(
        acknowledged
    )
