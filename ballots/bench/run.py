"""Load figures for casting: simulated tablets through the voting API of real servers.

Everything goes through the public interfaces: a session file, `import_session`, `checkin`,
`issue_credentials`, `open_round`, the voting API, the hall's WebSocket, `close_round`.

One session, one roster, up to three rounds, each with its own cards:
  A  the non-pausing load (no screen listening);
  B  the same load with `--screens` hall screens connected (only when screens > 0), then a few
     lone casts to time the hall without load;
(A and B each start with a warm-up: one cast per client at once, not counted in the figures,
so neither pays alone for the servers' first requests and the two compare fairly)
  C  ballots at a fixed rate, `--rate` a second for `--rate-seconds` (only when rate > 0).
Then each round is closed and its tally checked against the acknowledged ballots, and pgbench
gives PostgreSQL's own rate on the same machine in the same run.
"""

import csv
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from ballots.bench import cpu
from ballots.bench.asgi_process import ROOT
from ballots.bench.closed_loop import closed_loop
from ballots.bench.http1 import random_choices
from ballots.bench.load import Answer, Load
from ballots.bench.open_loop import FixedRate, open_loop
from ballots.bench.screens import Screens, hall_delays
from ballots.bench.tools import bench_env, postgres_database, serving
from ballots.bench.wrk import wrk_load, wrk_path
from ballots.rules.terms import Kind, Secrecy

PROBES = 5  # cards kept back to time the hall screens after one lone cast each
WARM_UP_PAUSE = 0.5  # seconds between the warm-up and the load: the hall's notices pass


@dataclass
class Plan:
    voters: int
    items: int
    clients: int
    servers: int
    postgres: str  # a server URL, without the database
    redis: str
    keep: bool = False
    screens: int = 0
    rate: float = 0.0  # ballots a second; 0: no fixed-rate phase
    rate_seconds: float = 10.0
    python_client: bool = False
    pgbench_seconds: int = 10

    @property
    def rate_cards(self) -> int:
        return round(self.rate * self.rate_seconds) if self.rate > 0 else 0

    @property
    def spare(self) -> int:
        """Cards of a round beyond its load's: the warm-up's, then the lone casts'."""
        return self.clients + PROBES

    @property
    def roster(self) -> int:
        return max(self.voters, self.rate_cards) + self.spare

    def problems(self) -> list[str]:
        """Why this plan cannot run, in words for the command line."""
        found = []
        if self.voters < 1 or self.items < 1 or self.clients < 1 or self.servers < 1:
            found.append("--voters, --items, --clients and --servers must be at least 1.")
        if self.voters < self.clients:
            found.append(
                f"--voters {self.voters} is fewer than --clients {self.clients}: every client "
                "needs at least one card (give more voters or fewer clients)."
            )
        if self.screens < 0 or self.rate < 0:
            found.append("--screens and --rate cannot be negative.")
        if self.rate_seconds <= 0 or self.pgbench_seconds < 1:
            found.append("--rate-seconds must be above 0 and --pgbench-seconds at least 1.")
        if self.rate > 0 and self.rate_cards < 1:
            found.append("--rate × --rate-seconds gives no ballot at all.")
        return found


@dataclass
class Phase:
    """One round's load: what the client saw, the CPU it cost, and the round's close."""

    round_code: str
    load: Load
    cpu: cpu.Cpu
    extra: list[Answer] = field(default_factory=list)  # the warm-up and lone casts
    tallied: int = -1  # ballots in the tally after the close
    close_seconds: float = float("nan")

    @property
    def acknowledged(self) -> int:
        return self.load.acknowledged + sum(a.acknowledged for a in self.extra)


@dataclass
class Hall:
    screens: int
    stayed: int  # connected before the load and still at its end
    under_load: list[float]  # every (screen, ballot) pair's delay, seconds
    lone: list[float]  # the same for the lone casts after the load
    problems: list[str]


@dataclass
class Figures:
    client: str = ""
    phases: dict[str, Phase] = field(default_factory=dict)  # "A", "B", "C"
    hall: Hall | None = None
    fixed: FixedRate | None = None
    ceiling_tps: float = 0.0
    close_empty_seconds: float = float("nan")  # closing a round without ballots
    load_average: tuple[float, float] = (0.0, 0.0)  # 1-minute, before and after the run
    server_errors: str = ""  # what the servers logged at ERROR level, if anything


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
        self.use_wrk = wrk_path() is not None and not plan.python_client

    def commands(self, *commands: list[str]) -> list[float]:
        """The product's management commands, in one child process on the bench's database:
        each one's own time in seconds (ballots/bench/commands.py)."""
        done = subprocess.run(
            [sys.executable, "-m", "ballots.bench.commands", json.dumps(commands)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' ; '.join(map(' '.join, commands))} failed:\n{done.stderr}")
        return [float(s) for s in re.findall(r"^seconds: ([\d.]+)$", done.stdout, re.MULTILINE)]

    def run(self) -> Figures:
        figures = Figures(load_average=(os.getloadavg()[0], 0.0))
        try:
            with postgres_database(self.plan.postgres, self.database, keep=self.plan.keep):
                self._run(figures)
        finally:
            if not self.plan.keep:
                shutil.rmtree(self.work, ignore_errors=True)  # the session file and the cards
        figures.load_average = (figures.load_average[0], os.getloadavg()[0])
        return figures

    def _run(self, figures: Figures) -> None:
        plan = self.plan
        self.say(
            f"Preparing {plan.roster} voters × {plan.items} items in {self.database} "
            f"(load average {os.getloadavg()[0]:.1f}) …"
        )
        rounds = self._prepare()
        self._settle()
        log_path = self.work / "servers.log"
        with log_path.open("wb") as log, serving(plan.servers, self.env, log) as ports:
            server_pids = cpu.children("uvicorn")
            warm = self._warm_up(ports, rounds["A"])
            figures.phases["A"] = self._closed("A", ports, rounds["A"], server_pids)
            figures.phases["A"].extra = warm
            figures.client = figures.phases["A"].load.client + (
                ""
                if self.use_wrk
                else " (--python-client)"
                if plan.python_client
                else " (wrk is not on PATH)"
            )
            if plan.screens:
                figures.phases["B"], figures.hall = self._with_screens(
                    ports, rounds["B"], server_pids
                )
            if plan.rate:
                figures.phases["C"], figures.fixed = self._fixed_rate(
                    ports, rounds["C"], server_pids
                )
            self._close_all(figures, rounds["EMPTY"][0], ports[0])
        figures.server_errors = _server_errors(log_path)
        self.say(f"pgbench, {plan.clients} clients, {plan.pgbench_seconds} s …")
        figures.ceiling_tps = self._pgbench()

    def _prepare(self) -> dict[str, tuple[str, list[str]]]:
        """The session, its roster checked in, and each round's cards issued and opened."""
        plan = self.plan
        names = ["A"] + (["B"] if plan.screens else []) + (["C"] if plan.rate else [])
        codes = {name: f"BENCH-{os.getpid()}-{name}" for name in names}
        empty = f"BENCH-{os.getpid()}-EMPTY"  # closed first: see _close_all
        session_id = f"S-BENCH-{os.getpid()}"
        session = {
            "session": {"id": session_id, "title": "bench", "body": "bench", "date": "2027-01-15"},
            "voters": [{"id": f"V{n}", "name": f"代表{n}"} for n in range(plan.roster)],
            "rounds": [
                {
                    "id": code,
                    "kind": Kind.SELECTION,
                    "secrecy": Secrecy.SECRET,
                    "to_select": min(10, plan.items),
                    "max_yes_per_ballot": None,
                    "items": [
                        {"id": f"P{n}", "number": n, "title": f"项目{n}"}
                        for n in range(1, plan.items + 1)
                    ],
                }
                for code in [*codes.values(), empty]
            ],
        }
        (self.work / "session.json").write_text(json.dumps(session, ensure_ascii=False))
        self.commands(
            ["migrate", "-v0"],
            # A session names an existing congress (import_session makes none).
            [
                *("setup_congress", "--code", "bench", "--name", "bench"),
                *("--username", "bench-staff", "--staff-name", "基准"),
            ],
            ["import_session", str(self.work / "session.json")],
            ["checkin", session_id, "--all"],
            *(
                step
                for name, code in codes.items()
                for step in (
                    ["issue_credentials", code, "--out", str(self.work / f"cards-{name}.csv")],
                    ["open_round", code],
                )
            ),
            ["open_round", empty],
        )
        rounds: dict[str, tuple[str, list[str]]] = {"EMPTY": (empty, [])}
        for name, code in codes.items():
            with (self.work / f"cards-{name}.csv").open() as rows:
                rounds[name] = (code, [row[0] for row in list(csv.reader(rows))[1:]])
        return rounds

    def _settle(self) -> None:
        """Vacuum, analyse and checkpoint what the preparation wrote, as autovacuum would have
        long before a real session (cards are issued days ahead): else round A pays for it alone."""
        with psycopg.connect(f"{self.plan.postgres}/{self.database}", autocommit=True) as c:
            c.execute("VACUUM (ANALYZE)")
            c.execute("CHECKPOINT")

    def _close_all(self, figures: Figures, empty: str, port: int) -> None:
        """Close every round with the product's command, one after another in one process, and
        read each tally. A round without ballots is closed first: its time is the fixed part
        (the code a close runs for the first time in a process), the others' their own work."""
        self.say("Closing the rounds …")
        phases = list(figures.phases.values())
        seconds = self.commands(
            *(["close_round", code] for code in [empty, *(p.round_code for p in phases)])
        )
        figures.close_empty_seconds = seconds[0]
        for phase, close in zip(phases, seconds[1:], strict=True):
            phase.close_seconds = close
            phase.tallied = _tallied(port, phase.round_code)

    def _warm_up(self, ports: list[int], round_: tuple[str, list[str]]) -> list[Answer]:
        """One cast per client, all at once, on the round's spare cards (not in the figures)."""
        plan, (code, cards) = self.plan, round_
        spare = cards[plan.voters : plan.voters + plan.clients]
        warm = closed_loop(ports, code, spare, plan.items, plan.clients)
        time.sleep(WARM_UP_PAUSE)
        return warm.answers

    def _closed(
        self,
        name: str,
        ports: list[int],
        round_: tuple[str, list[str]],
        server_pids: list[int],
    ) -> Phase:
        """Round A or B: `clients` non-pausing tablets cast `voters` ballots."""
        plan, (code, cards) = self.plan, round_
        self.say(
            f"Round {name}: {plan.voters} ballots from {plan.clients} non-pausing clients "
            f"({'wrk' if self.use_wrk else 'Python'}) on {len(ports)} servers …"
        )
        before = cpu.snapshot(server_pids)
        if self.use_wrk:
            load = wrk_load(
                ports,
                code,
                cards[: plan.voters],
                plan.items,
                plan.clients,
                deadline=60 + plan.voters * 0.1,
            )
        else:
            load = closed_loop(ports, code, cards[: plan.voters], plan.items, plan.clients)
        return Phase(code, load, cpu.snapshot(server_pids) - before)

    def _with_screens(
        self, ports: list[int], round_: tuple[str, list[str]], server_pids: list[int]
    ) -> tuple[Phase, Hall]:
        plan, (code, cards) = self.plan, round_
        warm = self._warm_up(ports, round_)
        self.say(f"Round B: connecting {plan.screens} hall screens …")
        screens = Screens(ports, code, plan.screens)
        screens.start()
        try:
            phase = self._closed("B", ports, round_, server_pids)
            phase.extra = list(warm)  # the lone casts join it below
            screens.wait_for(phase.acknowledged, timeout=5)
            # Then lone casts, each once the hall is quiet: the hall's delay without load.
            first = plan.voters + plan.clients
            for card in cards[first : first + PROBES]:
                time.sleep(0.3)
                sent = time.monotonic()
                status, _ = cast(ports[0], code, card, random_choices(plan.items))
                phase.extra.append(Answer(sent, time.monotonic(), status))
                screens.wait_for(phase.acknowledged, timeout=5)
        finally:
            screens.stop()
        lone = sorted(a.answered for a in phase.extra[len(warm) :] if a.acknowledged)
        under_load = phase.load.acknowledged
        before = sum(a.acknowledged for a in warm)
        per_screen = hall_delays(phase.load.ack_times() + lone, screens.screens, base=before)
        hall = Hall(
            screens=plan.screens,
            stayed=screens.stayed,
            under_load=[d for delays in per_screen for d in delays[:under_load]],
            lone=[d for delays in per_screen for d in delays[under_load:]],
            problems=screens.problems(),
        )
        return phase, hall

    def _fixed_rate(
        self, ports: list[int], round_: tuple[str, list[str]], server_pids: list[int]
    ) -> tuple[Phase, FixedRate]:
        plan, (code, cards) = self.plan, round_
        self.say(
            f"Round C: {plan.rate_cards} ballots at {plan.rate:g} a second "
            f"for {plan.rate_seconds:g} s (open loop) …"
        )
        before = cpu.snapshot(server_pids)
        fixed = open_loop(ports, code, cards[: plan.rate_cards], plan.items, plan.rate)
        return Phase(code, fixed.load, cpu.snapshot(server_pids) - before), fixed

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
                *(
                    "-n",
                    "-c",
                    str(self.plan.clients),
                    "-j",
                    "2",
                    "-T",
                    str(self.plan.pgbench_seconds),
                ),
                *("-f", str(script), "-h", url.hostname or "127.0.0.1"),
                *("-p", str(url.port or 5432), "-U", url.username or "postgres"),
                self.database,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        match = re.search(r"tps = ([\d.]+)", done.stdout)
        return float(match.group(1)) if match else 0.0


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


def _tallied(port: int, round_code: str) -> int:
    """Ballots the closed round's tally counts."""
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/api/v1/rounds/{round_code}/tally"
    ) as answer:
        return int(json.load(answer)["ballots_cast"])


def _server_errors(log: Path) -> str:
    """How many errors the servers logged (at ERROR level, with tracebacks) and the last one."""
    if not log.exists():
        return ""
    lines = log.read_text(errors="replace").splitlines()
    count = sum(line.startswith("ERROR:") for line in lines)
    raised = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b.*:", line)]
    if not count:
        return ""
    return f"the servers logged {count} error(s); the last: {raised[-1] if raised else lines[-1]}"
