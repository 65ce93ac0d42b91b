"""Hall screens: WebSocket clients on a round's live channel, in a thread of the bench process,
noting when each count arrived; and the hall delay drawn from those notes.

Hall delay: for the i-th acknowledged ballot (acknowledgements in the order the client got
them), how long after that acknowledgement a screen first showed `ballots_cast >= base + i` (0
when it already had: the count may run ahead of answers still on their way), `base` being the
ballots the round had before. Once the i-th answer is in, at least base + i ballots are stored,
so a screen showing fewer is behind by at least that one.
"""

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from websockets.asyncio.client import connect

NEVER = float("inf")


@dataclass
class Screen:
    seen: list[tuple[float, int]] = field(default_factory=list)  # (when, ballots_cast)
    connected: bool = False
    dropped: bool = False  # its connection ended while the bench was still listening
    problem: str = ""


class Screens:
    def __init__(self, ports: list[int], round_code: str, count: int) -> None:
        self.urls = [
            f"ws://127.0.0.1:{ports[n % len(ports)]}/ws/rounds/{round_code}/" for n in range(count)
        ]
        self.screens = [Screen() for _ in range(count)]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stopping = False
        self.tasks: list[asyncio.Task[None]] = []

    def start(self, timeout: float = 60.0) -> None:
        """Connect every screen and return once each has its first count (or `timeout` passed)."""
        self.thread.start()

        async def begin() -> None:
            self.tasks = [
                asyncio.create_task(self._watch(screen, url))
                for screen, url in zip(self.screens, self.urls, strict=True)
            ]

        asyncio.run_coroutine_threadsafe(begin(), self.loop).result(timeout=10)
        self._until(lambda s: bool(s.seen) or s.dropped, timeout)

    async def _watch(self, screen: Screen, url: str) -> None:
        try:
            async with connect(url, open_timeout=60, ping_interval=None, max_queue=None) as ws:
                screen.connected = True
                async for message in ws:
                    screen.seen.append((time.monotonic(), json.loads(message)["ballots_cast"]))
        except asyncio.CancelledError:
            raise
        except Exception as problem:  # a screen that fails is counted, never fatal
            screen.problem = repr(problem)
        if not self.stopping:
            screen.dropped = True

    def wait_for(self, count: int, timeout: float) -> None:
        """Until every screen still connected has shown at least `count` ballots."""
        self._until(lambda s: s.dropped or _shown(s) >= count, timeout)

    def _until(self, ready: Callable[[Screen], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(ready(s) for s in self.screens):
            time.sleep(0.01)

    def stop(self) -> None:
        self.stopping = True

        async def shutdown() -> None:
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    @property
    def stayed(self) -> int:
        """Screens connected from the start to the end."""
        return sum(s.connected and not s.dropped for s in self.screens)

    def problems(self) -> list[str]:
        return sorted({s.problem for s in self.screens if s.problem})


def _shown(screen: Screen) -> int:
    return max((count for _, count in screen.seen), default=-1)


def hall_delays(
    ack_times: list[float], screens: Iterable[Screen], base: int = 0
) -> list[list[float]]:
    """For each screen that connected, each ballot's delay in seconds, in the order of
    `ack_times` (NEVER when that screen never showed it)."""
    return [_delays(ack_times, screen.seen, base) for screen in screens if screen.connected]


def _delays(ack_times: list[float], seen: list[tuple[float, int]], base: int) -> list[float]:
    delays: list[float] = []
    j, best, best_at = 0, -1, 0.0  # best: the highest count seen so far, first shown at best_at
    for i, acked in enumerate(ack_times, start=base + 1):
        while best < i and j < len(seen):
            at, count = seen[j]
            j += 1
            if count > best:
                best, best_at = count, at
        if best < i:
            return delays + [NEVER] * (len(ack_times) - len(delays))
        delays.append(max(0.0, best_at - acked))
    return delays


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of them lie (as tools.Timings counts p99)."""
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
