"""Residents' suggestions from a station's code (群众提): filed, then adopted or declined by staff.

Filing is open to anyone, so it is throttled per address; adopting files a draft candidate for
next year at the station with the resident kept as its source, closing the loop into collection.
"""

import datetime
import secrets
import string

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.action_log import action_record
from projects.errors import Refused
from projects.log_rows import register_detail_words
from projects.models import (
    Candidate,
    CollectionAction,
    SourceKind,
    Station,
    Suggestion,
    SuggestionState,
)
from projects.services import candidate_create

MAX_TEXT = 2000
MAX_ANSWER = 2000
# Filing is anonymous: at most this many suggestions per address in a window, then a clear
# refusal. Generous for a family sharing a phone, tight for a script.
PER_ADDRESS = 5
WINDOW_SECONDS = 60 * 60
# The source's name when the resident gave none: stored as data, the same in every language.
ANONYMOUS_RESIDENTS = "群众"
# No 0/O or 1/I/L: read aloud over the phone or typed from a slip of paper without doubt.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_CHARS = frozenset(string.ascii_uppercase + string.digits + "-")

register_detail_words(
    {
        "reference": gettext_lazy("reference number"),
        "candidate": gettext_lazy("candidate"),
        "answer": gettext_lazy("answer"),
    }
)


def reference_normalise(typed: str) -> str:
    """As a resident might type it: any case, with spaces, or without the dashes. Only letters,
    digits and dashes are kept, so the result always fits the status page's address."""
    kept = "".join(ch for ch in typed.upper() if ch in REFERENCE_CHARS)[:20]
    compact = kept.replace("-", "")
    if compact.startswith("SG") and len(compact) == 10:
        return f"SG-{compact[2:6]}-{compact[6:]}"
    return kept


def _new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SG-{code[:4]}-{code[4:]}"


def _rate_key(address: str) -> str:
    return f"suggestions:per-address:{address}"


def _count_filing(address: str) -> int:
    """This address's filings in the current window, this one included (a fixed window)."""
    key = _rate_key(address)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def suggestion_file(
    *, station: Station, text: str, name: str = "", contact: str = "", address: str
) -> Suggestion:
    """A resident's suggestion in the station's inbox, with a fresh reference number."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise Refused(
            "bad_text",
            _("Write your suggestion in 1 to %(max)d characters.") % {"max": MAX_TEXT},
        )
    if _count_filing(address) > PER_ADDRESS:
        raise Refused(
            "rate_limited",
            _(
                "Too many suggestions from this connection: at most %(n)d an hour. Nothing was "
                "stored; please try again later."
            )
            % {"n": PER_ADDRESS},
        )
    for _attempt in range(5):
        suggestion = Suggestion(
            station=station,
            reference=_new_reference(),
            text=text,
            name=name.strip(),
            contact=contact.strip(),
        )
        suggestion.full_clean(exclude=["reference"])
        try:
            with transaction.atomic():
                suggestion.save()
        except IntegrityError:
            continue  # the same reference drawn twice: draw again
        return suggestion
    raise RuntimeError("no free reference number after five draws")


def _locked_new(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.state != SuggestionState.NEW:
        raise Refused(
            "suggestion_handled",
            _("This suggestion has already been handled: %(state)s.")
            % {"state": locked.get_state_display()},
        )
    return locked


def next_year() -> int:
    """The year a suggestion adopted today is a candidate for."""
    return timezone.localdate().year + 1


def raised_on(suggestion: Suggestion) -> datetime.date:
    return timezone.localdate(suggestion.created_at)


def source_name(suggestion: Suggestion) -> str:
    return suggestion.name or ANONYMOUS_RESIDENTS


def suggestion_adopt(
    *, actor: User, suggestion: Suggestion, name: str, category: str, answer: str = ""
) -> Candidate:
    """A draft candidate for next year at the suggestion's station, the resident its source."""
    with transaction.atomic():
        locked = _locked_new(suggestion)
        year = next_year()
        candidate = candidate_create(
            actor=actor,
            station=locked.station,
            data={"year": year, "name": name.strip(), "category": category, "content": locked.text},
            source={
                "kind": SourceKind.RESIDENT,
                "name": source_name(locked),
                "raised_on": raised_on(locked),
                "note": locked.reference,
            },
        )
        locked.state = SuggestionState.ADOPTED
        locked.candidate = candidate
        locked.answer = answer.strip()[:MAX_ANSWER]
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        locked.save(update_fields=["state", "candidate", "answer", "handled_by", "handled_at"])
        action_record(
            body=locked.station.body,
            actor=actor,
            action=CollectionAction.SUGGESTION_ADOPTED,
            subject=f"suggestion-{locked.reference}",
            detail={
                "reference": locked.reference,
                "station": locked.station.name,
                "candidate": candidate.pk,
                "name": candidate.name,
                "year": year,
            },
        )
    suggestion.refresh_from_db()
    return candidate


def suggestion_decline(*, actor: User, suggestion: Suggestion, answer: str) -> Suggestion:
    """Declined with the answer the resident reads under the reference number."""
    answer = answer.strip()
    if not answer or len(answer) > MAX_ANSWER:
        raise Refused(
            "answer_required",
            _("Write the answer the resident will read (1 to %(max)d characters).")
            % {"max": MAX_ANSWER},
        )
    with transaction.atomic():
        locked = _locked_new(suggestion)
        locked.state = SuggestionState.DECLINED
        locked.answer = answer
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        locked.save(update_fields=["state", "answer", "handled_by", "handled_at"])
        action_record(
            body=locked.station.body,
            actor=actor,
            action=CollectionAction.SUGGESTION_DECLINED,
            subject=f"suggestion-{locked.reference}",
            detail={
                "reference": locked.reference,
                "station": locked.station.name,
                "answer": answer,
            },
        )
    suggestion.refresh_from_db()
    return locked
