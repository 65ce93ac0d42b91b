"""The two drivers of `cast_steps`: Django's cursor on this thread, psycopg's async connection on
the event loop. Each only runs the step it is given (the statements of cast_sql) and hands back
what the database said; every decision is made in casting.cast_steps."""

from typing import Any

from django.db import connection, transaction
from psycopg import AsyncConnection

from ballots import async_db, live
from ballots.round_facts import FACTS_SQL, ITEMS_SQL, facts_from_rows
from ballots.services import cast_sql
from ballots.services.cast_sql import Diagnose, Diagnosis, LoadFacts, ReadReply, Step, Store, Stored
from ballots.services.casting import CastResult, Steps


def _advance(steps: Steps, answer: Any) -> tuple[Step | None, CastResult | None]:
    """The cast's next step given the database's last answer, or its result once it has one."""
    try:
        return steps.send(answer), None
    except StopIteration as done:
        return None, done.value


def run_on_django(steps: Steps) -> CastResult:
    step, result = _advance(steps, None)
    while step is not None:
        step, result = _advance(steps, _on_django(step))
    assert result is not None
    if not result.replayed:
        code = result.round_code
        transaction.on_commit(lambda: live.round_changed(code))
    return result


def _on_django(step: Step) -> Any:
    with connection.cursor() as cursor:
        if isinstance(step, LoadFacts):
            cursor.execute(FACTS_SQL, [step.code])
            row = cursor.fetchone()
            if row is None:
                return None
            cursor.execute(ITEMS_SQL, [row[0]])
            return facts_from_rows(step.code, row, [item for (item,) in cursor.fetchall()])
        if isinstance(step, Diagnose):
            cursor.execute(cast_sql.DIAGNOSIS_SQL, [step.card_hash, step.round_code])
            return Diagnosis.of_row(cursor.fetchone(), step.sealed_key)
        if isinstance(step, ReadReply):
            cursor.execute(cast_sql.PRIOR_REPLY_SQL, [step.reply_at, step.round_pk])
            row = cursor.fetchone()
            return None if row is None else bytes(row[0])
    return _store_on_django(step)


def _store_on_django(step: Store) -> Stored:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(cast_sql.STORE_POSTGRESQL, step.postgresql_params())
            spent, prior = cursor.fetchone()
            return Stored(bool(spent), None if prior is None else bytes(prior))
    # SQLite: the same steps in one short transaction (taken IMMEDIATE: writers queue, not fail).
    with transaction.atomic(), connection.cursor() as cursor:
        prior = None
        if step.reply_at is not None:
            cursor.execute(cast_sql.PRIOR_REPLY_SQL, [step.reply_at, step.round_pk])
            row = cursor.fetchone()
            prior = None if row is None else bytes(row[0])
        cursor.execute(cast_sql.SQLITE_ROUND_OPEN, [step.round_pk, step.sealed_key])
        if cursor.fetchone() is None:
            return Stored(False, prior)
        cursor.execute(cast_sql.SQLITE_SPEND, [step.round_pk, step.card_hash])
        if cursor.rowcount != 1:
            return Stored(False, prior)
        cursor.execute(cast_sql.INSERT_BALLOT, [step.ballot_id, step.round_pk, step.box])
        if step.reply_at is not None:
            cursor.execute(cast_sql.INSERT_REPLY, [step.reply_at, step.round_pk, step.reply])
        return Stored(True, None)


async def run_on_psycopg(steps: Steps) -> CastResult:
    pool = async_db.server_pool()
    if pool is not None:  # the server's own loop: straight from its pool, the busy path
        conn = await pool.getconn()
        try:
            result = await _run_steps(conn, steps)
        finally:
            await pool.putconn(conn)
    else:
        async with async_db.connection() as conn:
            result = await _run_steps(conn, steps)
    if not result.replayed:
        await live.round_changed_async(result.round_code)
    return result


async def _run_steps(conn: AsyncConnection[Any], steps: Steps) -> CastResult:
    step, result = _advance(steps, None)
    while step is not None:
        step, result = _advance(steps, await _on_psycopg(conn, step))
    assert result is not None
    return result


async def _on_psycopg(conn: AsyncConnection[Any], step: Step) -> Any:
    if isinstance(step, Store):
        cursor = await conn.execute(cast_sql.STORE_POSTGRESQL, step.postgresql_params())
        spent, prior = await cursor.fetchone() or (False, None)
        return Stored(bool(spent), None if prior is None else bytes(prior))
    if isinstance(step, LoadFacts):
        cursor = await conn.execute(FACTS_SQL, [step.code])
        row = await cursor.fetchone()
        if row is None:
            return None
        cursor = await conn.execute(ITEMS_SQL, [row[0]])
        return facts_from_rows(step.code, row, [item for (item,) in await cursor.fetchall()])
    if isinstance(step, Diagnose):
        cursor = await conn.execute(cast_sql.DIAGNOSIS_SQL, [step.card_hash, step.round_code])
        return Diagnosis.of_row(await cursor.fetchone(), step.sealed_key)
    cursor = await conn.execute(cast_sql.PRIOR_REPLY_SQL, [step.reply_at, step.round_pk])
    row = await cursor.fetchone()
    return None if row is None else bytes(row[0])
