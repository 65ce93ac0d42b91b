"""The language of an API answer, decided before Django's middleware runs (the body limit and the
lean stack answer some requests themselves), by the rule ChineseFirstLocaleMiddleware applies."""

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header


def cookie_value(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


@lru_cache(maxsize=256)
def api_language(cookie: str, accept: str) -> str:
    """A chosen language (the language cookie), else the request's Accept-Language, else Chinese."""
    if cookie and translation.check_for_language(cookie):
        return translation.get_supported_language_variant(cookie)
    for code, _quality in parse_accept_lang_header(accept):
        if code == "*":
            break
        if not language_code_re.search(code):
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)
