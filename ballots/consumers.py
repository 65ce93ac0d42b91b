"""The hall screen's live channel: counts while voting, the tally when the round closes."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from ballots import live
from ballots.models import Round
from ballots.selectors import round_state


def _state(code: str) -> dict[str, Any] | None:
    round_ = Round.objects.select_related("session").filter(code=code).first()
    if round_ is None:
        return None
    state = round_state(round_)
    message: dict[str, Any] = {
        "ballots_cast": state["ballots_cast"],
        "present": state["present"],
        "status": state["status"],
    }
    if round_.is_closed:
        message["tally"] = round_.tally
    return message


class RoundConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    async def connect(self) -> None:
        self.code: str = self.scope["url_route"]["kwargs"]["round_code"]
        state = await database_sync_to_async(_state)(self.code)
        if state is None:
            await self.close(code=4404)
            return
        await self.channel_layer.group_add(live.group_name(self.code), self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(live.group_name(self.code), self.channel_name)

    async def round_changed(self, event: dict[str, Any]) -> None:
        state = await database_sync_to_async(_state)(self.code)
        if state is not None:
            await self.send_json(state)
