"""Helpers to set up a session and vote through the real API."""

import datetime
import json
from typing import Any

from django.test import Client

from ballots.models import Round, Session
from ballots.services.cards import Card, credentials_issue
from ballots.services.casting import ballot_cast
from ballots.services.rounds import round_create, round_open
from ballots.services.sessions import session_create, voters_check_in
from projects.models import Body
from tests.asgi_client import AsgiClient


def make_session(body: Body, seats: int = 10, code: str = "S1") -> Session:
    return session_create(
        body=body,
        code=code,
        title="青山镇第十八届人民代表大会第三次会议",
        date=datetime.date(2027, 1, 15),
        voters=[(f"V{n:03d}", f"代表{n}") for n in range(1, seats + 1)],
    )


def make_round(
    session: Session,
    code: str = "R1",
    items: int = 4,
    to_select: int | None = 2,
    max_yes: int | None = None,
    secrecy: str = "secret",
    kind: str = "selection",
) -> Round:
    return round_create(
        session=session,
        code=code,
        kind=kind,
        secrecy=secrecy,
        to_select=to_select,
        max_yes=max_yes,
        items=[(f"P{n}", n, f"项目{n}", None) for n in range(1, items + 1)],
    )


def open_with_cards(round_: Round) -> list[Card]:
    voters_check_in(session=round_.session, codes=None)
    cards = credentials_issue(round_=round_)
    round_open(round_=round_)
    return cards


def post_ballot(
    client: Client | AsgiClient,
    round_code: str,
    code: str,
    choices: Any,
    key: str | None = None,
    **extra: Any,
) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {code}", **extra}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    body = choices if isinstance(choices, str) else json.dumps({"choices": choices})
    return client.post(
        f"/api/v1/rounds/{round_code}/ballots", body, content_type="application/json", **headers
    )


def cast_ballot(round_code: str, code: str, choices: Any, key: str | None = None) -> str:
    """A ballot through the cast service itself, on this thread: for tests about what follows a
    vote (boards, bundles, logs), which need no HTTP and so no committed transaction."""
    return ballot_cast(round_code=round_code, code=code, choices=choices, key=key).receipt
