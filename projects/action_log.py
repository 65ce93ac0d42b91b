"""Recording staff actions in each congress's hash-chained, append-only log, and reading it back."""

from datetime import UTC
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from projects.models import ActionEntry, Body, CollectionAction
from projects.rules.chain import GENESIS, chain_problems, entry_hash

SYSTEM_ACTOR = "manage.py"  # commands and the product itself, acting for nobody in particular
_LABELS: dict[str, str | Promise] = {}


def register_actions(actions: type[models.TextChoices]) -> None:
    """Each app names its actions; the log shows their labels without importing the app."""
    _LABELS.update({str(value): label for value, label in actions.choices})


def action_label(action: str) -> str:
    return str(_LABELS.get(action, action))


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


def log_problems(body: Body) -> list[str]:
    return chain_problems([e.as_chain_entry() for e in ActionEntry.objects.filter(body=body)])
