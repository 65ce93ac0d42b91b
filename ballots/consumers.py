"""The hall screen's live channel: counts while voting, the tally when the round closes.

A screen asks the database once, when it connects; after that every notice carries the state,
computed once by its sender for all the screens (ballots.live), and reaches the screen through its
server process's one member of the round's group (ballots.hall_relay)."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from ballots import hall_relay
from ballots.hall_state import hall_message, round_state_async


class RoundConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    async def connect(self) -> None:
        self.code: str = self.scope["url_route"]["kwargs"]["round_code"]
        state = await round_state_async(self.code)
        if state is None:
            await self.close(code=4404)
            return
        await hall_relay.join(self.code, self)
        await self.accept()
        await self.send_json(hall_message(state))
        hall_relay.release(self.code, self)

    async def disconnect(self, code: int) -> None:
        await hall_relay.leave(self.code, self)
