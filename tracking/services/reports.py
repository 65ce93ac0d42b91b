"""Residents' problem reports (码上提): a report enters the project's problems ledger (问题清单) for
staff to triage, and the resident keeps its reference number to read its state and answer.

- The reference is `P-XXXX-XXXX`: eight characters drawn at random from 31 letters and digits
  without look-alikes (no 0/O, 1/I/L), about 40 bits: short enough to write down, too many to
  guess (and lookups in vain are rate limited per address). Typed in lower case, with spaces or
  without its dashes, it is still found.
- The photo is re-encoded by tracking.photos (no EXIF, upright, at most 1600 px); staff, the
  project's unit and its supervision group see it, never the public.
- The ledger entry is the report's text under its reference, with no owner and no author: staff
  give it an owner and close it with its outcome like any entry.
- Staff answer (the state becomes "being handled", "answered" or "not taken up"); the answer is
  public to whoever holds the reference, and logged. Not taken up closes the ledger entry with the
  answer as its outcome: there is nothing left to follow.
"""

import re
import secrets

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from tracking.models import (
    Ledger,
    LedgerEntry,
    ProblemReport,
    ReportState,
    TrackedProject,
    TrackingAction,
)
from tracking.photos import clean_photo
from tracking.services.ledgers import ledger_entry_close

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or copied by hand
REFERENCE = re.compile(r"\AP-[23456789A-HJKMNP-Z]{4}-[23456789A-HJKMNP-Z]{4}\Z")
TEXT_MAX = 2000
ANSWER_MAX = 2000
ANSWER_STATES = (ReportState.IN_HAND, ReportState.ANSWERED, ReportState.DISMISSED)


def reference_new() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"P-{chars[:4]}-{chars[4:]}"


def reference_normalised(typed: str) -> str | None:
    """The reference as stored, from what a person typed; None if it cannot be one."""
    bare = re.sub(r"[\s\-_—–]", "", typed).upper()
    if bare.startswith("P"):
        bare = bare[1:]
    if len(bare) != 8:
        return None
    reference = f"P-{bare[:4]}-{bare[4:]}"
    return reference if REFERENCE.fullmatch(reference) else None


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise Refused("text_required", _("Describe the problem: the text is required."))
    if len(text) > TEXT_MAX:
        raise Refused(
            "text_too_long",
            _("A report may have at most %(max)s characters.") % {"max": TEXT_MAX},
        )
    return text


def problem_report_submit(
    *, project: TrackedProject, text: str, photo: UploadedFile | None = None
) -> ProblemReport:
    """Stores the report and its problems-ledger entry; a photo Pillow cannot read is refused
    (ValidationError) before anything is stored."""
    if project.parent_id is not None:
        raise Refused("not_public", _("Only a project with a public page takes reports."))
    text = _text(text)
    cleaned = clean_photo(photo) if photo is not None else None
    for attempt in range(5):
        try:
            return _store(project, text, cleaned)
        except IntegrityError:  # a reference drawn twice (about once in a billion): draw again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _store(project: TrackedProject, text: str, photo: ContentFile[bytes] | None) -> ProblemReport:
    reference = reference_new()
    entry = LedgerEntry(project=project, ledger=Ledger.PROBLEM, text=f"[{reference}] {text}")
    entry.full_clean()
    entry.save()
    report = ProblemReport(project=project, reference=reference, text=text, entry=entry)
    if photo is not None:
        report.photo_token = secrets.token_hex(16)
        report.photo.save(f"{report.photo_token}.jpg", photo, save=False)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def problem_report_answer(
    *, report: ProblemReport, actor: User, state: str, answer: str
) -> ProblemReport:
    """Answers the resident (again, if staff have more to say); public to the reference's holder."""
    report = (
        ProblemReport.objects.select_for_update(of=("self",))
        .select_related("project__body", "entry")
        .get(pk=report.pk)
    )
    if state not in ANSWER_STATES:
        raise Refused("bad_state", _("Choose what becomes of the report."))
    answer = answer.strip()
    if not answer:
        raise Refused("answer_required", _("Write the answer the resident will read."))
    if len(answer) > ANSWER_MAX:
        raise Refused(
            "answer_too_long",
            _("An answer may have at most %(max)s characters.") % {"max": ANSWER_MAX},
        )
    before = report.state
    report.state = state
    report.answer = answer
    report.answered_by = actor
    report.answered_at = timezone.now()
    report.full_clean()
    report.save(update_fields=["state", "answer", "answered_by", "answered_at"])
    action_record(
        body=report.project.body,
        actor=actor,
        action=TrackingAction.REPORT_ANSWERED,
        subject=report.project.code,
        detail={"report": report.reference, "report_state": [before, state], "answer": answer},
    )
    entry = report.entry
    if state == ReportState.DISMISSED and entry is not None and entry.closed_at is None:
        ledger_entry_close(entry=entry, actor=actor, outcome=answer)
    return report
