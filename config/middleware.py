"""Content-Security-Policy: no inline scripts, nothing loaded from elsewhere but map tiles, no
connection but to the site itself."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def content_security_policy(host: str | None, secure: bool) -> str:
    """connect-src: this site and its own WebSocket origin (the hall's live counts), never any
    ws:/wss: host. `host` is the request's, once checked against ALLOWED_HOSTS (None if not), so
    it holds no ";" or spaces. Over plain http wss is named too: behind a TLS proxy that Django is
    not told about (BEHIND_TLS_PROXY) the browser's page is https, and its socket wss, on this
    same host."""
    tiles = f" {settings.MAP_TILE_ORIGIN}" if settings.MAP_TILE_ORIGIN else ""
    live = ""
    if host:
        live = f" wss://{host}" if secure else f" ws://{host} wss://{host}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob:{tiles}",
            f"connect-src 'self'{live}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """The policy on every answer, the admin's included (it runs no inline script either)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def policy(self, request: HttpRequest) -> str:
        try:
            host: str | None = request.get_host()
        except DisallowedHost:
            host = None
        return content_security_policy(host, request.is_secure())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy(request))
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Chinese until a person picks English; API clients may ask by Accept-Language.

    Hall tablets and phones often run an English system locale; that alone must not switch the UI.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = settings.LANGUAGE_CODE
        if chosen and translation.check_for_language(chosen):
            language = translation.get_supported_language_variant(chosen)
        elif request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
