"""What the benchmarks share: a throwaway database, the product's commands run against it, uvicorn
processes serving it, and concurrent HTTP clients timed request by request.

Standard library and psycopg only, so `manage.py bench_tracking` can use it without the test extra.
"""

import http.client
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

import psycopg

from ballots.bench.asgi_process import ROOT, free_port, start_server

T = TypeVar("T")
Send = Callable[[http.client.HTTPConnection, T], int]  # one request on a kept-alive connection


@dataclass
class Timings:
    """Requests answered as hoped, the others by status (599: no answer), and each one's time."""

    ok: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p50_ms(self) -> float:
        return statistics.median(self.latencies or [0.0]) * 1000

    def p99_ms(self) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000


def bench_env(database_url: str, static_root: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of the bench's commands and servers: production settings on its database;
    with `static_root`, the static files are collected there (ballots/bench/settings.py)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only",
        "SIGNING_KEK": "bench-only-key-encryption-key-0123456789",
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        **extra,
    }
    if static_root is not None:
        env["DJANGO_SETTINGS_MODULE"] = "ballots.bench.settings"
        env["BENCH_STATIC_ROOT"] = str(static_root)
    return env


def manage(env: Mapping[str, str], *args: str) -> str:
    """`manage.py ARGS` in a child process with `env`: its output, or RuntimeError with stderr."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def postgres_admin(server: str, sql: str) -> None:
    """Run `sql` on the server's maintenance database (`server` is a URL without a database)."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql.encode())


@contextmanager
def postgres_database(server: str, name: str, *, keep: bool = False) -> Iterator[str]:
    """A new database on the server for the length of the block, dropped afterwards; its URL."""
    postgres_admin(server, f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        if not keep:
            postgres_admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def sqlite_database(*, keep: bool = False) -> Iterator[str]:
    """A new SQLite file in a temporary folder, removed afterwards; its URL."""
    folder = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
    try:
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def serving(
    count: int, env: Mapping[str, str], log: IO[bytes] | int = subprocess.DEVNULL
) -> Iterator[list[int]]:
    """`count` uvicorn processes on their own ports for the length of the block; the ports."""
    servers: list[subprocess.Popen[bytes]] = []
    ports = [free_port() for _ in range(count)]
    try:
        for port in ports:
            servers.append(start_server(port, env, log, access_log=False))  # as in production
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=15)


def drive(
    send: Send[T],
    jobs: Iterable[T],
    *,
    ports: list[int],
    clients: int,
    ok: int = 200,
    seconds: float | None = None,
) -> Timings:
    """`clients` threads, each on its own kept-alive connection to one of the ports in turn, take
    jobs until there are none left (or `seconds` have passed) and time each request."""
    timings = Timings()
    lock = threading.Lock()
    feed = iter(jobs)
    deadline = time.monotonic() + seconds if seconds is not None else float("inf")

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(
            "127.0.0.1", ports[number % len(ports)], timeout=120
        )
        try:
            while time.monotonic() < deadline:
                with lock:
                    job = next(feed, None)
                if job is None:
                    return
                started = time.monotonic()
                status = send(connection, job)
                elapsed = time.monotonic() - started
                with lock:
                    timings.latencies.append(elapsed)
                    if status == ok:
                        timings.ok += 1
                    else:
                        timings.errors[status] = timings.errors.get(status, 0) + 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings.seconds = time.monotonic() - started
    return timings


def get(connection: http.client.HTTPConnection, path: str) -> int:
    """GET `path`, read the whole answer; its status, or 599 when none came (then reconnect)."""
    try:
        connection.request("GET", path, headers={"Accept-Language": "zh-hans"})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        connection.close()
        return 599


def forever(paths: list[str]) -> Iterator[str]:
    """The paths in turn, again and again (for a run bounded by time)."""
    return itertools.cycle(paths)
