"""Run the ASGI server (uvicorn) as a child process on a free port, for the bench and tests."""

import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]  # the checkout: manage.py and config/
APPLICATION = "config.asgi:application"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(port: int, host: str = "127.0.0.1", *, access_log: bool = True) -> list[str]:
    """How the product is served: uvicorn on uvloop and httptools, as in production (which leaves
    the access log to the reverse proxy: the benchmarks pass access_log=False)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        APPLICATION,
        "--host",
        host,
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws",
        "websockets",
        *([] if access_log else ["--no-access-log"]),
    ]


def start_server(
    port: int,
    env: Mapping[str, str],
    log: IO[bytes] | int = subprocess.DEVNULL,
    *,
    access_log: bool = True,
) -> "subprocess.Popen[bytes]":
    """Start the server and return once it accepts connections (or raise if it never does)."""
    server = subprocess.Popen(
        server_command(port, access_log=access_log),
        cwd=ROOT,
        env=dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"the ASGI server on port {port} did not start") from None
            time.sleep(0.2)
