"""CPU time of the processes a load phase keeps busy, read from /proc (Linux) before and after.

utime + stime of a process covers all its threads. PostgreSQL forks a backend per connection
and reaps it when the connection closes; a reaped backend's time moves into the postmaster's
cutime + cstime, so the sum over live `postgres` processes plus the postmaster's reaped children
misses no backend that came and went during the phase.
"""

import os
from dataclasses import dataclass, fields
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass
class Cpu:
    """CPU seconds (None: not measurable here, e.g. PostgreSQL on another machine)."""

    servers: float | None = None  # the uvicorn processes the bench started
    postgres: float | None = None  # every postgres process of this machine
    redis: float | None = None  # redis-server
    machine_busy: float = 0.0  # all of this machine's CPUs, anyone's work
    machine_total: float = 0.0  # busy + idle

    def __sub__(self, before: "Cpu") -> "Cpu":
        spent = Cpu()
        for name in (f.name for f in fields(self)):
            now, then = getattr(self, name), getattr(before, name)
            setattr(spent, name, None if now is None or then is None else now - then)
        return spent


def snapshot(server_pids: list[int]) -> Cpu:
    servers = [_times(pid) for pid in server_pids]
    postgres = _postgres()
    redis = [_times(pid) for pid in _named("redis-server")]
    busy, total = _machine()
    return Cpu(
        servers=sum(t[0] for t in servers if t) if servers and all(servers) else None,
        postgres=postgres,
        redis=sum(t[0] for t in redis if t) if redis else None,
        machine_busy=busy,
        machine_total=total,
    )


def children(command_word: str) -> list[int]:
    """This process's children whose command line holds `command_word` (the bench's servers)."""
    me = os.getpid()
    found = []
    for pid in _pids():
        stat = _stat(pid)
        if stat and int(stat[1]) == me and command_word in _cmdline(pid):
            found.append(pid)
    return found


def _postgres() -> float | None:
    pids = _named("postgres")
    parent_of = {pid: int(stat[1]) for pid in pids if (stat := _stat(pid))}
    total = 0.0
    for pid in pids:
        times = _times(pid)
        if times is None:
            continue
        own, reaped = times
        total += own
        if parent_of.get(pid) not in parent_of:  # the postmaster: its reaped backends too
            total += reaped
    return total if pids else None


def _named(comm: str) -> list[int]:
    return [pid for pid in _pids() if _comm(pid) == comm]


def _times(pid: int) -> tuple[float, float] | None:
    """(utime + stime, cutime + cstime) in seconds, or None if the process is gone."""
    stat = _stat(pid)
    if stat is None:
        return None
    # fields after "(comm)": state is [0], so utime (field 14) is [11]
    utime, stime, cutime, cstime = (int(v) for v in stat[11:15])
    return (utime + stime) / TICK, (cutime + cstime) / TICK


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def _comm(pid: int) -> str:
    try:
        return (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def _machine() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine since boot (all cores)."""
    first = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(v) for v in first[:8]]  # user nice system idle iowait irq softirq steal
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / TICK, sum(ticks) / TICK
