"""The real ASGI server (uvicorn) in a subprocess, on the test database: HTTP and WebSockets."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ballots.bench.asgi_process import free_port, start_server

# Under pytest-xdist each worker runs its own server on its own database: give each its own log and
# its own Redis prefix, so one worker's round "R1" never hears the other's.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
LOG = Path(settings.BASE_DIR) / "tests" / "artifacts" / f"asgi-server-{WORKER}.log"


_servers: list[int] = []


def server_pid() -> int:
    """The process id of this test process's running server (to watch its memory)."""
    return _servers[-1]


def redis_prefix() -> str:
    """This worker's own Redis prefix (the tests' process and its server share it)."""
    return f"{os.environ.get('REDIS_PREFIX', 'minsheng')}-{WORKER}"


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture(scope="session")
def asgi_server(django_db_setup: None, django_db_blocker: object) -> Iterator[str]:
    port = free_port()
    LOG.parent.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "true",
        "MAP_TILE_URL": "",
        "SECURE_COOKIES": "false",
        "REDIS_PREFIX": redis_prefix(),
    }
    with LOG.open("wb") as log:
        server = start_server(port, env, log)
    _servers.append(server.pid)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
