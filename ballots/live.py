"""Live "round changed" notices for hall screens, coalesced so a burst of ballots is one message.

Casts call `round_changed` from transaction.on_commit. Inside the ASGI server the notice is
delayed by COALESCE_SECONDS and merged with any others for the same round; elsewhere (commands,
tests without a server loop) it is sent at once.
"""

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

COALESCE_SECONDS = 0.25
_server_loop: asyncio.AbstractEventLoop | None = None
_pending: set[str] = set()
_tasks: set[asyncio.Task[None]] = set()


def group_name(round_code: str) -> str:
    return f"round.{round_code}"


def mark_server_loop() -> None:
    """Called by the ASGI app on its loop: notices scheduled there may wait and merge."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def round_changed(round_code: str, *, at_once: bool = False) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_notify)(round_code, at_once)
        return
    task = loop.create_task(_notify(round_code, at_once))  # called from async code: schedule
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _notify(round_code: str, at_once: bool) -> None:
    loop = asyncio.get_running_loop()
    if at_once or loop is not _server_loop:
        await _send(round_code)
        return
    if round_code in _pending:
        return  # a notice for this round is already on its way
    _pending.add(round_code)
    task = loop.create_task(_send_later(round_code))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _send_later(round_code: str) -> None:
    await asyncio.sleep(COALESCE_SECONDS)
    _pending.discard(round_code)
    await _send(round_code)


async def _send(round_code: str) -> None:
    layer: Any = get_channel_layer()
    if layer is not None:
        await layer.group_send(group_name(round_code), {"type": "round.changed"})
