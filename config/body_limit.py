"""Refuse request bodies over a limit before reading them, and cap streamed ones as they arrive.

An ASGI middleware in front of Django: Django would otherwise read the whole body first. A declared
`Content-Length` over the limit is answered at once, without reading a byte of the body; a body
without one (chunked) is counted as it arrives and cut off at the limit. The server (uvicorn) reads
the socket only as fast as the application asks, so a refused body never fills memory. The reverse
proxy in front should refuse the same sizes (docs: README, "Request size limits").
"""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from config.api_language import api_language, cookie_value

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]  # Django's handler types its own arguments

TOO_LARGE = 413  # the voting API's code `request_too_large`, documented with the others


class BodyTooLarge(Exception):
    """The body passed the limit while it was being read."""


def limit_for(path: str) -> int:
    """The voting API takes small JSON; staff pages take uploads (Excel, photos, PDFs)."""
    return settings.API_BODY_MAX_BYTES if path.startswith("/api/") else settings.UPLOAD_MAX_BYTES


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return None


def _language(scope: Scope, api: bool) -> str:
    """The API answers in the request's language; pages stay Chinese unless the person chose."""
    cookie = cookie_value(
        (_header(scope, b"cookie") or b"").decode("latin-1"), settings.LANGUAGE_COOKIE_NAME
    )
    if api:
        return api_language(cookie, (_header(scope, b"accept-language") or b"").decode("latin-1"))
    return cookie if cookie in dict(settings.LANGUAGES) else str(settings.LANGUAGE_CODE)


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    api = str(scope.get("path", "")).startswith("/api/")
    with translation.override(_language(scope, api)):
        detail = _("The request is too large: at most %(mb)s MB may be sent here.") % {
            "mb": f"{limit / (1024 * 1024):.2f}".rstrip("0").rstrip(".")
        }
    if api:
        body = json.dumps({"error": "request_too_large", "detail": detail}, ensure_ascii=False)
        kind = b"application/json"
    else:
        body, kind = detail, b"text/plain; charset=utf-8"
    content = body.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": TOO_LARGE,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(content)).encode()),
                (b"connection", b"close"),  # the rest of the body is never read
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(str(scope.get("path", "")))
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send, limit)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await _refuse(scope, send, limit)
