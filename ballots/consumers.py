"""The hall screen's live channel: counts while voting, the tally when the round closes.

A screen asks the database once, when it connects; after that every notice carries the state,
computed once by its sender for all the screens (ballots.live)."""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from ballots import live
from ballots.hall_state import hall_message, round_state_async


class RoundConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    async def connect(self) -> None:
        self.code: str = self.scope["url_route"]["kwargs"]["round_code"]
        state = await round_state_async(self.code)
        if state is None:
            await self.close(code=4404)
            return
        await self.channel_layer.group_add(live.group_name(self.code), self.channel_name)
        await self.accept()
        await self.send_json(hall_message(state))

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(live.group_name(self.code), self.channel_name)

    async def round_changed(self, event: dict[str, Any]) -> None:
        if "text" in event:
            await self.send(text_data=event["text"])  # encoded once by the sender
        else:
            await self.send_json(hall_message(event["state"]))
