"""Every write to candidates goes through one of these; each is atomic and records who did it."""

import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import Access
from projects.lifecycle import EDITABLE, MERGEABLE, MoveRefused, Stage, check_move
from projects.messages import REFUSALS
from projects.models import (
    Attachment,
    Body,
    Candidate,
    CandidateList,
    CandidateSource,
    Station,
    Status,
    Transition,
)

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


def candidate_create(
    *,
    access: Access,
    actor: User,
    station: Station,
    data: dict[str, Any],
    source: dict[str, Any] | None,
) -> Candidate:
    if station.body_id != access.body.pk or not access.can_file_at(station.pk):
        raise PermissionDenied
    with transaction.atomic():
        candidate = Candidate(body=access.body, station=station, created_by=actor)
        for field in CANDIDATE_FIELDS:
            setattr(candidate, field, data.get(field, getattr(candidate, field)))
        candidate.full_clean()
        candidate.save()
        Transition.objects.create(candidate=candidate, to_status=Status.DRAFT, actor=actor)
        if source:
            candidate_source_add(access=access, actor=actor, candidate=candidate, data=source)
    return candidate


def candidate_update(
    *, access: Access, actor: User, candidate: Candidate, data: dict[str, Any]
) -> Candidate:
    if access.actor_for(candidate) is None:
        raise PermissionDenied
    if Stage(candidate.status) not in EDITABLE:
        raise ValidationError(_("Only drafts can be edited."))
    with transaction.atomic():
        for field in CANDIDATE_FIELDS:
            if field in data:
                setattr(candidate, field, data[field])
        candidate.full_clean()
        candidate.save()
    return candidate


def candidate_source_add(
    *, access: Access, actor: User, candidate: Candidate, data: dict[str, Any]
) -> CandidateSource:
    if access.actor_for(candidate) is None:
        raise PermissionDenied
    source = CandidateSource(candidate=candidate, station=data.get("station") or candidate.station)
    for field in ("kind", "name", "raised_on", "note"):
        setattr(source, field, data.get(field, ""))
    source.full_clean()
    source.save()
    return source


def candidate_move(
    *,
    access: Access,
    actor: User,
    candidate: Candidate,
    target: str,
    reason: str = "",
    criterion: str = "",
) -> Candidate:
    who = access.actor_for(candidate)
    if who is None:
        raise PermissionDenied
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
        raise ValidationError(str(REFUSALS.get(str(refusal), REFUSALS["no_such_move"]))) from None
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
    return candidate


def candidate_merge(
    *, access: Access, actor: User, candidate: Candidate, into: Candidate, reason: str
) -> Candidate:
    """Merge a duplicate into the candidate kept; every source of the duplicate is carried over."""
    if not access.is_congress_staff:
        raise PermissionDenied
    if into.pk == candidate.pk or into.body_id != candidate.body_id:
        raise ValidationError(_("Choose another candidate of the same congress to merge into."))
    if Stage(candidate.status) not in MERGEABLE or Stage(into.status) not in MERGEABLE:
        raise ValidationError(_("Only submitted, screened or candidate projects can be merged."))
    if _list_published(candidate.body_id, candidate.year) and candidate.status == Status.CANDIDATE:
        raise ValidationError(str(REFUSALS["list_published"]))
    if not reason.strip():
        raise ValidationError(str(REFUSALS["reason_required"]))
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
    return candidate


def attachment_add(
    *, access: Access, actor: User, candidate: Candidate, upload: UploadedFile
) -> Attachment:
    """Store an upload already checked by AttachmentForm (size, type, content)."""
    if access.actor_for(candidate) is None:
        raise PermissionDenied
    attachment = Attachment(
        candidate=candidate,
        token=secrets.token_hex(16),
        original_name=(upload.name or "file")[:200],
        content_type=upload.content_type or "application/octet-stream",
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment


def candidate_list_reorder(
    *, access: Access, candidate: Candidate, direction: int
) -> list[Candidate]:
    """Swap a listed candidate with its neighbour above (-1) or below (+1)."""
    if not access.is_congress_staff:
        raise PermissionDenied
    if _list_published(candidate.body_id, candidate.year):
        raise ValidationError(str(REFUSALS["list_published"]))
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
    return listed


def candidate_list_publish(*, access: Access, actor: User, body: Body, year: int) -> CandidateList:
    if not access.is_congress_staff or body.pk != access.body.pk:
        raise PermissionDenied
    with transaction.atomic():
        listing, _created = CandidateList.objects.select_for_update().get_or_create(
            body=body, year=year
        )
        if listing.is_published:
            raise ValidationError(_("This list is already published."))
        if not Candidate.objects.filter(body=body, year=year, status=Status.CANDIDATE).exists():
            raise ValidationError(_("There are no candidates on this list yet."))
        listing.published_at = timezone.now()
        listing.published_by = actor
        listing.save()
    return listing
