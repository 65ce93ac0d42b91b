"""The bench's figures as lines of text, one figure a line, then the issue's acceptance lines
with the measured figure and ✓ / ✗ beside each."""

import os
from dataclasses import dataclass

from ballots.bench.cpu import Cpu
from ballots.bench.load import Load
from ballots.bench.run import Figures, Phase, Plan
from ballots.bench.screens import NEVER, percentile

# The acceptance run: manage.py bench --voters 3000 --items 15 --clients 50 --screens 100
ACCEPTANCE = {"voters": 3000, "items": 15, "clients": 50, "screens": 100}
P99_MS = 250
SHARE_WRK, SHARE_PYTHON = 10.0, 5.0  # % of pgbench's rate, by the load generator used
HALL_P99_MS = 500
SCREENS_DROP = 10.0  # % the casting rate may fall with the screens connected


@dataclass
class Check:
    passed: bool | None  # None: not measured in this run
    text: str

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "–"}[self.passed]
        return f"  {mark} {self.text}"


def report(plan: Plan, f: Figures) -> list[str]:
    lines = [
        f"plan: {plan.voters:,} voters × {plan.items} items, {plan.clients} non-pausing "
        f"clients (A and B each after a warm-up of {plan.clients} casts), "
        f"{plan.servers} uvicorn processes, PostgreSQL + Redis"
        + (f"; {plan.screens} hall screens (round B)" if plan.screens else "")
        + (
            f"; fixed rate {plan.rate:g}/s for {plan.rate_seconds:g} s (round C)"
            if plan.rate
            else ""
        ),
        f"machine: {os.cpu_count()} cores, load average {f.load_average[0]:.1f} before the "
        f"run, {f.load_average[1]:.1f} after",
        f"load generator: {f.client}",
    ]
    a = f.phases["A"]
    lines += _phase("A  non-pausing, no screens", a)
    if "B" in f.phases:
        b = f.phases["B"]
        lines += _phase(f"B  non-pausing, {plan.screens} screens", b, against=a)
        lines += _hall(f)
    if "C" in f.phases and f.fixed is not None:
        c = f.phases["C"]
        lines.append(
            f"C  fixed rate {f.fixed.rate:g}/s, {c.load.client}: "
            f"{c.load.acknowledged:,} acknowledged, errors {c.load.errors or 0}, "
            f"achieved {c.load.rate:.0f} ballots/s; {_latency(c.load)} (from each ballot's "
            "scheduled time); "
            f"connections opened: {f.fixed.connections}"
        )
        lines.append("   " + _cpu(c))
    lines.append(
        f"closing (close_round, its own time): a round without ballots took "
        f"{f.close_empty_seconds:.2f} s; "
        + "; ".join(
            f"round {name}, closing {p.tallied:,} ballots took {p.close_seconds:.2f} s"
            + (f" ({1000 * p.close_seconds / p.tallied:.2f} ms a ballot)" if p.tallied > 0 else "")
            for name, p in f.phases.items()
        )
    )
    lines.append(
        "tally after close: "
        + "; ".join(
            f"{name} {p.tallied:,} counted for {p.acknowledged:,} acknowledged "
            + ("✓" if p.tallied == p.acknowledged else "✗ MISMATCH")
            for name, p in f.phases.items()
        )
    )
    lines.append(
        f"PostgreSQL ceiling (pgbench, one-row insert, {plan.clients} clients, same run): "
        f"{f.ceiling_tps:,.0f} tx/s; casting rate "
        + ", ".join(f"{name} {_share(p, f):.1f} %" for name, p in f.phases.items())
        + " of it"
        if f.ceiling_tps
        else "pgbench gave no figure"
    )
    if f.server_errors:
        lines.append(f.server_errors)
    return lines + acceptance(plan, f)


def _phase(title: str, p: Phase, against: Phase | None = None) -> list[str]:
    load = p.load
    line = (
        f"{title}: {load.acknowledged:,} acknowledged, errors {load.errors or 0}, "
        f"in {load.seconds:.2f} s → {load.rate:.0f} ballots/s; {_latency(load)}"
    )
    if against is not None:
        line += f"; casting rate {_drop(against, p):+.1f} % against A"
    return [line, "   " + _cpu(p)]


def _latency(load: Load) -> str:
    if not load.timed:
        return "latency not measured (wrk's histogram could not be read)"
    timings = load.timings()
    return f"latency p50 {_ms(timings.p50_ms())}, p99 {_ms(timings.p99_ms())}"


def _cpu(p: Phase) -> str:
    acks = p.load.acknowledged or 1
    c: Cpu = p.cpu

    def per(seconds: float | None) -> str:
        return "not measurable" if seconds is None else f"{1000 * seconds / acks:.2f} ms"

    busy = 100 * c.machine_busy / c.machine_total if c.machine_total else 0.0
    return (
        f"CPU per ballot: servers {per(c.servers)}, PostgreSQL {per(c.postgres)}, "
        f"Redis {per(c.redis)}, load generator {per(p.load.client_cpu)} "
        f"(the machine was {busy:.0f} % busy over all cores)"
    )


def _hall(f: Figures) -> list[str]:
    h = f.hall
    if h is None:
        return []
    never = sum(d == NEVER for d in h.under_load)
    lines = [
        f"   hall: {h.stayed} of {h.screens} screens stayed connected; delay from a ballot's "
        f"acknowledgement to a screen showing it: p50 {_ms(1000 * percentile(h.under_load, 0.5))}, "
        f"p99 {_ms(1000 * percentile(h.under_load, 0.99))} over {len(h.under_load):,} "
        f"(screen, ballot) pairs" + (f", {never:,} never shown" if never else ""),
        f"   hall after a lone cast (no load, {len(h.lone) // max(1, h.stayed)} casts): "
        f"p50 {_ms(1000 * percentile(h.lone, 0.5))}, max {_ms(1000 * max(h.lone or [0.0]))}",
    ]
    lines += [f"   a screen failed: {problem}" for problem in h.problems]
    return lines


def acceptance(plan: Plan, f: Figures) -> list[str]:
    a = f.phases["A"]
    b = f.phases.get("B")
    wrk = f.client.startswith("wrk")
    share, least = _share(a, f), SHARE_WRK if wrk else SHARE_PYTHON
    checks = [
        Check(
            all(p.load.error_count == 0 for p in f.phases.values()),
            "0 errors: "
            + ", ".join(f"{name} {p.load.error_count}" for name, p in f.phases.items()),
        ),
        Check(
            all(p.tallied == p.acknowledged for p in f.phases.values()),
            "tally = acknowledged: "
            + ", ".join(
                f"{name} {p.tallied:,} = {p.acknowledged:,}" for name, p in f.phases.items()
            ),
        ),
        Check(
            a.load.timings().p99_ms() < P99_MS if a.load.timed else None,
            f"p99 < {P99_MS} ms ({plan.clients} non-pausing clients): "
            + (_ms(a.load.timings().p99_ms()) if a.load.timed else "not measured"),
        ),
        Check(
            share >= least,
            f"≥ {least:g} % of pgbench with the {'C' if wrk else 'Python'} client: {share:.1f} %",
        ),
    ]
    if f.hall is not None and b is not None:
        hall_p99 = 1000 * percentile(f.hall.under_load, 0.99)
        checks.append(
            Check(
                hall_p99 < HALL_P99_MS and f.hall.stayed == f.hall.screens,
                f"hall p99 < {HALL_P99_MS} ms with {f.hall.screens} screens connected during "
                f"that load: {_ms(hall_p99)}, {f.hall.stayed} of {f.hall.screens} connected",
            )
        )
        checks.append(
            Check(
                _drop(a, b) > -SCREENS_DROP,
                f"casting rate falling < {SCREENS_DROP:g} % with the screens: "
                f"{a.load.rate:.0f} → {b.load.rate:.0f} ballots/s ({_drop(a, b):+.1f} %)",
            )
        )
    else:
        checks.append(Check(None, "hall p99 and the casting rate with screens: --screens 0"))
    lines = ["acceptance (the issue's lines, all from this run):"]
    asked = {"voters": plan.voters, "items": plan.items, "clients": plan.clients}
    asked["screens"] = plan.screens
    if asked != ACCEPTANCE:
        lines.append(
            "  (the issue's run is --voters 3000 --items 15 --clients 50 --screens 100; "
            "this one differs, so read these as a check of the bench, not of the issue)"
        )
    lines += [check.line() for check in checks]
    lines.append(
        f"  · closing {a.tallied:,} ballots took {a.close_seconds:.2f} s (round A; no "
        "threshold, keep it linear: compare the ms a ballot of each round above)"
    )
    return lines


def _share(p: Phase, f: Figures) -> float:
    return 100 * p.load.rate / f.ceiling_tps if f.ceiling_tps else 0.0


def _drop(before: Phase, after: Phase) -> float:
    """How much `after`'s casting rate differs from `before`'s, in % (negative: it fell)."""
    if not before.load.rate:
        return 0.0
    return 100 * (after.load.rate - before.load.rate) / before.load.rate


def _ms(value: float) -> str:
    return "never" if value == NEVER else f"{value:,.0f} ms"
