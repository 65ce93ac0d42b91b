"""A project's three ledgers (问题清单 / 责任清单 / 整改清单): congress staff add entries, close
each with its outcome, and may reopen one closed by mistake. Every step is in the action log."""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from tracking.models import Ledger, LedgerEntry, TrackedProject, TrackingAction

# The names the implementation list reads its open counts under, one per ledger.
OPEN_COUNT = {ledger: f"open_{ledger.value}" for ledger in Ledger}


def with_open_counts(projects: QuerySet[TrackedProject]) -> QuerySet[TrackedProject]:
    """Each project with its open entries per ledger, as subqueries: joins would multiply the
    other counts the list annotates, and one query serves any number of projects."""
    annotations = {}
    for ledger, name in OPEN_COUNT.items():
        counted = (
            LedgerEntry.objects.filter(
                project=OuterRef("pk"), ledger=ledger, closed_at__isnull=True
            )
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations[name] = Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    return projects.annotate(**annotations)


def is_overdue(entry: LedgerEntry, today: datetime.date) -> bool:
    """Open past its due day: the day itself still counts as in time."""
    return entry.closed_at is None and entry.due is not None and entry.due < today


def _locked(entry: LedgerEntry) -> LedgerEntry:
    return LedgerEntry.objects.select_for_update().select_related("project__body").get(pk=entry.pk)


@transaction.atomic
def ledger_entry_add(
    *,
    project: TrackedProject,
    actor: User,
    ledger: str,
    text: str,
    owner: str = "",
    due: datetime.date | None = None,
) -> LedgerEntry:
    entry = LedgerEntry(
        project=project,
        ledger=ledger,
        text=text.strip(),
        owner=owner.strip(),
        due=due,
        created_by=actor,
    )
    entry.full_clean()
    entry.save()
    action_record(
        body=project.body,
        actor=actor,
        action=TrackingAction.LEDGER_ENTRY_ADDED,
        subject=project.code,
        detail={
            "ledger": ledger,
            "entry": entry.pk,
            "text": entry.text,
            "owner": entry.owner,
            "due": due.isoformat() if due else None,
        },
    )
    return entry


@transaction.atomic
def ledger_entry_close(*, entry: LedgerEntry, actor: User, outcome: str) -> LedgerEntry:
    """Closed with what came of it; the outcome is what the ledger exists to record."""
    entry = _locked(entry)
    if entry.closed_at is not None:
        raise Refused("entry_closed", _("This entry is already closed."))
    outcome = outcome.strip()
    if not outcome:
        raise Refused("outcome_required", _("Say what came of it: the outcome is required."))
    entry.outcome = outcome
    entry.closed_at = timezone.now()
    entry.full_clean()
    entry.save(update_fields=["outcome", "closed_at"])
    action_record(
        body=entry.project.body,
        actor=actor,
        action=TrackingAction.LEDGER_ENTRY_CLOSED,
        subject=entry.project.code,
        detail={"ledger": entry.ledger, "entry": entry.pk, "outcome": outcome},
    )
    return entry


@transaction.atomic
def ledger_entry_reopen(*, entry: LedgerEntry, actor: User) -> LedgerEntry:
    """Undoes a closing made by mistake; the outcome it had stays in the log."""
    entry = _locked(entry)
    if entry.closed_at is None:
        raise Refused("entry_open", _("This entry is open already."))
    outcome = entry.outcome
    entry.outcome = ""
    entry.closed_at = None
    entry.save(update_fields=["outcome", "closed_at"])
    action_record(
        body=entry.project.body,
        actor=actor,
        action=TrackingAction.LEDGER_ENTRY_CLOSED,
        subject=entry.project.code,
        detail={"ledger": entry.ledger, "entry": entry.pk, "reopened": True, "outcome": outcome},
    )
    return entry
