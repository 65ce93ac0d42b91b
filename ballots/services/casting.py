"""Casting a ballot: exactly once per card, in the statement that uses the card up.

One implementation, written once as `cast_steps`: a generator that does all the thinking and
yields each database step (cast_sql) for a driver to run — Django's cursor on this thread
(`ballot_cast`) or psycopg's async connection on the server's event loop (`ballot_cast_async`).
A good ballot costs one statement; reasons for a refusal are looked up only when there is one.

Secrecy (docs/secrecy.md): the card row and the ballot share a transaction id, so only ciphertext is
written: the ballot and the retry answer are sealed under the round's box key before the statement.
"""

import secrets
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from ballots import async_db, round_facts
from ballots import credentials as card_codes
from ballots.ballot_box import open_record, seal_record
from ballots.round_facts import RoundFacts
from ballots.rules.canonical import canonical_json, sha256_hex
from ballots.rules.records import make_ballot
from ballots.rules.tally import yes_marks
from ballots.rules.terms import Secrecy, options_for
from ballots.sealing import REPLY_SIZE
from ballots.selectors import ALREADY_VOTED, BAD_CREDENTIAL
from ballots.services.cast_sql import Diagnose, Diagnosis, LoadFacts, ReadReply, Step, Store, Stored
from projects.errors import Refused

Steps = Generator[Step, Any, "CastResult"]


@dataclass(frozen=True)
class CastResult:
    receipt: str
    replayed: bool  # the same request seen before: its first answer, nothing stored now
    round_code: str = ""


def _invalid(detail: str) -> Refused:
    return Refused("invalid_ballot", detail)


def _not_open() -> Refused:
    return Refused("round_not_open", _("Voting in this round is not open."))


def _already_voted() -> Refused:
    return Refused("already_voted", str(ALREADY_VOTED))


def _ballot_problem(facts: RoundFacts, choices: Any, key: str | None) -> Refused | None:
    """What is wrong with the request itself, judged on the round's fixed facts alone."""
    if key is not None and not 0 < len(key) <= 64:
        return _invalid(_("Idempotency-Key must be 1 to 64 characters."))
    if not isinstance(choices, dict):
        return _invalid(_("“choices” must be an object."))
    options = options_for(facts.kind)
    for item, option in choices.items():
        if item not in facts.items:
            return _invalid(_("Unknown item “%(id)s”.") % {"id": item})
        if not isinstance(option, str) or option not in options:
            return _invalid(_("“%(option)s” is not an option of this round.") % {"option": option})
    return None


def _too_many_yes(facts: RoundFacts, marks: dict[str, str]) -> Refused | None:
    limit = facts.max_yes
    if limit is not None and yes_marks(marks) > limit:
        return Refused("too_many_yes", _("At most %(n)d items may be marked “for”.") % {"n": limit})
    return None


def _replayed(facts: RoundFacts, box: bytes | None, marks_hash: str) -> CastResult | None:
    """The first answer to this card and key, if one is stored and the box is still open."""
    if box is None or facts.box_key is None:
        return None
    answer = open_record(facts.code, facts.box_key, box)
    if answer["choices_hash"] != marks_hash:
        raise _already_voted()
    return CastResult(str(answer["receipt"]), replayed=True, round_code=facts.code)


class StaleFacts(Exception):
    """The kept facts are of another round of that code, or of an earlier opening state."""


def cast_steps(*, round_code: str, code: str, choices: Any, key: str | None) -> Steps:
    """Store one ballot for one card, exactly once; refusals in the order the API tells them:
    unknown_round, bad_credential, invalid_ballot, (a retry's first answer), already_voted,
    round_not_open, not_present, too_many_yes."""
    facts = round_facts.kept(round_code)
    if facts is not None:
        try:
            return (yield from _cast(facts, code, choices, key))
        except StaleFacts:
            round_facts.forget(round_code)
    facts = yield LoadFacts(round_code)
    if facts is None:
        raise Refused("unknown_round", _("There is no such round."))
    round_facts.keep(facts)
    try:
        return (yield from _cast(facts, code, choices, key))
    except StaleFacts:  # changed between reading the facts and the cast: it was opened or closed
        round_facts.forget(round_code)
        raise _not_open() from None


def _cast(facts: RoundFacts, code: str, choices: Any, key: str | None) -> Steps:
    card_hash = card_codes.code_hash(code)
    problem = _ballot_problem(facts, choices, key)
    marks: dict[str, str] = dict(choices) if problem is None else {}
    marks_hash = sha256_hex(canonical_json(marks))
    reply_at = card_codes.reply_key(facts.code, code, key) if key else None
    problem = problem or _too_many_yes(facts, marks)
    named = facts.secrecy == Secrecy.NAMED
    ask = Diagnose(facts.code, card_hash, facts.sealed_key)
    diagnosis: Diagnosis | None = None
    if problem is not None or not facts.is_open or named:
        # A refusal to explain, or a named ballot that carries its voter's code: ask first.
        diagnosis = yield ask
        seen = yield from _refuse_in_order(facts, diagnosis, problem, reply_at, marks_hash)
        if seen is not None:
            return seen
    assert facts.box_key is not None and facts.sealed_key is not None
    voter = diagnosis.voter_code if named and diagnosis is not None else None
    record = make_ballot(marks, voter=voter)
    answer = {"choices_hash": marks_hash, "receipt": record.receipt}
    stored: Stored = yield Store(
        round_pk=facts.pk,
        sealed_key=facts.sealed_key,
        card_hash=card_hash,
        ballot_id=secrets.token_hex(16),
        box=seal_record(facts.code, facts.box_key, record.board_object(), facts.record_size),
        reply_at=reply_at,
        reply=seal_record(facts.code, facts.box_key, answer, REPLY_SIZE) if reply_at else None,
    )
    if stored.spent:
        return CastResult(record.receipt, replayed=False, round_code=facts.code)
    seen = _replayed(facts, stored.prior, marks_hash)
    if seen is not None:
        return seen
    # Nothing stored: the card was spent meanwhile (perhaps by this request's own first attempt,
    # still in flight when this one began), the round closed, or the voter was checked out.
    diagnosis = yield ask
    seen = yield from _refuse_in_order(facts, diagnosis, None, reply_at, marks_hash)
    if seen is not None:
        return seen
    raise StaleFacts  # the card may vote in the open round: these facts were not the round's


def _refuse_in_order(
    facts: RoundFacts,
    diagnosis: Diagnosis,
    problem: Refused | None,
    reply_at: str | None,
    marks_hash: str,
) -> Generator[Step, Any, CastResult | None]:
    """Raise the first refusal that applies, or return a retry's first answer; None: may vote."""
    if not diagnosis.facts_current:
        raise StaleFacts  # judged on another round's items and key: judge again on this one's
    if not diagnosis.card_found:
        raise Refused("bad_credential", str(BAD_CREDENTIAL))
    if problem is not None and problem.code == "invalid_ballot":
        raise problem
    if diagnosis.used:
        if reply_at is not None:
            box = yield ReadReply(facts.pk, reply_at)
            seen = _replayed(facts, box, marks_hash)
            if seen is not None:
                return seen
        raise _already_voted()
    if not diagnosis.round_open:
        round_facts.forget(facts.code)
        raise _not_open()
    if diagnosis.named_voter and not diagnosis.present:
        raise Refused("not_present", _("This representative has not checked in."))
    if problem is not None:
        raise problem
    return None


def ballot_cast(*, round_code: str, code: str, choices: Any, key: str | None) -> CastResult:
    """A cast on this thread, through Django's connection (commands, tests, the SQLite server)."""
    from ballots.services.cast_drivers import run_on_django

    return run_on_django(cast_steps(round_code=round_code, code=code, choices=choices, key=key))


async def ballot_cast_async(
    *, round_code: str, code: str, choices: Any, key: str | None
) -> CastResult:
    """A cast from the event loop: on PostgreSQL with psycopg's async connection and no thread;
    on SQLite (whose driver blocks) in one short transaction on a worker thread."""
    if async_db.is_postgresql():
        from ballots.services.cast_drivers import run_on_psycopg

        steps = cast_steps(round_code=round_code, code=code, choices=choices, key=key)
        return await run_on_psycopg(steps)
    # Off the shared sync thread: casts run side by side, each with Django's connection care.
    result: CastResult = await database_sync_to_async(ballot_cast, thread_sensitive=False)(
        round_code=round_code, code=code, choices=choices, key=key
    )
    return result
