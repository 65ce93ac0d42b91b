"""The hall screen's channel: a burst of ballots arrives as a few merged notices, never one each."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets
from websockets.typing import Origin

from tests.ballots.server.test_casting_concurrency import post
from tests.conftest import Cast
from tests.voting import make_round, make_session, open_with_cards

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_burst_of_ballots_reaches_the_hall_as_a_few_merged_updates(
    asgi_server: str, cast: Cast
) -> None:
    round_ = make_round(make_session(cast.body, seats=40), to_select=None)
    codes = [card.code for card in open_with_cards(round_)]
    url = asgi_server.replace("http://", "ws://") + "/ws/rounds/R1/"

    async def watch() -> list[dict[str, object]]:
        seen: list[dict[str, object]] = []
        async with websockets.connect(url, origin=Origin(asgi_server)) as hall:
            seen.append(json.loads(await hall.recv()))  # the state on connecting
            loop = asyncio.get_running_loop()
            with ThreadPoolExecutor(max_workers=10) as pool:
                casts = [
                    loop.run_in_executor(pool, post, asgi_server, "R1", c, {"P1": "yes"})
                    for c in codes
                ]
                await asyncio.gather(*casts)
            while True:
                try:
                    seen.append(json.loads(await asyncio.wait_for(hall.recv(), timeout=1.5)))
                except TimeoutError:
                    return seen

    seen = asyncio.run(watch())
    assert seen[0]["ballots_cast"] == 0 and seen[-1]["ballots_cast"] == 40
    assert seen[-1]["status"] == "open" and seen[-1]["present"] == 40
    assert len(seen) - 1 < 40 / 2  # merged: far fewer notices than ballots


def test_a_client_without_an_origin_header_may_listen(asgi_server: str, cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3), to_select=None)
    open_with_cards(round_)
    url = asgi_server.replace("http://", "ws://") + "/ws/rounds/R1/"

    async def first_message() -> dict[str, object]:
        async with websockets.connect(url) as screen:  # no Origin, as audit tools connect
            return dict(json.loads(await asyncio.wait_for(screen.recv(), timeout=5)))

    assert asyncio.run(first_message()) == {"ballots_cast": 0, "present": 3, "status": "open"}
