"""A client for the product's ASGI application itself, in this process, with the calls of
Django's test Client that the API tests use: what the ASGI server runs, without a server."""

import json
from typing import Any
from urllib.parse import unquote

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator


class AsgiResponse:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], content: bytes) -> None:
        self.status_code = status
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}
        self.content = content

    def json(self) -> Any:
        return json.loads(self.content)


class AsgiClient:
    asgi = True

    def get(self, path: str, **extra: str) -> AsgiResponse:
        return self._call("GET", path, b"", extra)

    def post(
        self, path: str, data: str | bytes = b"", content_type: str = "", **extra: str
    ) -> AsgiResponse:
        body = data.encode() if isinstance(data, str) else data
        return self._call("POST", path, body, {**extra, "CONTENT_TYPE": content_type})

    def _call(self, method: str, path: str, body: bytes, extra: dict[str, str]) -> AsgiResponse:
        named = {"host": "127.0.0.1", "content-length": str(len(body))}
        for key, value in extra.items():
            named[key.removeprefix("HTTP_").replace("_", "-").lower()] = str(value)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in named.items()]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        return async_to_sync(self._run)(scope, body)

    async def _run(self, scope: dict[str, Any], body: bytes) -> AsgiResponse:
        from config.asgi import router  # not `application`: this loop is no server's own

        app: Any = ApplicationCommunicator(router, scope)  # type: ignore[no-untyped-call]
        await app.send_input({"type": "http.request", "body": body, "more_body": False})
        start = await app.receive_output(timeout=30)
        content = b""
        while True:
            message = await app.receive_output(timeout=30)
            content += message.get("body", b"")
            if not message.get("more_body", False):
                break
        await app.wait(timeout=5)
        return AsgiResponse(start["status"], start.get("headers", []), content)
