"""Recording staff actions in each congress's hash-chained, append-only log, and reading it back.

A chain checks only itself: cut entries off its end and what is left is still whole. So records
signed elsewhere carry the log's head at their moment (each round's audit bundle, at its close),
and the log is compared with every such *anchor*. The upper floors register where their anchors
are (`register_anchors`); this floor compares without knowing what they are.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from projects.models import ActionEntry, Body, CollectionAction
from projects.rules.chain import GENESIS, chain_problems, entry_bytes, entry_hash

SYSTEM_ACTOR = "manage.py"  # commands and the product itself, acting for nobody in particular
_LABELS: dict[str, str | Promise] = {}


def register_actions(actions: type[models.TextChoices]) -> None:
    """Each app names its actions; the log shows their labels without importing the app."""
    _LABELS.update({str(value): label for value, label in actions.choices})


def action_label(action: str) -> str:
    return str(_LABELS.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    """Every action any app has named, with its label, for the log's filter."""
    return sorted(((value, str(label)) for value, label in _LABELS.items()), key=lambda c: c[1])


register_actions(CollectionAction)


def action_record(
    *, body: Body, actor: User | None, action: str, subject: str, detail: dict[str, Any]
) -> ActionEntry:
    """Append one entry; the body's row lock keeps the chain a single line under concurrency."""
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()
        last = ActionEntry.objects.filter(body=body).order_by("-seq").first()
        entry = ActionEntry(
            body=body,
            seq=(last.seq + 1) if last else 1,
            at=timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            actor=actor.get_username() if actor else SYSTEM_ACTOR,
            action=str(action),
            subject=subject,
            detail=detail,
            prev=last.hash if last else GENESIS,
        )
        entry.hash = entry_hash(entry.as_chain_entry(), entry.prev)
        entry.save()
    return entry


@dataclass(frozen=True)
class Anchor:
    """The log's head as a signed record holds it: the log must still reach it."""

    where: str | Promise  # the record, as the page names it: "the signed bundle of round R1"
    entries: int  # the seq of the log's last entry then (0: the log was empty)
    head: str  # that entry's hash
    closing: tuple[str, str] | None = None  # (action, subject) of an entry that must follow it


AnchorSource = Callable[[Body], Iterable[Anchor]]
_ANCHOR_SOURCES: dict[str, AnchorSource] = {}


def register_anchors(name: str, source: AnchorSource) -> None:
    """An app that signs the log's head somewhere says how to find those anchors for a body."""
    _ANCHOR_SOURCES[name] = source


def log_anchors(body: Body) -> list[Anchor]:
    return [anchor for source in _ANCHOR_SOURCES.values() for anchor in source(body)]


def chain_head(body: Body) -> tuple[int, str]:
    """(entries, head): the seq and hash of the body's last entry, (0, GENESIS) if none yet."""
    last = ActionEntry.objects.filter(body=body).order_by("-seq").first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def anchor_problems(entries: Sequence[Mapping[str, Any]], anchors: Iterable[Anchor]) -> list[str]:
    """Where the log no longer reaches an anchor: its end cut off, or its head rewritten; and
    where the entry that must follow an anchor (a round's round_closed) is gone."""
    by_seq = {entry["seq"]: entry for entry in entries}
    last = max(by_seq, default=0)
    problems: list[str] = []
    for anchor in anchors:
        facts = {"where": anchor.where, "entries": anchor.entries, "last": last}
        if anchor.entries and last < anchor.entries:
            message = _(
                "entries missing after entry %(last)s: %(where)s anchors the log at %(entries)s "
                "entries"
            )
        elif anchor.entries and anchor.entries not in by_seq:
            message = _("entry %(entries)s is missing: %(where)s anchors the log there")
        elif anchor.entries and by_seq[anchor.entries]["hash"] != anchor.head:
            message = _(
                "head differs: entry %(entries)s does not have the hash that %(where)s "
                "anchors (%(head)s…)"
            )
            facts["head"] = anchor.head[:16]
        elif anchor.closing and not any(
            seq > anchor.entries and (entry["action"], entry["subject"]) == anchor.closing
            for seq, entry in by_seq.items()
        ):
            message = _(
                "no entry after entry %(entries)s records “%(action)s” of %(subject)s, "
                "as %(where)s requires"
            )
            facts |= {"action": action_label(anchor.closing[0]), "subject": anchor.closing[1]}
        else:
            continue
        problems.append(message % facts)
    return problems


def log_entries(body: Body) -> list[dict[str, Any]]:
    return [e.as_chain_entry() for e in ActionEntry.objects.filter(body=body).order_by("seq")]


def log_lines(body: Body) -> bytes:
    """The log as an auditor downloads it: one canonical JSON line per entry, in seq order."""
    return b"".join(entry_bytes(entry) + b"\n" for entry in log_entries(body))


def log_problems(body: Body) -> list[str]:
    """Every break in the body's chain, and every anchor the chain no longer reaches."""
    entries = log_entries(body)
    return chain_problems(entries) + anchor_problems(entries, log_anchors(body))
