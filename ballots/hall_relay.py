"""One member of a round's group per server process, which hands each notice to its screens.

A hall has a hundred screens spread over the server's processes. Were each screen a member of the
round's group, every notice would cross the channel layer (Redis) a hundred times and be decoded a
hundred times; here it crosses once per process. Notices carry the whole state, so a screen that
cannot keep up is sent only the newest one when it can take it, and never holds the others back.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import get_channel_layer

from ballots import live

log = logging.getLogger(__name__)


class Screen(Protocol):
    async def send(self, text_data: str) -> None: ...


@dataclass(eq=False)
class _Outbox:
    """A screen's newest unsent notice and the one task sending to it, if any. Held until the
    screen has been sent the state it connected with, so that nothing overtakes it."""

    screen: Screen
    held: bool = True
    newest: str | None = None
    sending: asyncio.Task[None] | None = None

    def offer(self, text: str) -> None:
        self.newest = text
        if not self.held and self.sending is None:
            self.sending = asyncio.get_running_loop().create_task(self._send())

    def release(self) -> None:
        self.held = False
        if self.newest is not None:
            self.offer(self.newest)

    async def _send(self) -> None:
        try:
            while self.newest is not None:
                text, self.newest = self.newest, None
                await self.screen.send(text_data=text)
        except Exception:  # a screen that went away: its consumer's disconnect removes it
            log.debug("hall screen send failed", exc_info=True)
        finally:
            self.sending = None


@dataclass(eq=False)
class _Relay:
    """This process's member of one round's group, and the screens it serves."""

    round_code: str
    outboxes: dict[Screen, _Outbox] = field(default_factory=dict)
    channel: str = ""
    joined: asyncio.Task[None] | None = None
    pump: asyncio.Task[None] | None = None

    async def join(self) -> None:
        layer: Any = get_channel_layer()
        self.channel = await layer.new_channel()
        await layer.group_add(live.group_name(self.round_code), self.channel)
        self.pump = asyncio.get_running_loop().create_task(self._pump(layer))

    async def _pump(self, layer: Any) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except Exception:  # the layer's server went away: the screens wait, the relay retries
                log.warning("hall relay could not read the channel layer", exc_info=True)
                await asyncio.sleep(1)
                continue
            for outbox in list(self.outboxes.values()):
                outbox.offer(message["text"])

    async def leave(self) -> None:
        if self.joined is not None:
            await asyncio.shield(self.joined)
        if self.pump is not None:
            self.pump.cancel()
        layer: Any = get_channel_layer()
        await layer.group_discard(live.group_name(self.round_code), self.channel)


# Keyed by loop too: tests run servers and communicators on loops of their own, one after another.
_relays: dict[tuple[asyncio.AbstractEventLoop, str], _Relay] = {}


async def join(round_code: str, screen: Screen) -> None:
    """From now on every notice of the round is kept for the screen (returns once that holds);
    they are sent once `release` says the screen has its first state."""
    key = (asyncio.get_running_loop(), round_code)
    relay = _relays.get(key)
    if relay is None:
        relay = _relays[key] = _Relay(round_code)
        relay.joined = asyncio.get_running_loop().create_task(relay.join())
    relay.outboxes[screen] = _Outbox(screen)
    assert relay.joined is not None
    try:
        await asyncio.shield(relay.joined)
    except Exception:
        relay.outboxes.pop(screen, None)
        if _relays.get(key) is relay:
            del _relays[key]
        raise


def release(round_code: str, screen: Screen) -> None:
    relay = _relays.get((asyncio.get_running_loop(), round_code))
    if relay is not None and screen in relay.outboxes:
        relay.outboxes[screen].release()


async def leave(round_code: str, screen: Screen) -> None:
    key = (asyncio.get_running_loop(), round_code)
    relay = _relays.get(key)
    if relay is None or relay.outboxes.pop(screen, None) is None:
        return
    if not relay.outboxes:  # the process's last screen of this round: leave the group
        del _relays[key]
        await relay.leave()
