"""Live "round changed" notices for hall screens, coalesced so a burst of ballots is one message.

Casts tell `round_changed` once stored. Inside the ASGI server the notice waits
`settings.HALL_COALESCE_SECONDS` and is merged with any others for the same round; elsewhere
(commands, tests without a server loop) it is sent at once. The sender computes the round's state
once and carries it in the message, so the screens only forward it (through ballots.hall_relay).
"""

import asyncio
import json
from contextvars import Context
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

_server_loop: asyncio.AbstractEventLoop | None = None
_pending: set[str] = set()
_tasks: set[asyncio.Task[None]] = set()


def group_name(round_code: str) -> str:
    return f"round.{round_code}"


def mark_server_loop() -> None:
    """Called by the ASGI app on its loop: notices scheduled there may wait and merge."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def on_server_loop() -> bool:
    """Running on the ASGI server's own event loop (not a test's or a command's passing one)."""
    try:
        return asyncio.get_running_loop() is _server_loop
    except RuntimeError:
        return False


def round_changed(round_code: str, *, at_once: bool = False) -> None:
    """From synchronous code (a transaction's on_commit) or from the loop itself."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(round_changed_async)(round_code, at_once=at_once)
        return
    task = loop.create_task(round_changed_async(round_code, at_once=at_once), context=Context())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def round_changed_async(round_code: str, *, at_once: bool = False) -> None:
    """On the server's loop: schedule a merged notice and return; elsewhere: send it now."""
    loop = asyncio.get_running_loop()
    if at_once or loop is not _server_loop:
        await _send(round_code)
        return
    if round_code in _pending:
        return  # a notice for this round is already on its way
    _pending.add(round_code)
    # A context of its own: the request's (its thread for sync code, its language) ends with it.
    task = loop.create_task(_send_later(round_code), context=Context())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _send_later(round_code: str) -> None:
    await asyncio.sleep(settings.HALL_COALESCE_SECONDS)
    _pending.discard(round_code)  # casts from now on need a notice of their own
    await _send(round_code)


async def _send(round_code: str) -> None:
    # models: not at import (asgi.py imports this module before apps are ready)
    from ballots.hall_state import round_state_async

    layer: Any = get_channel_layer()
    if layer is None:
        return
    state = await round_state_async(round_code)
    if state is not None:
        await layer.group_send(group_name(round_code), notice(state))


def notice(state: dict[str, Any]) -> dict[str, Any]:
    """The group message: the screens' text, encoded once here, not per screen."""
    from ballots.hall_state import hall_message

    return {"type": "round.changed", "text": json.dumps(hall_message(state))}
