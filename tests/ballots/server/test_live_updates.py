"""The hall screen's channel: a burst of ballots arrives as a few merged notices, never one each."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

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


def test_every_screen_gets_the_same_notices_and_the_last_count(
    asgi_server: str, cast: Cast
) -> None:
    """Twenty screens on one round: each notice is computed once by its sender and carried to
    all of them, so they show the same counts in the same order, ending at every ballot."""
    round_ = make_round(make_session(cast.body, seats=30), to_select=None)
    codes = [card.code for card in open_with_cards(round_)]
    url = asgi_server.replace("http://", "ws://") + "/ws/rounds/R1/"

    async def watch() -> list[list[int]]:
        screens = [await websockets.connect(url) for _ in range(20)]
        for screen in screens:
            await screen.recv()  # the state on connecting
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=10) as pool:
            await asyncio.gather(
                *[
                    loop.run_in_executor(pool, post, asgi_server, "R1", c, {"P1": "yes"})
                    for c in codes
                ]
            )

        async def counts(screen: websockets.ClientConnection) -> list[int]:
            seen: list[int] = []
            while not seen or seen[-1] < len(codes):
                seen.append(
                    json.loads(await asyncio.wait_for(screen.recv(), timeout=5))["ballots_cast"]
                )
            await screen.close()
            return seen

        return list(await asyncio.gather(*[counts(screen) for screen in screens]))

    seen = asyncio.run(watch())
    assert all(counts == seen[0] for counts in seen) and seen[0][-1] == 30


def test_a_screen_shows_the_state_its_notice_carries(cast: Cast) -> None:
    """The consumer forwards what the notice says and asks the database nothing more: here a
    notice saying 17 is shown as 17 although no ballot was cast."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from channels.testing import WebsocketCommunicator

    from ballots.live import group_name, notice
    from config.asgi import router

    round_ = make_round(make_session(cast.body, seats=3), to_select=None)
    open_with_cards(round_)

    async def screen() -> list[dict[str, object]]:
        communicator = WebsocketCommunicator(router, "/ws/rounds/R1/")
        connected, _ = await communicator.connect()
        assert connected
        first = await communicator.receive_json_from(timeout=5)
        state = {"id": "R1", "status": "open", "seats": 3, "present": 3, "ballots_cast": 17}
        await get_channel_layer().group_send(group_name("R1"), notice(state))
        second = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return [first, second]

    first, second = async_to_sync(screen)()
    assert first == {"ballots_cast": 0, "present": 3, "status": "open"}
    assert second == {"ballots_cast": 17, "present": 3, "status": "open"}


async def _group_size(layer: Any, name: str) -> int:
    """Members of a channel-layer group, on either layer the suite runs with."""
    if hasattr(layer, "groups"):  # channels' in-memory layer
        return len(layer.groups.get(name, {}))
    return int(await layer.connection(0).zcard(layer._group_key(name)))


def test_screens_of_one_process_share_one_member_of_the_group(cast: Cast) -> None:
    """Three screens served by one process: a notice crosses the channel layer once for all
    three, every one shows it, and the process leaves the group with its last screen."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from channels.testing import WebsocketCommunicator

    from ballots.live import group_name, notice
    from config.asgi import router

    round_ = make_round(make_session(cast.body, seats=3), to_select=None)
    open_with_cards(round_)
    layer = get_channel_layer()

    async def screens() -> tuple[int, list[int], int, int]:
        communicators = [WebsocketCommunicator(router, "/ws/rounds/R1/") for _ in range(3)]
        for communicator in communicators:
            assert (await communicator.connect())[0]
            await communicator.receive_json_from(timeout=5)
        members = await _group_size(layer, group_name("R1"))
        state = {"id": "R1", "status": "open", "seats": 3, "present": 3, "ballots_cast": 2}
        await layer.group_send(group_name("R1"), notice(state))
        shown = [(await c.receive_json_from(timeout=5))["ballots_cast"] for c in communicators]
        await communicators[0].disconnect()
        after_one_left = await _group_size(layer, group_name("R1"))
        for communicator in communicators[1:]:
            await communicator.disconnect()
        return members, shown, after_one_left, await _group_size(layer, group_name("R1"))

    members, shown, after_one_left, after_all_left = async_to_sync(screens)()
    assert members == 1 and shown == [2, 2, 2]
    assert after_one_left == 1 and after_all_left == 0


def test_a_slow_screen_gets_the_newest_state_and_holds_no_other_back() -> None:
    from ballots.hall_relay import _Outbox

    class Screen:
        def __init__(self) -> None:
            self.shown: list[str] = []
            self.stalled = asyncio.Event()
            self.stalled.set()

        async def send(self, text_data: str) -> None:
            await self.stalled.wait()
            self.shown.append(text_data)

    async def hall() -> tuple[list[str], list[str]]:
        slow, quick = Screen(), Screen()
        slow.stalled.clear()  # its network has stopped taking data
        boxes = [_Outbox(slow), _Outbox(quick)]
        for box in boxes:
            box.release()
        for count in ("1", "2", "3", "4"):
            for box in boxes:
                box.offer(count)
            await asyncio.sleep(0)
        quick_saw = list(quick.shown)
        slow.stalled.set()
        while boxes[0].sending is not None:
            await asyncio.sleep(0)
        return quick_saw, slow.shown

    quick_saw, slow_saw = asyncio.run(hall())
    assert quick_saw == ["1", "2", "3", "4"]
    assert slow_saw == ["1", "4"]  # the one it was being sent, then only the newest
