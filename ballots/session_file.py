"""The session file of interfaces.md: parsed and checked whole before anything is stored."""

import datetime
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from ballots.json_input import JsonRefused, strict_loads
from ballots.rules.terms import Kind, Secrecy
from projects.validation import CONTROL, LINE_BREAK_OR_TAB

# A caller's id, whole: \A and \Z, not ^ and $ (`$` also matches before a final newline, and
# RegexField searches), so "R1\n" is not an id whether this is matched, searched or fullmatched.
CODE = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
DATE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MAX_NUMBER = 999  # an item's number on the printed ballot
MAX_COUNT = 999  # places to fill, "for" marks per ballot: never more than the items


@dataclass(frozen=True)
class ItemSpec:
    id: str
    number: int
    title: str
    project: str = ""  # an evaluation item's tracked project id (optional)


@dataclass(frozen=True)
class RoundSpec:
    id: str
    kind: str
    secrecy: str
    to_select: int | None
    max_yes_per_ballot: int | None
    items: list[ItemSpec]


@dataclass(frozen=True)
class SessionSpec:
    id: str
    title: str
    body: str
    date: datetime.date
    voters: list[tuple[str, str]]
    rounds: list[RoundSpec]


class SessionFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def load_session_file(raw: bytes) -> Any:
    """The file's bytes as JSON, read with a guard (ballots.json_input); SessionFileError if not."""
    try:
        return strict_loads(raw)
    except JsonRefused as refused:
        raise SessionFileError([refused.detail]) from None


def _unprintable(text: str) -> bool:
    """Control characters, line breaks and tabs, broken surrogate halves, U+FFFE/U+FFFF: none
    belongs in a one-line name (projects.validation's rule for every form and sheet), and
    PostgreSQL refuses NUL and broken UTF-8 outright."""
    return bool(CONTROL.search(text) or LINE_BREAK_OR_TAB.search(text))


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(where, _("must be an object"))
        return {}

    def text(self, obj: dict[str, Any], key: str, where: str, limit: int = 200) -> str:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", _("must be a non-empty string"))
            return ""
        value = value.strip()
        if len(value) > limit:
            self.fail(f"{where}.{key}", _("is longer than %(n)d characters") % {"n": limit})
        elif _unprintable(value):
            self.fail(f"{where}.{key}", _("contains control characters or broken Unicode"))
        return value

    def code(self, obj: dict[str, Any], where: str) -> str:
        value = obj.get("id")
        if not isinstance(value, str) or not CODE.fullmatch(value):
            self.fail(f"{where}.id", _("must be 1–64 letters, digits, '-' or '_'"))
            return ""
        return value

    def count(self, obj: dict[str, Any], key: str, where: str) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if not _whole(value, MAX_COUNT):
            self.fail(
                f"{where}.{key}",
                _("must be a whole number from 1 to %(n)d, or null") % {"n": MAX_COUNT},
            )
            return None
        return int(value)

    def date(self, obj: dict[str, Any], key: str, where: str) -> datetime.date:
        value = obj.get(key)
        if isinstance(value, str) and DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(f"{where}.{key}", _("must be a date written YYYY-MM-DD"))
        return datetime.date(1970, 1, 1)


def _whole(value: Any, most: int) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= most


def parse_session_file(data: Any) -> SessionSpec:
    """Check the whole file; raise SessionFileError listing every problem found."""
    r = _Reader()
    top = r.obj(data, "$")
    session = r.obj(top.get("session"), "session")
    sid = r.code(session, "session")
    title = r.text(session, "title", "session")
    body = r.text(session, "body", "session", limit=120)
    date = r.date(session, "date", "session")

    voters: list[tuple[str, str]] = []
    raw_voters = top.get("voters")
    if not isinstance(raw_voters, list) or not raw_voters:
        r.fail("voters", _("must be a non-empty list"))
        raw_voters = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_voters):
        where = f"voters[{index}]"
        voter = r.obj(raw, where)
        vid, name = r.code(voter, where), r.text(voter, "name", where, limit=60)
        if vid in seen:
            r.fail(f"{where}.id", _("repeats the voter id %(id)s") % {"id": vid})
        seen.add(vid)
        voters.append((vid, name))

    rounds: list[RoundSpec] = []
    raw_rounds = top.get("rounds")
    if not isinstance(raw_rounds, list):
        r.fail("rounds", _("must be a list"))
        raw_rounds = []
    round_ids: set[str] = set()
    for index, raw in enumerate(raw_rounds):
        spec = _round(r, r.obj(raw, f"rounds[{index}]"), f"rounds[{index}]")
        if spec.id in round_ids:
            r.fail(f"rounds[{index}].id", _("repeats the round id %(id)s") % {"id": spec.id})
        round_ids.add(spec.id)
        rounds.append(spec)
    if r.problems:
        raise SessionFileError(r.problems)
    return SessionSpec(sid, title, body, date, voters, rounds)


def _round(r: _Reader, obj: dict[str, Any], where: str) -> RoundSpec:
    rid = r.code(obj, where)
    kind = obj.get("kind")
    if not isinstance(kind, str) or kind not in set(Kind):
        r.fail(f"{where}.kind", _('must be "selection" or "evaluation"'))
    secrecy = obj.get("secrecy")
    if not isinstance(secrecy, str) or secrecy not in set(Secrecy):
        r.fail(f"{where}.secrecy", _('must be "secret" or "named"'))
    to_select = r.count(obj, "to_select", where)
    max_yes = r.count(obj, "max_yes_per_ballot", where)
    if kind == Kind.EVALUATION and (to_select is not None or max_yes is not None):
        r.fail(where, _("an evaluation round takes no to_select or max_yes_per_ballot"))
    items: list[ItemSpec] = []
    raw_items = obj.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        r.fail(f"{where}.items", _("must be a non-empty list"))
        raw_items = []
    ids: set[str] = set()
    numbers: set[int] = set()
    projects: set[str] = set()
    for index, raw in enumerate(raw_items):
        here = f"{where}.items[{index}]"
        item = r.obj(raw, here)
        iid, title = r.code(item, here), r.text(item, "title", here)
        number = item.get("number")
        if not _whole(number, MAX_NUMBER):
            r.fail(
                f"{here}.number", _("must be a whole number from 1 to %(n)d") % {"n": MAX_NUMBER}
            )
            number = 0
        elif number in numbers:
            r.fail(f"{here}.number", _("repeats the number %(n)d") % {"n": number})
        if iid in ids:
            r.fail(f"{here}.id", _("repeats the item id %(id)s") % {"id": iid})
        ids.add(iid)
        numbers.add(number)
        project = _project(r, item, here, kind=str(kind), item_id=iid)
        if project and project in projects:
            r.fail(f"{here}.project", _("repeats the project %(id)s") % {"id": project})
        projects.add(project)
        items.append(ItemSpec(iid, number, title, project))
    if to_select is not None and items and to_select > len(items):
        r.fail(f"{where}.to_select", _("is more than the number of items"))
    return RoundSpec(rid, str(kind), str(secrecy), to_select, max_yes, items)


def _project(r: _Reader, item: dict[str, Any], where: str, *, kind: str, item_id: str) -> str:
    """An item's optional tracked project id: an id, and only on an evaluation round's item.
    Whether the congress has that project is checked where the congress is known (round_create)."""
    value = item.get("project")
    if value is None:
        return ""
    if not isinstance(value, str) or not CODE.fullmatch(value):
        r.fail(f"{where}.project", _("must be 1–64 letters, digits, '-' or '_'"))
        return ""
    if kind != Kind.EVALUATION:
        r.fail(
            f"{where}.project",
            _("item %(item)s names a tracked project, but only an evaluation round's items may")
            % {"item": item_id},
        )
        return ""
    return value
