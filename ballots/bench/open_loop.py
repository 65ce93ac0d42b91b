"""Ballots arriving at a fixed rate, whatever the answers: an open loop.

The i-th ballot is due at start + i/rate and is sent then on an idle connection, or on a new one
when all are busy. Its latency counts from when it was due, not from when it could be sent, so a
server that falls behind shows it in p99 instead of slowing the clients down (no coordinated
omission).
"""

import asyncio
import resource
import time
from dataclasses import dataclass

from ballots.bench.closed_loop import RETRIES
from ballots.bench.http1 import Connection, cast_request, loop_name, random_choices, run_fast
from ballots.bench.load import NO_ANSWER, Answer, Load

MAX_CONNECTIONS = 256  # past this a due ballot waits for a free connection (its latency grows)


@dataclass
class FixedRate:
    load: Load
    rate: float  # offered, ballots per second
    connections: int  # opened to keep up


def open_loop(
    ports: list[int], round_code: str, codes: list[str], items: int, rate: float
) -> FixedRate:
    load = Load(client=f"Python asyncio on {loop_name()} (open loop)")
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    opened = 0

    async def one(due: float, code: str) -> None:
        nonlocal opened
        request = cast_request(round_code, code, random_choices(items))
        if not idle.empty() or opened >= MAX_CONNECTIONS:
            connection = await idle.get()
        else:
            connection = Connection(ports[opened % len(ports)])
            opened += 1
        for _attempt in range(1 + RETRIES):
            status = await connection.send(request)
            load.answers.append(Answer(due, time.monotonic(), status))
            if status != NO_ANSWER:
                break
        idle.put_nowait(connection)

    async def main() -> None:
        start = time.monotonic() + 0.05
        pending: list[asyncio.Task[None]] = []
        for number, code in enumerate(codes):
            due = start + number / rate
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            pending.append(asyncio.create_task(one(due, code)))
        await asyncio.gather(*pending)
        while not idle.empty():
            idle.get_nowait().close()

    usage = resource.getrusage(resource.RUSAGE_SELF)
    run_fast(main)
    after = resource.getrusage(resource.RUSAGE_SELF)
    load.client_cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    return FixedRate(load=load, rate=rate, connections=opened)
