"""Load figures for casting: N simulated tablets through the voting API of a real server.

Everything goes through the public interfaces: a session file, `import_session`, `checkin`,
`issue_credentials`, `open_round`, the voting API, the hall's WebSocket, `close_round`.
"""

import asyncio
import csv
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import websockets

from ballots.bench.tools import Timings, bench_env, drive, manage, postgres_database, serving
from ballots.rules.terms import OPTIONS, Kind, Secrecy

PROBES = 5  # cards kept back to time the hall update one cast at a time


@dataclass
class Plan:
    voters: int
    items: int
    clients: int
    servers: int
    postgres: str  # a server URL, without the database
    redis: str
    keep: bool = False


@dataclass
class Figures:
    casts: Timings = field(default_factory=Timings)
    hall_delays: list[float] = field(default_factory=list)
    ceiling_tps: float = 0.0
    tallied: int = -1


class Bench:
    def __init__(self, plan: Plan, say: Callable[[str], None]) -> None:
        self.plan = plan
        self.say = say
        self.database = f"minsheng_bench_{os.getpid()}"
        self.env = bench_env(
            f"{plan.postgres}/{self.database}",
            REDIS_URL=plan.redis,
            REDIS_PREFIX=f"bench{os.getpid()}",
        )
        self.work = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def run(self) -> Figures:
        try:
            with postgres_database(self.plan.postgres, self.database, keep=self.plan.keep):
                return self._run()
        finally:
            if not self.plan.keep:
                shutil.rmtree(self.work, ignore_errors=True)  # the session file and the cards

    def _run(self) -> Figures:
        plan, figures = self.plan, Figures()
        self.say(f"Preparing {plan.voters} voters × {plan.items} items in {self.database} …")
        self.manage("migrate", "-v0")
        round_code = f"BENCH-{os.getpid()}"
        session = {
            "session": {
                "id": f"S-{round_code}",
                "title": "bench",
                "body": "bench",
                "date": "2027-01-15",
            },
            "voters": [{"id": f"V{n}", "name": f"代表{n}"} for n in range(plan.voters + PROBES)],
            "rounds": [
                {
                    "id": round_code,
                    "kind": Kind.SELECTION,
                    "secrecy": Secrecy.SECRET,
                    "to_select": min(10, plan.items),
                    "max_yes_per_ballot": None,
                    "items": [
                        {"id": f"P{n}", "number": n, "title": f"项目{n}"}
                        for n in range(1, plan.items + 1)
                    ],
                }
            ],
        }
        (self.work / "session.json").write_text(json.dumps(session, ensure_ascii=False))
        # A session names an existing congress (import_session makes none).
        self.manage(
            "setup_congress",
            "--code",
            "bench",
            "--name",
            "bench",
            "--username",
            "bench-staff",
            "--staff-name",
            "基准",
        )
        self.manage("import_session", str(self.work / "session.json"))
        self.manage("checkin", f"S-{round_code}", "--all")
        self.manage("issue_credentials", round_code, "--out", str(self.work / "cards.csv"))
        with (self.work / "cards.csv").open() as cards:
            codes = [row[0] for row in list(csv.reader(cards))[1:]]
        self.manage("open_round", round_code)
        with serving(self.plan.servers, self.env) as ports:
            self._vote(figures, ports, round_code, codes)
        figures.ceiling_tps = self._pgbench()
        return figures

    def _vote(self, figures: Figures, ports: list[int], round_code: str, codes: list[str]) -> None:
        hall = HallWatcher(ports[0], round_code)
        hall.start()
        probes, codes = codes[:PROBES], codes[PROBES:]
        self.say(
            f"Casting {len(codes)} ballots from {self.plan.clients} clients "
            f"on {len(ports)} servers …"
        )
        items = self.plan.items

        def one(connection: http.client.HTTPConnection, code: str) -> int:
            return cast(connection.port, round_code, code, _random_choices(items), connection)[0]

        figures.casts = drive(one, codes, ports=ports, clients=self.plan.clients, ok=201)
        time.sleep(1.0)  # let the last coalesced notice pass
        for n, code in enumerate(probes, start=1):
            started = time.monotonic()
            status, _ = cast(ports[0], round_code, code, _random_choices(items))
            if status == 201:
                figures.hall_delays.append(hall.wait_for(figures.casts.ok + n, started))
        hall.stop()
        self.manage("close_round", round_code)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{ports[0]}/api/v1/rounds/{round_code}/tally"
        ) as r:
            figures.tallied = json.load(r)["ballots_cast"] - len(figures.hall_delays)

    def _pgbench(self) -> float:
        """PostgreSQL's own rate of one-row insert transactions from as many clients."""
        url = urlsplit(f"{self.plan.postgres}/{self.database}")
        with psycopg.connect(f"{self.plan.postgres}/{self.database}", autocommit=True) as c:
            c.execute("CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, v integer)")
        script = self.work / "insert.sql"
        script.write_text("INSERT INTO bench_ceiling (v) VALUES (1);\n")
        done = subprocess.run(
            [
                "pgbench",
                "-n",
                "-c",
                str(self.plan.clients),
                "-j",
                "2",
                "-T",
                "10",
                "-f",
                str(script),
                "-h",
                url.hostname or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                self.database,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        match = re.search(r"tps = ([\d.]+)", done.stdout)
        return float(match.group(1)) if match else 0.0


def _random_choices(items: int) -> dict[str, str]:
    return {f"P{n}": random.choice(OPTIONS[Kind.SELECTION]) for n in range(1, items + 1)}


def cast(
    port: int,
    round_code: str,
    code: str,
    choices: dict[str, str],
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes]:
    own = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    body = json.dumps({"choices": choices})
    headers = {
        "Authorization": f"Bearer {code}",
        "Content-Type": "application/json",
        "Idempotency-Key": code[-8:],
    }
    try:
        own.request("POST", f"/api/v1/rounds/{round_code}/ballots", body, headers)
        response = own.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        own.close()
        return 599, b""


class HallWatcher:
    """A hall screen: a WebSocket client noting when each count arrives."""

    def __init__(self, port: int, round_code: str) -> None:
        self.url = f"ws://127.0.0.1:{port}/ws/rounds/{round_code}/"
        self.seen: list[tuple[float, int]] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self.loop)
        time.sleep(0.5)

    async def _listen(self) -> None:
        async with websockets.connect(self.url, origin="http://127.0.0.1") as socket_:  # type: ignore[arg-type]
            async for message in socket_:
                self.seen.append((time.monotonic(), json.loads(message)["ballots_cast"]))

    def wait_for(self, count: int, since: float, timeout: float = 10.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, cast_count in self.seen:
                if cast_count >= count and at >= since:
                    return at - since
            time.sleep(0.005)
        return float("nan")

    def stop(self) -> None:
        async def shutdown() -> None:
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def report(plan: Plan, f: Figures) -> list[str]:
    casts = f.casts
    rate = casts.rate
    delays = [d for d in f.hall_delays if d == d]
    lines = [
        f"plan: {plan.voters} representatives × {plan.items} items, "
        f"{plan.clients} concurrent tablets, {plan.servers} uvicorn processes, PostgreSQL + Redis",
        f"ballots: {casts.ok} stored, errors {casts.errors or 0}, in {casts.seconds:.2f} s "
        f"→ {rate:.1f} ballots/s ({'within' if casts.seconds <= 60 else 'NOT within'} one minute)",
        f"latency per cast: p50 {casts.p50_ms():.0f} ms, p99 {casts.p99_ms():.0f} ms",
        "hall screen update after a cast (WebSocket): "
        + (
            f"p50 {statistics.median(delays) * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms"
            if delays
            else "none seen"
        ),
        f"PostgreSQL ceiling (pgbench, one-row insert, {plan.clients} clients): "
        f"{f.ceiling_tps:.0f} tx/s; "
        f"our casting rate is {100 * rate / f.ceiling_tps:.1f}% of it"
        if f.ceiling_tps
        else "pgbench gave no figure",
        f"tally after close: {f.tallied} ballots counted for {casts.ok} acknowledged"
        + (" ✓" if f.tallied == casts.ok else " ✗ MISMATCH"),
    ]
    return lines
