"""QR codes (segno) to public pages: always an absolute address that a phone can open."""

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe


def public_url(request: HttpRequest, path: str) -> str:
    """SITE_URL when set (a sign printed from a staff laptop or behind a proxy must carry the
    public host), else the address the request came in by."""
    site = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{site}{path}" if site else request.build_absolute_uri(path)


def qr_code(url: str) -> segno.QRCode:
    """Error level M at least (segno raises it when the size allows): a sign outdoors gets dirty."""
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, title: str) -> SafeString:
    """The code as inline SVG for a page: no image request, sharp at any size, prints well."""
    svg = qr_code(url).svg_inline(
        scale=1, border=4, omitsize=True, title=title, svgclass="qr-code", light="#fff"
    )
    return mark_safe(svg)  # segno escapes the title; the rest is its own markup
