"""psycopg's async connections to Django's PostgreSQL database, for the paths that must not leave
the event loop (casting, the hall's state): a pool per server process, a connection of its own
for any other caller (a test's request, a command's notice), whose event loop may not last.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connections
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from ballots import live

# Django's OPTIONS that are its own, not libpq's.
DJANGO_ONLY_OPTIONS = {"pool", "server_side_binding", "isolation_level", "assume_role"}

logger = logging.getLogger(__name__)
_pool: AsyncConnectionPool | None = None
_pool_loop: asyncio.AbstractEventLoop | None = None  # a pool's connections belong to one loop
_opening = asyncio.Lock()


def connection_kwargs() -> dict[str, Any]:
    """Django's database settings (the test database's, under tests) as psycopg arguments."""
    s = connections["default"].settings_dict
    kwargs: dict[str, Any] = {
        "dbname": s["NAME"],
        "user": s.get("USER") or None,
        "password": s.get("PASSWORD") or None,
        "host": s.get("HOST") or None,
        "port": s.get("PORT") or None,
        "autocommit": True,  # each statement its own transaction: a cast is one statement
    }
    for key, value in (s.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS:
            kwargs[key] = value
    return {key: value for key, value in kwargs.items() if value is not None}


async def _server_pool() -> AsyncConnectionPool:
    global _pool, _pool_loop
    async with _opening:
        if _pool is None or _pool_loop is not asyncio.get_running_loop():
            pool = AsyncConnectionPool(
                kwargs=connection_kwargs(),
                min_size=settings.CAST_POOL_SIZE,  # all at once: a session's casts come in a burst
                max_size=settings.CAST_POOL_SIZE,
                open=False,
                name="cast",
            )
            await pool.open()
            _pool, _pool_loop = pool, asyncio.get_running_loop()
    return _pool


@asynccontextmanager
async def connection() -> AsyncIterator[AsyncConnection[Any]]:
    if live.on_server_loop():
        pool = server_pool() or await _server_pool()
        async with pool.connection() as conn:
            yield conn
        return
    conn = await AsyncConnection.connect(**connection_kwargs())
    async with conn:
        yield conn


async def open_server_pool() -> None:
    """Open this server process's pool now, not at the first cast; never stops the server from
    starting (without the database, casts fail as they would have, and the pool keeps trying)."""
    if connections["default"].vendor != "postgresql":
        return
    pool = await _server_pool()
    try:
        await pool.wait(timeout=10)
    except PoolTimeout:
        logger.warning("the casting pool could not connect to PostgreSQL yet; it keeps trying")


async def close_server_pool() -> None:
    global _pool, _pool_loop
    if _pool is not None:
        await _pool.close()
        _pool = _pool_loop = None


def server_pool() -> AsyncConnectionPool | None:
    """This server process's open pool, when called on its loop; None otherwise."""
    if _pool is not None and _pool_loop is asyncio.get_running_loop():
        return _pool
    return None


@lru_cache(maxsize=1)
def is_postgresql() -> bool:
    """Read once: the database engine does not change while the process runs."""
    return bool(connections["default"].vendor == "postgresql")
