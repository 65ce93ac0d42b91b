"""What one load phase saw, request by request, and the figures drawn from it.

Every time is `time.monotonic()` (CLOCK_MONOTONIC), the clock wrk's Lua script reads too, so the
answers of either client compare with the moments the hall screens saw a count.
"""

from collections import Counter
from dataclasses import dataclass, field

from ballots.bench.tools import Timings

CREATED = 201  # the ballot is stored
REPLAYED = 200  # a retry after a lost answer: the ballot had been stored, its receipt again
NO_ANSWER = 599  # the connection broke before an answer came


@dataclass(frozen=True)
class Answer:
    sent: float | None  # when the request went out (fixed rate: when it was due); wrk: unknown
    answered: float
    status: int

    @property
    def acknowledged(self) -> bool:
        return self.status in (CREATED, REPLAYED)


@dataclass
class Load:
    client: str  # which load generator, as the report names it
    answers: list[Answer] = field(default_factory=list)
    client_cpu: float | None = None  # CPU seconds the load generator used, when measurable
    started: float | None = None  # when the first request went out, if not in the answers
    latencies: list[float] | None = None  # seconds, if not from the answers (wrk's histogram)

    @property
    def acknowledged(self) -> int:
        return sum(answer.acknowledged for answer in self.answers)

    @property
    def errors(self) -> dict[int, int]:
        """Answers other than 201 and 200, by status (599: none came)."""
        return dict(Counter(a.status for a in self.answers if not a.acknowledged))

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def ack_times(self) -> list[float]:
        """When each acknowledgement reached the client, earliest first."""
        return sorted(a.answered for a in self.answers if a.acknowledged)

    @property
    def seconds(self) -> float:
        """From the first request sent (or due) to the last answer."""
        sent = [a.sent for a in self.answers if a.sent is not None]
        start = self.started if self.started is not None else min(sent, default=None)
        if not self.answers or start is None:
            return 0.0
        return max(a.answered for a in self.answers) - start

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds else 0.0

    @property
    def timed(self) -> bool:
        """Whether each request's latency is known (not when wrk's histogram was unreadable)."""
        return bool(self.timings().latencies)

    def timings(self) -> Timings:
        return Timings(
            ok=self.acknowledged,
            errors=self.errors,
            seconds=self.seconds,
            latencies=self.latencies
            if self.latencies is not None
            else [a.answered - a.sent for a in self.answers if a.sent is not None],
        )
