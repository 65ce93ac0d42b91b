"""JSON from outside (a tablet's ballot, a session file), read with a guard.

Python's `json` accepts what these inputs must not: a key given twice keeps the last value
silently (`{"P1": "yes", "P1": "no"}` is ambiguous), NaN and Infinity, numbers of any length (a
long one costs time, then fails with a plain ValueError), and nesting until the interpreter runs
out of stack (a RecursionError). Each is refused here with a clear reason instead.
"""

import json
import math
from typing import Any

from django.utils.translation import gettext as _

MAX_DEPTH = 32  # the session file needs 5, a ballot 2
MAX_DIGITS = 30  # far above any count, number or limit the product takes


class JsonRefused(ValueError):
    """The text is not JSON the product accepts; `detail` says why, in the active language."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            shown = key if len(key) <= 64 else f"{key[:64]}…"
            raise JsonRefused(_("The JSON gives the key “%(key)s” twice.") % {"key": shown})
        found[key] = value
    return found


def _number_refused() -> JsonRefused:
    return JsonRefused(_("The JSON has a number that is too long or not finite."))


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _number_refused()
    return int(text)


def _decimal(text: str) -> float:
    value = float(text)
    if len(text) > 64 or not math.isfinite(value):
        raise _number_refused()
    return value


def _constant(text: str) -> float:
    raise _number_refused()  # NaN, Infinity, -Infinity: not JSON


def _too_deep(value: Any, limit: int) -> bool:
    """Deeper than `limit` containers, found without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def strict_loads(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Decode UTF-8 JSON; raise JsonRefused for bad encoding or syntax, a repeated key, NaN or
    Infinity, a number of more than MAX_DIGITS digits, or nesting deeper than `max_depth`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonRefused(_("The text is not UTF-8.")) from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_repeated_keys,
            parse_int=_whole,
            parse_float=_decimal,
            parse_constant=_constant,
        )
    except RecursionError:
        raise JsonRefused(_("The JSON is nested too deeply.")) from None
    except json.JSONDecodeError as error:
        raise JsonRefused(
            _("The text is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    if _too_deep(value, max_depth):
        raise JsonRefused(_("The JSON is nested too deeply."))
    return value
