"""Live "projects changed" notices: the ranking and the project pages of a congress-year refetch.

Only a notice travels over the channel, never data: a page that hears it asks for its fragment
again over HTTP, where the same public views decide what anyone may see (reviewed data only).

Services that change public tracked data (an update approved, a progress or plan import, a
status change) call `after_commit` inside their transaction, so nobody is told of a change that
rolled back; each congress-year touched hears one notice per transaction. Pages wait a moment
and merge notices that come close together, so a burst of changes is one refetch each.
"""

import asyncio
from collections.abc import Iterable
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from tracking.models import TrackedProject

_tasks: set[asyncio.Task[None]] = set()


def group_name(body_slug: str, year: int) -> str:
    return f"projects.{body_slug}.{year}"  # a slug is ASCII letters, digits, - and _


def projects_changed(body_slug: str, year: int) -> None:
    """Tell whoever watches this congress-year; from sync code, or scheduled from async code."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_send)(body_slug, year)
        return
    task = loop.create_task(_send(body_slug, year))
    _tasks.add(task)  # kept until done: the loop holds tasks only weakly
    task.add_done_callback(_tasks.discard)


def after_commit(projects: Iterable[TrackedProject]) -> None:
    """Once the current transaction commits, one notice per congress-year of these projects."""
    for body_slug, year in sorted({(p.body.slug, p.year) for p in projects}):
        # robust: a channel layer that is down must not fail a change already committed.
        transaction.on_commit(partial(projects_changed, body_slug, year), robust=True)


async def _send(body_slug: str, year: int) -> None:
    layer: Any = get_channel_layer()
    if layer is not None:
        await layer.group_send(group_name(body_slug, year), {"type": "projects.changed"})
