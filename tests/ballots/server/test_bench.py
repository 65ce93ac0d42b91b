"""manage.py bench on tiny sizes: every figure is printed, no request fails, each round's tally
counts exactly the acknowledged ballots, the hall screens saw every count, and the bench's
database is gone afterwards; with the Python client, and with wrk when it is installed."""

import os
import re
import shutil
import socket
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
TINY = ["--voters", "40", "--items", "3", "--clients", "8", "--screens", "3"]
FAST = ["--pgbench-seconds", "1"]


def _unreachable() -> str:
    """Why the bench cannot run here, or "" when it can."""
    if shutil.which("pgbench") is None:
        return "pgbench is not installed"
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return "PostgreSQL is not reachable on 127.0.0.1:5432"
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=3) as redis:
            redis.sendall(b"PING\r\n")
            if not redis.recv(16).startswith(b"+PONG"):
                return "Redis on 127.0.0.1:6379 does not answer PING"
    except OSError:
        return "Redis is not reachable on 127.0.0.1:6379"
    return ""


@pytest.fixture
def services() -> None:
    reason = _unreachable()
    if reason:
        pytest.skip(reason)


def _bench(*options: str) -> list[str]:
    out = StringIO()
    call_command("bench", *TINY, *FAST, *options, stdout=out)
    return out.getvalue().splitlines()


def _line(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert found, f"no line starts with {start!r}:\n" + "\n".join(lines)
    return found[0]


def _check_a_sound_run(lines: list[str], phases: str) -> None:
    for start in ("A  non-pausing, no screens: ", "B  non-pausing, 3 screens: "):
        load = _line(lines, start)
        assert load.startswith(f"{start}40 acknowledged, errors 0, in "), load
        assert re.search(r"ballots/s; latency p50 [\d,]+ ms, p99 [\d,]+ ms", load), load
    cpu = [line for line in lines if line.strip().startswith("CPU per ballot: servers ")]
    assert len(cpu) == len(phases)
    assert all(re.search(r"servers \d+\.\d\d ms", line) for line in cpu), cpu

    # Every round's tally counts what the clients were told was stored (the warm-up, the load
    # and the lone casts), none more, none fewer.
    tally = _line(lines, "tally after close: ")
    counted = re.findall(r"(\w) ([\d,]+) counted for ([\d,]+) acknowledged ✓", tally)
    assert [name for name, _, _ in counted] == list(phases), tally
    assert all(stored == acknowledged for _, stored, acknowledged in counted), tally
    assert "MISMATCH" not in tally

    # Three screens stayed, and each showed every one of the 40 ballots.
    hall = _line(lines, "   hall: ")
    assert hall.startswith("   hall: 3 of 3 screens stayed connected"), hall
    assert re.search(r"p99 [\d,]+ ms over 120 \(screen, ballot\) pairs$", hall), hall
    assert "hall after a lone cast (no load, 5 casts): p50 " in "\n".join(lines)

    assert re.match(
        r"closing \(close_round, its own time\): .* round A, closing 48 ballots took",
        _line(lines, "closing "),
    )
    assert re.search(r"\d tx/s; casting rate A \d+\.\d %", _line(lines, "PostgreSQL ceiling"))
    assert _line(lines, "  ✓ 0 errors: ").startswith("  ✓ 0 errors: A 0, B 0")
    assert _line(lines, "  ✓ tally = acknowledged: ")
    assert _line(lines, "  · closing 48 ballots took ")


def _bench_database_exists() -> bool:
    with psycopg.connect(f"{POSTGRES}/postgres") as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [f"minsheng_bench_{os.getpid()}"]
        ).fetchone()
    return found is not None


def test_a_tiny_run_with_the_python_client_reports_every_phase(services: None) -> None:
    lines = _bench("--python-client", "--rate", "20", "--rate-seconds", "1")

    assert _line(lines, "load generator: ").startswith("load generator: Python asyncio")
    _check_a_sound_run(lines, "ABC")
    fixed = _line(lines, "C  fixed rate 20/s, Python asyncio")
    assert ": 20 acknowledged, errors 0, achieved " in fixed
    assert re.search(r"latency p50 \d+ ms, p99 \d+ ms \(from each ballot's scheduled time\)", fixed)
    assert _line(lines, "  ✓ 0 errors: ") == "  ✓ 0 errors: A 0, B 0, C 0"
    assert not _bench_database_exists()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_a_tiny_run_with_wrk_reports_every_phase(services: None) -> None:
    lines = _bench()

    assert _line(lines, "load generator: ").startswith("load generator: wrk ")
    _check_a_sound_run(lines, "AB")
    assert not _bench_database_exists()


def test_fewer_voters_than_clients_is_refused_before_anything_starts() -> None:
    with pytest.raises(CommandError, match="--voters 5 is fewer than --clients 8"):
        call_command("bench", "--voters", "5", "--clients", "8", stdout=StringIO())
