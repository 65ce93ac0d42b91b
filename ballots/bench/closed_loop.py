"""Non-pausing tablets in Python: each of `clients` connections sends its next ballot as soon as
its answer came, taking cards from one shared pile until none are left (asyncio, on uvloop when
installed). Used when wrk is not on PATH, or with --python-client."""

import asyncio
import resource
import time

from ballots.bench.http1 import Connection, cast_request, loop_name, random_choices, run_fast
from ballots.bench.load import NO_ANSWER, Answer, Load

RETRIES = 2  # a ballot whose answer was lost is sent again (same card, key and choices)


def closed_loop(
    ports: list[int], round_code: str, codes: list[str], items: int, clients: int
) -> Load:
    load = Load(client=f"Python asyncio on {loop_name()} (non-pausing)")
    pile = iter(codes)

    async def tablet(number: int) -> None:
        connection = Connection(ports[number % len(ports)])
        try:
            for code in pile:  # shared by every tablet: each card is cast once
                request = cast_request(round_code, code, random_choices(items))
                for _attempt in range(1 + RETRIES):
                    sent = time.monotonic()
                    status = await connection.send(request)
                    load.answers.append(Answer(sent, time.monotonic(), status))
                    if status != NO_ANSWER:
                        break
        finally:
            connection.close()

    async def main() -> None:
        await asyncio.gather(*(tablet(n) for n in range(clients)))

    before = _own_cpu()
    run_fast(main)
    load.client_cpu = _own_cpu() - before
    return load


def _own_cpu() -> float:
    """CPU seconds of this whole process (its hall-screen thread too, when screens listen)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
