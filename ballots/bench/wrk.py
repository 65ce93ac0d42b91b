"""Non-pausing tablets from wrk (C, from Debian) with cast.lua, so the load generator takes
little of the CPU the servers need: two threads (one per server, when there are more) share the
`clients` connections, as an event loop in C handles many sockets for less CPU than a thread each
(measured: about half)."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ballots.bench.load import Answer, Load
from ballots.rules.terms import OPTIONS, Kind

SCRIPT = Path(__file__).with_name("cast.lua")
MARK = "bench-wrk: "  # starts done()'s line


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version(path: str) -> str:
    shown = subprocess.run([path, "-v"], capture_output=True, text=True).stdout
    return shown.split(" [")[0].strip() or "wrk"


def wrk_load(
    ports: list[int],
    round_code: str,
    codes: list[str],
    items: int,
    clients: int,
    *,
    deadline: float = 600.0,
) -> Load:
    """Cast one ballot per code from `clients` wrk connections; give up after `deadline` s."""
    threads = min(clients, max(2, len(ports)))
    path = wrk_path()
    if path is None:
        raise RuntimeError("wrk is not on PATH")
    work = Path(tempfile.mkdtemp(prefix="minsheng-bench-wrk-"))
    try:
        return _run(path, work, ports, round_code, codes, items, (threads, clients), deadline)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(
    path: str,
    work: Path,
    ports: list[int],
    round_code: str,
    codes: list[str],
    items: int,
    shape: tuple[int, int],  # wrk's threads and connections
    deadline: float,
) -> Load:
    threads, clients = shape
    (work / "codes.txt").write_text("".join(f"{code}\n" for code in codes))
    env = {
        **os.environ,
        "BENCH_CODES": str(work / "codes.txt"),
        "BENCH_OUT": str(work),
        "BENCH_THREADS": str(threads),
        "BENCH_CONNECTIONS": str(clients),
        "BENCH_PORTS": ",".join(map(str, ports)),
        "BENCH_ROUND": round_code,
        "BENCH_ITEMS": ",".join(f"P{n}" for n in range(1, items + 1)),
        "BENCH_OPTIONS": ",".join(OPTIONS[Kind.SELECTION]),
    }
    command = [
        path,
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{int(deadline) + 30}s",
        "--timeout",
        "30s",  # wrk's histogram holds latencies up to this (longer: no latency figure)
        "-s",
        str(SCRIPT),
        f"http://127.0.0.1:{ports[0]}/",
    ]
    with (work / "stdout.txt").open("w") as out:
        wrk = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        until = time.monotonic() + deadline
        cpu = None
        while cpu is None and time.monotonic() < until:
            if len(list(work.glob("thread-*.txt"))) == threads:
                break
            time.sleep(0.02)
            cpu = _reaped(wrk)
        if cpu is None:
            cpu = _stop(wrk)
    shown = (work / "stdout.txt").read_text()
    summary = next((line for line in shown.splitlines() if line.startswith(MARK)), None)
    if summary is None:
        raise RuntimeError(f"wrk gave no summary:\n{shown}")
    done = json.loads(summary.removeprefix(MARK))
    load = Load(
        client=f"{wrk_version(path)} (C; {threads} threads, {clients} connections, cast.lua)",
        started=done["started"] or None,
        latencies=_latencies(work / "latency.txt"),
    )
    for thread in range(threads):
        load.answers.extend(_answers(work / f"thread-{thread}.txt"))
    unanswered = len(codes) - len(load.answers)  # each card cast ends as one answer line
    if done["finished"] < threads and unanswered > 0:
        now = time.monotonic()  # cards sent (or never sent) without an answer by the deadline
        load.answers.extend(Answer(None, now, 599) for _ in range(unanswered))
    load.client_cpu = cpu
    return load


def _reaped(wrk: "subprocess.Popen[bytes]") -> float | None:
    """wrk's CPU seconds once it has ended (wait4, not Popen.poll, which would lose them)."""
    pid, status, usage = os.wait4(wrk.pid, os.WNOHANG)
    if pid == 0:
        return None
    wrk.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def _stop(wrk: "subprocess.Popen[bytes]") -> float:
    """SIGINT wakes wrk's main thread (asleep for the whole -d) to print its summary and end."""
    for _attempt in range(10):
        wrk.send_signal(signal.SIGINT)
        for _tick in range(100):
            cpu = _reaped(wrk)
            if cpu is not None:
                return cpu
            time.sleep(0.02)
    wrk.kill()
    _pid, _status, usage = os.wait4(wrk.pid, 0)
    wrk.returncode = -signal.SIGKILL
    return usage.ru_utime + usage.ru_stime


def _answers(path: Path) -> list[Answer]:
    if not path.exists():
        return []  # the thread never finished: its answers are lost with it (counted as 599)
    answers = []
    for row in path.read_text().splitlines():
        if row.strip():
            status, answered = row.split()
            answers.append(Answer(None, float(answered), int(status)))
    return answers


def _latencies(path: Path) -> list[float] | None:
    """Seconds, from cast.lua's copy of wrk's histogram ("microseconds count" lines)."""
    if not path.exists():
        return None  # cast.lua could not read it right: no latency figure rather than a wrong one
    latencies: list[float] = []
    for row in path.read_text().splitlines():
        if row.strip():
            micros, count = row.split()
            latencies.extend([int(micros) / 1e6] * int(count))
    return latencies
