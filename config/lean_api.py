"""The voting API's busy endpoints served without Django's middleware stack.

Under the ASGI server a cast would otherwise cross twelve synchronous middleware, each a hop to a
thread and back. This stack does what those do for a JSON API with bearer credentials, natively
async: it checks the host against ALLOWED_HOSTS, picks the language (the language cookie, then
Accept-Language), adds the security headers and the body limit (config/body_limit.py, in front).
Django still owns the URLs (a path is resolved by the URLconf; `ballots.api.LEAN_ROUTES` names the
routes that may be served here), the settings and the WebSocket; anything this stack is not sure of
— another method, a host Django must refuse, an http request to redirect to https — goes to Django's
full stack unchanged.
"""

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from ballots.api import LEAN_ROUTES, ApiAnswer, ApiCall, LeanRoute
from config.api_language import api_language, cookie_value
from config.middleware import content_security_policy

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]

PREFIX = "/api/v1/"
logger = logging.getLogger("django.request")


@lru_cache(maxsize=4096)
def _route_of(path: str) -> tuple[LeanRoute, dict[str, Any]] | None:
    """The lean route a path resolves to by Django's URLconf, and its arguments; None: Django's.
    Kept per path: the URLconf does not change while the server runs."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    route = LEAN_ROUTES.get(match.url_name or "")
    return None if route is None else (route, dict(match.kwargs))


class ClientGone(Exception):
    """The client disconnected before its request's body arrived."""


@lru_cache(maxsize=256)
def host_allowed(host: str) -> bool:
    """What Django's request.get_host() accepts (ALLOWED_HOSTS, and DEBUG's local names)."""
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _headers(scope: Scope) -> dict[str, str]:
    """Header names in lower case; a repeated header's values joined by commas, as Django does."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


def _secure(scope: Scope, headers: dict[str, str]) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        name, expected = settings.SECURE_PROXY_SSL_HEADER
        header = name.removeprefix("HTTP_").replace("_", "-").lower()
        if header in headers:
            return headers[header].split(",", 1)[0].strip() == expected
    return scope.get("scheme") == "https"


@lru_cache(maxsize=256)
def _security_headers(host: str, secure: bool, language: str) -> tuple[tuple[bytes, bytes], ...]:
    """What SecurityMiddleware, the CSP, clickjacking and locale middleware add to an API answer."""
    headers = [
        ("Content-Language", language),
        ("Vary", "Accept-Language"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Content-Security-Policy", content_security_policy(host, secure)),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    return tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in headers)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class LeanApi:
    """ASGI: the routes of `LEAN_ROUTES` served here, everything else by `django`."""

    def __init__(self, django: ASGIApp) -> None:
        self.django = django

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(PREFIX):
            await self.django(scope, receive, send)
            return
        found = _route_of(path)
        headers = _headers(scope)
        host = headers.get("x-forwarded-host" if settings.USE_X_FORWARDED_HOST else "host", "")
        secure = _secure(scope, headers)
        if (
            found is None
            or scope["method"] not in found[0].methods
            or not host_allowed(host)
            or (settings.SECURE_SSL_REDIRECT and not secure)
        ):
            await self.django(scope, receive, send)  # Django answers these as it always has
            return
        try:
            body: bytes | None = await _body(receive)
        except ClientGone:
            return
        if body is not None and len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            body = None  # as Django's request.body would refuse it
        cookie = cookie_value(headers.get("cookie", ""), settings.LANGUAGE_COOKIE_NAME)
        language = api_language(cookie, headers.get("accept-language", ""))
        with translation.override(language):
            try:
                route, kwargs = found
                answer = await route.endpoint(ApiCall(headers, body), **kwargs)
            except Exception:
                logger.exception("Internal Server Error: %s", path)
                answer = ApiAnswer(
                    500,
                    {"error": "server_error", "detail": _("The server failed; please try again.")},
                )
        await _respond(send, answer, _security_headers(host, secure, language))


async def _respond(send: Send, answer: ApiAnswer, extra: tuple[tuple[bytes, bytes], ...]) -> None:
    content = json.dumps(answer.payload).encode()  # as JsonResponse writes it
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
