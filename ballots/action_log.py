"""Recording staff actions in each body's hash-chained, append-only log."""

from datetime import UTC
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ballots.action_chain import GENESIS, chain_problems, entry_hash
from ballots.models import Action, ActionEntry
from projects.models import Body


def action_record(
    *, body: Body, actor: User | None, action: Action, subject: str, detail: dict[str, Any]
) -> ActionEntry:
    """Append one entry; the body's row lock keeps the chain a single line under concurrency."""
    with transaction.atomic():
        Body.objects.select_for_update().filter(pk=body.pk).first()
        last = ActionEntry.objects.filter(body=body).order_by("-seq").first()
        entry = ActionEntry(
            body=body,
            seq=(last.seq + 1) if last else 1,
            at=timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            actor=actor.get_username() if actor else "manage.py",
            action=action,
            subject=subject,
            detail=detail,
            prev=last.hash if last else GENESIS,
        )
        entry.hash = entry_hash(entry.as_chain_entry(), entry.prev)
        entry.save()
    return entry


def log_problems(body: Body) -> list[str]:
    return chain_problems([e.as_chain_entry() for e in ActionEntry.objects.filter(body=body)])
