"""The voting API's busy endpoints under the ASGI server skip Django's middleware stack
(config/lean_api.py): the same answers, headers and languages; whatever it is not sure of goes
to Django's full stack unchanged."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_started
from django.test import Client

from ballots.models import Round
from tests.asgi_client import AsgiClient
from tests.conftest import Cast
from tests.voting import make_round, make_session, open_with_cards, post_ballot

pytestmark = pytest.mark.django_db(transaction=True)
PARITY_IGNORED = {"content-length"}  # the bodies differ in what the round has counted


@pytest.fixture
def round_(cast: Cast) -> Round:
    round_ = make_round(make_session(cast.body))
    open_with_cards(round_)
    return round_


@pytest.fixture
def through_django() -> Iterator[list[str]]:
    """The paths Django's own request handling saw (it announces each request; the lean stack
    does not)."""
    seen: list[str] = []

    def note(sender: Any, scope: dict[str, Any] | None = None, **kwargs: Any) -> None:
        seen.append(scope["path"] if scope else "?")

    request_started.connect(note)
    yield seen
    request_started.disconnect(note)


def _headers(response: Any) -> dict[str, str]:
    return {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower() not in PARITY_IGNORED
    }


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_an_api_answer_carries_the_same_headers_through_either_stack(
    round_: Round, language: str
) -> None:
    full = Client(HTTP_HOST="127.0.0.1").get("/api/v1/rounds/R1", HTTP_ACCEPT_LANGUAGE=language)
    lean = AsgiClient().get("/api/v1/rounds/R1", HTTP_ACCEPT_LANGUAGE=language)
    assert (lean.status_code, lean.json()) == (full.status_code, full.json())
    assert _headers(lean) == _headers(full)
    assert lean.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in lean.headers["content-security-policy"]


def test_casts_and_the_status_skip_djangos_stack_and_the_rest_goes_through_it(
    round_: Round, through_django: list[str]
) -> None:
    card = open_with_cards(make_round(round_.session, code="R2"))[0].code
    assert post_ballot(AsgiClient(), "R2", card, {"P1": "yes"}).status_code == 201
    assert AsgiClient().get("/api/v1/rounds/R2").json()["ballots_cast"] == 1
    assert through_django == []
    assert AsgiClient().get("/api/v1/rounds/R2/tally").json()["error"] == "round_not_closed"
    assert through_django == ["/api/v1/rounds/R2/tally"]


def test_a_method_the_endpoint_does_not_take_is_djangos_405(round_: Round) -> None:
    response = AsgiClient().get("/api/v1/rounds/R1/ballots")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_a_host_not_allowed_is_refused_as_django_refuses_it(round_: Round) -> None:
    response = AsgiClient().get("/api/v1/rounds/R1", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_the_language_cookie_wins_over_accept_language(round_: Round) -> None:
    response = post_ballot(
        AsgiClient(),
        "R1",
        "AAAAA-BBBBB-CCCCC",
        {"P1": "maybe"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
        HTTP_COOKIE="django_language=en",
    )
    assert response.json()["detail"] == "This voting card is not valid for this round."
    assert response.headers["content-language"] == "en"
