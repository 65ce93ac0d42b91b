"""The action log as people read it: Beijing time, names not logins, details in words."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.action_log import SYSTEM_ACTOR, action_label
from projects.models import ActionEntry, Criterion, Level, Role, Status

# What each key of an entry's detail means, for the words beside it.
DETAIL_WORDS: dict[str, str | Promise] = {
    "title": _("title"),
    "voters": _("representatives"),
    "rounds": _("rounds"),
    "kind": _("kind"),
    "secrecy": _("voting"),
    "to_select": _("places to fill"),
    "max_yes_per_ballot": _("most “for” marks per ballot"),
    "items": _("items"),
    "follows": _("follows round"),
    "cards": _("cards"),
    "numbers": _("card numbers"),
    "number": _("card number"),
    "present": _("present"),
    "seats": _("seats"),
    "public_key": _("key"),
    "ballots_cast": _("ballots cast"),
    "outcome": _("outcome"),
    "bundle_sha256": _("bundle SHA-256"),
    "name": _("name"),
    "station": _("station"),
    "year": _("year"),
    "fields": _("fields"),
    "from": _("previous status"),
    "to": _("new status"),
    "reason": _("reason"),
    "criterion": _("criterion"),
    "into": _("merged into"),
    "file": _("file"),
    "bytes": _("bytes"),
    "order": _("order"),
    "candidates": _("candidates"),
    "object": _("record"),
    "username": _("user name"),
    "role": _("role"),
    "unit": _("implementing unit"),
    "stations": _("liaison stations"),
    "level": _("level"),
    "on": _("as of"),
    "red": _("red"),
    "yellow": _("yellow"),
    "green": _("green"),
    "none": _("no colour"),
    "tasks": _("tasks"),
    "notifications": _("notifications"),
    "projects": _("projects"),
    "progress": _("progress (%)"),
    "approved": _("approved"),
    "selected": _("selected"),
    "reserve": _("to the reserve pool"),
}
# Words for coded values of some keys (a kind, an outcome, a status…); each app adds its own.
VALUE_WORDS: dict[str, dict[str, str | Promise]] = {}


def register_value_words(key: str, words: Iterable[tuple[str, str | Promise]]) -> None:
    """The log shows these words for `key`'s coded values without importing the app they are in."""
    VALUE_WORDS.setdefault(key, {}).update({str(value): label for value, label in words})


register_value_words("role", Role.choices)
register_value_words("level", Level.choices)
register_value_words("from", Status.choices)
register_value_words("to", Status.choices)
register_value_words("criterion", Criterion.choices)


@dataclass(frozen=True)
class LogRow:
    entry: ActionEntry
    when: datetime.datetime | None  # in the install's time zone (北京时间)
    who: str
    what: str
    details: list[str]


def _when(at: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    except ValueError:
        return None  # an edited entry: the chain check reports it
    return timezone.localtime(moment)


def _value(value: Any) -> str:
    if isinstance(value, list):
        shown = "、".join(_value(v) for v in value[:12])
        return shown + ("…" if len(value) > 12 else "")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return "；".join(f"{k}: {_value(v)}" for k, v in value.items())
    text = str(value)
    return text[:16] + "…" if len(text) > 40 and " " not in text else text


def detail_words(detail: Any) -> list[str]:
    if not isinstance(detail, dict):
        return [_value(detail)]
    return [
        f"{DETAIL_WORDS.get(key, key)}：{_value(_worded(key, value))}"
        for key, value in detail.items()
    ]


def register_detail_words(words: Mapping[str, str | Promise]) -> None:
    """The log shows these words beside an app's own detail keys."""
    DETAIL_WORDS.update(words)


def _worded(key: str, value: Any) -> Any:
    words = VALUE_WORDS.get(key)
    if words is None:
        return value
    if isinstance(value, list):  # a change written as [before, after]
        return [str(words.get(v, v)) if isinstance(v, str) else v for v in value]
    return str(words.get(value, value)) if isinstance(value, str) else value


def log_rows(entries: Iterable[ActionEntry]) -> list[LogRow]:
    entries = list(entries)
    usernames = {e.actor for e in entries}
    names = {
        u.username: u.get_full_name() or u.username
        for u in User.objects.filter(username__in=usernames)
    }
    names[SYSTEM_ACTOR] = gettext("the system")
    return [
        LogRow(
            entry=e,
            when=_when(e.at),
            who=names.get(e.actor, e.actor),
            what=action_label(e.action),
            details=detail_words(e.detail),
        )
        for e in entries
    ]


def utc_bound(day: datetime.date, *, end: bool) -> str:
    """A Beijing-time day's start (or end) as the log's UTC text, to filter by comparing text."""
    moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    aware = timezone.make_aware(moment).astimezone(datetime.UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")
