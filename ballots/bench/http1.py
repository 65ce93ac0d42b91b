"""A lean HTTP/1.1 keep-alive client on asyncio streams, for the Python load generators.

http.client in threads costs the client more CPU than the server spends on some requests; this
writes prepared bytes and reads just enough of the answer to know its status and where it ends.
"""

import asyncio
import json
import random
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from ballots.bench.load import NO_ANSWER
from ballots.rules.terms import OPTIONS, Kind

T = TypeVar("T")


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: bytes) -> int:
        """Send one request and read its whole answer: its status, or 599 when none came (the
        next send opens a new connection)."""
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            assert self.reader is not None
            self.writer.write(request)
            head = await self.reader.readuntil(b"\r\n\r\n")
            status, length, chunked, close = _head(head)
            if chunked:
                await _read_chunks(self.reader)
            else:
                await self.reader.readexactly(length)
            if close:
                self.close()
            return status
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            self.close()
            return NO_ANSWER

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _head(head: bytes) -> tuple[int, int, bool, bool]:
    """Status, Content-Length, chunked?, and whether the server closes after this answer."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, close = 0, False, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "connection":
            close = value == "close"
    return status, length, chunked, close


async def _read_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)  # the chunk and its CRLF
        if size == 0:
            return


def cast_request(round_code: str, code: str, choices: dict[str, str]) -> bytes:
    """POST one ballot, as a tablet does (interfaces.md): the card, an idempotency key."""
    body = json.dumps({"choices": choices}).encode()
    head = (
        f"POST /api/v1/rounds/{round_code}/ballots HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\n"
        f"Authorization: Bearer {code}\r\n"
        f"Idempotency-Key: {code[-8:]}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def random_choices(items: int) -> dict[str, str]:
    """A mark on every item of the bench's selection round (items P1…Pn)."""
    return {f"P{n}": random.choice(OPTIONS[Kind.SELECTION]) for n in range(1, items + 1)}


def run_fast(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main()` on uvloop when it is installed (as the servers do), else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main())
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main())


def loop_name() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"
