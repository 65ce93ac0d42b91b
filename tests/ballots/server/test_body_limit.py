"""Bodies over the limit are refused before they are read, so nobody can fill the server's memory.

The attack: a 300 MB POST to the voting API without signing in. The server must answer at once,
from the declared length, with the contract's JSON error, and its memory must not grow.
"""

import json
import socket
import time
from pathlib import Path

import pytest

from tests.server import server_pid

pytestmark = pytest.mark.django_db(transaction=True)
HUGE = 300 * 1024 * 1024


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _exchange(base: str, head: str, body: bytes) -> tuple[int, bytes, float]:
    """Send the head and the start of a body, then read the answer: status, body, seconds."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(head.encode("latin-1") + body)
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # the server drops a connection whose body it will never read
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2], time.monotonic() - started


def test_a_huge_declared_ballot_is_refused_at_once_with_the_contracts_error(
    asgi_server: str,
) -> None:
    before = _rss_mb(server_pid())
    head = (
        "POST /api/v1/rounds/R1/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {HUGE}\r\n"
        "Accept-Language: en\r\n\r\n"
    )
    # Answered while all 300 MB are still unsent: nothing waits for the body. (A client that
    # keeps sending is cut off: the server closes the connection instead of reading on.)
    status, body, seconds = _exchange(asgi_server, head, b"")
    assert status == 413 and seconds < 5
    answer = json.loads(body)
    assert answer["error"] == "request_too_large" and "at most" in answer["detail"]
    assert _rss_mb(server_pid()) - before < 30


def test_a_streamed_body_is_cut_off_at_the_limit(asgi_server: str) -> None:
    head = (
        "POST /api/v1/rounds/R1/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 8192  # 40 of them: past the API's 256 KiB
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(40)) + b"0\r\n\r\n"
    status, answer, _seconds = _exchange(asgi_server, head, body)
    assert status == 413 and json.loads(answer)["error"] == "request_too_large"


def test_an_upload_page_refuses_a_file_over_its_limit_in_chinese(asgi_server: str) -> None:
    head = (
        "POST /work/hill/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 50000000\r\n\r\n"
    )
    status, body, _seconds = _exchange(asgi_server, head, b"")
    assert status == 413 and "请求过大" in body.decode()
