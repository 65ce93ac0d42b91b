"""A round's live state — what hall screens, the status API and staff pages show — in one query.

Computed once per notice by the process that sends it and carried in the channel message, so a
hundred connected screens cost one query, not four hundred.
"""

import json
from typing import Any

from channels.db import database_sync_to_async
from django.db import connection

from ballots.models import RoundStatus

CLOSED = RoundStatus.CLOSED.value

# Sealed ballots while the round is open, plaintext ones once it has closed: never both.
STATE_SQL = f"""
SELECT rnd.code, rnd.status, rnd.present_at_close, rnd.tally,
    (SELECT count(*) FROM ballots_voter v WHERE v.session_id = rnd.session_id),
    (SELECT count(*) FROM ballots_voter v WHERE v.session_id = rnd.session_id AND v.present),
    CASE WHEN rnd.status = '{CLOSED}'
        THEN (SELECT count(*) FROM ballots_ballot b WHERE b.round_id = rnd.id)
        ELSE (SELECT count(*) FROM ballots_sealedballot s WHERE s.round_id = rnd.id) END
FROM ballots_round rnd WHERE rnd.code = %s
"""


def state_of_row(row: tuple[Any, ...] | None) -> dict[str, Any] | None:
    """{"id", "status", "seats", "present", "ballots_cast"}, and "tally" once closed."""
    if row is None:
        return None
    code, status, present_at_close, tally, seats, present, cast = row
    state: dict[str, Any] = {
        "id": code,
        "status": status,
        "seats": int(seats),
        "present": int(present if present_at_close is None else present_at_close),
        "ballots_cast": int(cast),
    }
    if status == CLOSED:
        state["tally"] = json.loads(tally) if isinstance(tally, str | bytes) else tally
    return state


def hall_message(state: dict[str, Any]) -> dict[str, Any]:
    """What the WebSocket pushes (interfaces.md): the counts and status, the tally once closed."""
    message = {key: state[key] for key in ("ballots_cast", "present", "status")}
    if "tally" in state:
        message["tally"] = state["tally"]
    return message


def round_state_now(code: str) -> dict[str, Any] | None:
    """The state through Django's connection, on this thread."""
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL, [code])
        return state_of_row(cursor.fetchone())


async def round_state_async(code: str) -> dict[str, Any] | None:
    """The state from the event loop: psycopg's async connection on PostgreSQL; SQLite's driver
    blocks, so there on Django's thread for this context."""
    from ballots import async_db

    if async_db.is_postgresql():
        async with async_db.connection() as conn:
            cursor = await conn.execute(STATE_SQL, [code])
            return state_of_row(await cursor.fetchone())
    state: dict[str, Any] | None = await database_sync_to_async(round_state_now)(code)
    return state
