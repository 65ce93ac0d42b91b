"""Every write to candidates goes through one of these; each is atomic and records who did it.

Views authorize (projects.access); these enforce the invariants (a published list is frozen, a
move must exist in the life cycle) and record each decision in the congress's action log.
"""

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.messages import REFUSALS
from projects.models import (
    Attachment,
    Body,
    Candidate,
    CandidateList,
    CandidateSource,
    CollectionAction,
    Station,
    Status,
    Transition,
)
from projects.rules.lifecycle import EDITABLE, MERGEABLE, Actor, MoveRefused, Stage, check_move

CANDIDATE_FIELDS = (
    "year",
    "name",
    "category",
    "background",
    "content",
    "implementing_unit",
    "investment_wan",
    "funding_source",
    "feasibility",
    "address",
    "latitude",
    "longitude",
    "planned_completion",
)


def _list_published(body_id: int, year: int) -> bool:
    return CandidateList.objects.filter(
        body_id=body_id, year=year, published_at__isnull=False
    ).exists()


def is_frozen(candidate: Candidate) -> bool:
    """On a published list (公示): nothing about the candidate may change any more."""
    return candidate.status == Status.CANDIDATE and _list_published(
        candidate.body_id, candidate.year
    )


def _refuse_if_frozen(candidate: Candidate) -> None:
    if is_frozen(candidate):
        raise Refused("list_published", str(REFUSALS["list_published"]))


def _subject(candidate: Candidate) -> str:
    return f"candidate-{candidate.pk}"


def candidate_create(
    *,
    actor: User | None,
    station: Station,
    data: dict[str, Any],
    source: dict[str, Any] | None,
    log: bool = True,
) -> Candidate:
    """A draft filed at a station; `log=False` when the caller records one entry for many."""
    with transaction.atomic():
        candidate = Candidate(body=station.body, station=station, created_by=actor)
        for field in CANDIDATE_FIELDS:
            setattr(candidate, field, data.get(field, getattr(candidate, field)))
        candidate.full_clean()
        candidate.save()
        Transition.objects.create(candidate=candidate, to_status=Status.DRAFT, actor=actor)
        if source:
            candidate_source_add(actor=actor, candidate=candidate, data=source, log=False)
        if log:
            action_record(
                body=station.body,
                actor=actor,
                action=CollectionAction.CANDIDATE_FILED,
                subject=_subject(candidate),
                detail={"name": candidate.name, "station": station.name, "year": candidate.year},
            )
    return candidate


def candidate_update(
    *, actor: User | None, candidate: Candidate, data: dict[str, Any]
) -> Candidate:
    if Stage(candidate.status) not in EDITABLE:
        raise Refused("not_editable", _("Only drafts can be edited."))
    with transaction.atomic():
        changed = sorted(
            field
            for field in CANDIDATE_FIELDS
            if field in data and getattr(candidate, field) != data[field]
        )
        for field in CANDIDATE_FIELDS:
            if field in data:
                setattr(candidate, field, data[field])
        candidate.full_clean()
        candidate.save()
        action_record(
            body=candidate.body,
            actor=actor,
            action=CollectionAction.CANDIDATE_EDITED,
            subject=_subject(candidate),
            detail={"fields": changed},
        )
    return candidate


def candidate_source_add(
    *, actor: User | None, candidate: Candidate, data: dict[str, Any], log: bool = True
) -> CandidateSource:
    _refuse_if_frozen(candidate)
    with transaction.atomic():
        source = CandidateSource(
            candidate=candidate, station=data.get("station") or candidate.station
        )
        for field in ("kind", "name", "raised_on", "note"):
            setattr(source, field, data.get(field, ""))
        source.full_clean()
        source.save()
        if log:
            action_record(
                body=candidate.body,
                actor=actor,
                action=CollectionAction.SOURCE_ADDED,
                subject=_subject(candidate),
                detail={"kind": source.kind},
            )
    return source


def candidate_move(
    *,
    actor: User | None,
    role: Actor,
    candidate: Candidate,
    target: str,
    reason: str = "",
    criterion: str = "",
) -> Candidate:
    """One step of the life cycle, taken in `role` (a station's staff or the congress's)."""
    who = role
    frozen = _list_published(candidate.body_id, candidate.year) and Status.CANDIDATE in (
        candidate.status,
        target,
    )
    try:
        check_move(
            Stage(candidate.status),
            Stage(target),
            who,
            reason=reason,
            criterion=criterion,
            frozen=frozen,
        )
    except (MoveRefused, ValueError) as refusal:
        code = str(refusal) if str(refusal) in REFUSALS else "no_such_move"
        raise Refused(code, str(REFUSALS[code])) from None
    with transaction.atomic():
        source = candidate.status
        candidate.status = target
        if target == Status.CANDIDATE:
            top = Candidate.objects.filter(
                body_id=candidate.body_id, year=candidate.year, status=Status.CANDIDATE
            ).aggregate(top=Max("list_position"))["top"]
            candidate.list_position = (top or 0) + 1
        else:
            candidate.list_position = None
        candidate.save(update_fields=["status", "list_position", "updated_at"])
        Transition.objects.create(
            candidate=candidate,
            from_status=source,
            to_status=target,
            actor=actor,
            reason=reason.strip(),
            criterion=criterion,
        )
        action_record(
            body=candidate.body,
            actor=actor,
            action=CollectionAction.CANDIDATE_MOVED,
            subject=_subject(candidate),
            detail={
                "from": source,
                "to": target,
                "reason": reason.strip(),
                "criterion": criterion,
            },
        )
    return candidate


def candidate_merge(
    *, actor: User | None, candidate: Candidate, into: Candidate, reason: str
) -> Candidate:
    """Merge a duplicate into the candidate kept; every source of the duplicate is carried over."""
    if into.pk == candidate.pk or into.body_id != candidate.body_id:
        raise Refused(
            "merge_target", _("Choose another candidate of the same congress to merge into.")
        )
    if Stage(candidate.status) not in MERGEABLE or Stage(into.status) not in MERGEABLE:
        raise Refused(
            "not_mergeable", _("Only submitted, screened or candidate projects can be merged.")
        )
    _refuse_if_frozen(candidate)
    _refuse_if_frozen(into)  # a published candidate takes no more sources either
    if not reason.strip():
        raise Refused("reason_required", str(REFUSALS["reason_required"]))
    with transaction.atomic():
        for source in candidate.sources.all():
            CandidateSource.objects.create(
                candidate=into,
                kind=source.kind,
                name=source.name,
                raised_on=source.raised_on,
                station=source.station,
                note=source.note,
                merged_from=candidate,
            )
        previous = candidate.status
        candidate.status = Status.MERGED
        candidate.merged_into = into
        candidate.list_position = None
        candidate.save(update_fields=["status", "merged_into", "list_position", "updated_at"])
        Transition.objects.create(
            candidate=candidate,
            from_status=previous,
            to_status=Status.MERGED,
            actor=actor,
            reason=reason.strip(),
        )
        action_record(
            body=candidate.body,
            actor=actor,
            action=CollectionAction.CANDIDATE_MERGED,
            subject=_subject(candidate),
            detail={"into": _subject(into), "reason": reason.strip()},
        )
    return candidate


def attachment_add(*, actor: User | None, candidate: Candidate, upload: UploadedFile) -> Attachment:
    """Store an upload already checked by AttachmentForm (size, type, content)."""
    _refuse_if_frozen(candidate)
    attachment = Attachment(
        candidate=candidate,
        token=secrets.token_hex(16),
        original_name=(upload.name or "file")[:200],
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size or 0,
        uploaded_by=actor,
    )
    with transaction.atomic():
        attachment.file.save(attachment.token, upload, save=False)
        attachment.save()
        action_record(
            body=candidate.body,
            actor=actor,
            action=CollectionAction.ATTACHMENT_ADDED,
            subject=_subject(candidate),
            detail={"file": attachment.original_name, "bytes": attachment.size},
        )
    return attachment


def candidate_list_reorder(
    *, actor: User | None, candidate: Candidate, direction: int
) -> list[Candidate]:
    """Swap a listed candidate with its neighbour above (-1) or below (+1)."""
    if _list_published(candidate.body_id, candidate.year):
        raise Refused("list_published", str(REFUSALS["list_published"]))
    with transaction.atomic():
        listed = list(
            Candidate.objects.select_for_update()
            .filter(body_id=candidate.body_id, year=candidate.year, status=Status.CANDIDATE)
            .order_by("list_position", "id")
        )
        index = next(i for i, c in enumerate(listed) if c.pk == candidate.pk)
        other = index + direction
        if 0 <= other < len(listed):
            listed[index], listed[other] = listed[other], listed[index]
        for position, item in enumerate(listed, start=1):
            if item.list_position != position:
                item.list_position = position
                item.save(update_fields=["list_position"])
        action_record(
            body=candidate.body,
            actor=actor,
            action=CollectionAction.LIST_REORDERED,
            subject=f"list-{candidate.year}",
            detail={"order": [_subject(c) for c in listed]},
        )
    return listed


def candidate_list_publish(*, actor: User | None, body: Body, year: int) -> CandidateList:
    with transaction.atomic():
        listing, _created = CandidateList.objects.select_for_update().get_or_create(
            body=body, year=year
        )
        if listing.is_published:
            raise Refused("list_published", _("This list is already published."))
        listed = Candidate.objects.filter(body=body, year=year, status=Status.CANDIDATE)
        if not listed.exists():
            raise Refused("list_empty", _("There are no candidates on this list yet."))
        listing.published_at = timezone.now()
        listing.published_by = actor
        listing.save()
        action_record(
            body=body,
            actor=actor,
            action=CollectionAction.LIST_PUBLISHED,
            subject=f"list-{year}",
            detail={"candidates": [_subject(c) for c in listed.order_by("list_position", "id")]},
        )
    return listing


def candidates_settle_vote(
    *, body: Body, selected: list[Candidate], others: list[Candidate], round_code: str
) -> None:
    """The vote's final result reaches the candidates: 入选 for the selected, the others back to
    the reserve pool (落选) for a later year. Only the vote does this; the list keeps its order."""
    with transaction.atomic():
        moved: dict[str, list[str]] = {Status.SELECTED: [], Status.RESERVE: []}
        for candidate, target in [
            *((c, Status.SELECTED) for c in selected),
            *((c, Status.RESERVE) for c in others),
        ]:
            if candidate.status != Status.CANDIDATE:
                continue  # settled already (a second notice of the same result changes nothing)
            Transition.objects.create(
                candidate=candidate,
                from_status=candidate.status,
                to_status=target,
                actor=None,
                reason=_("Result of round %(code)s") % {"code": round_code},
            )
            candidate.status = target
            candidate.save(update_fields=["status", "updated_at"])
            moved[target].append(_subject(candidate))
        if moved[Status.SELECTED] or moved[Status.RESERVE]:
            action_record(
                body=body,
                actor=None,
                action=CollectionAction.VOTE_SETTLED,
                subject=round_code,
                detail={"selected": moved[Status.SELECTED], "reserve": moved[Status.RESERVE]},
            )
