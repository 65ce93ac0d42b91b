"""What a cast needs to know of its round that cannot change while the round is open, kept per
process so that a cast reads nothing but its card.

Only open rounds are kept. Nothing here is trusted for the round's state: the cast's statement
checks that the round is still open and still the same opening (its sealed box key), and a cast
that finds otherwise drops the entry and reads the facts again. Opening and closing also drop it
at once in the process that did them.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ballots import sealing
from ballots.models import RoundStatus

# A row of `FACTS_SQL` with the round's item codes: the driver-neutral way to build facts.
FACTS_SQL = (
    "SELECT id, kind, secrecy, max_yes_per_ballot, status, box_salt, sealed_box_key "
    "FROM ballots_round WHERE code = %s"
)
ITEMS_SQL = "SELECT code FROM ballots_item WHERE round_id = %s"
MOST_KEPT = 1000  # rounds open at once on one install: a handful; this only bounds a leak


@dataclass(frozen=True)
class RoundFacts:
    pk: int
    code: str
    kind: str
    secrecy: str
    max_yes: int | None
    is_open: bool
    items: frozenset[str]
    record_size: int  # the one length every sealed ballot of the round is padded to
    box_key: bytes | None  # None unless open
    sealed_key: bytes | None  # the box key as sealed in the round row: which opening this is


def facts_from_rows(code: str, row: tuple[Any, ...], items: list[str]) -> RoundFacts:
    pk, kind, secrecy, max_yes, status, salt, sealed = row
    is_open = status == RoundStatus.OPEN and salt is not None and sealed is not None
    key = None
    if is_open:
        box = sealing.SealedBoxKey(bytes(salt), bytes(sealed))
        key = sealing.open_box_key(settings.SIGNING_KEK, code, box)
    return RoundFacts(
        pk=int(pk),
        code=code,
        kind=str(kind),
        secrecy=str(secrecy),
        max_yes=None if max_yes is None else int(max_yes),
        is_open=is_open,
        items=frozenset(items),
        record_size=sealing.ballot_size(str(kind), sorted(items)),
        box_key=key,
        sealed_key=None if sealed is None else bytes(sealed),
    )


_kept: dict[str, RoundFacts] = {}


def kept(code: str) -> RoundFacts | None:
    return _kept.get(code)


def keep(facts: RoundFacts) -> None:
    if not facts.is_open:
        return
    if len(_kept) >= MOST_KEPT:
        _kept.clear()
    _kept[facts.code] = facts


def forget(code: str) -> None:
    """The round opened or closed: its facts must be read again."""
    _kept.pop(code, None)
