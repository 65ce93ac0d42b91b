"""Merging duplicates keeps every source on the candidate that stays."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Candidate, SourceKind, Status
from projects.services import candidate_create, candidate_merge
from tests.conftest import Cast, advance, candidate_data, client_for


@pytest.fixture
def duplicate(cast: Cast) -> Candidate:
    candidate = candidate_create(
        actor=cast.west_staff,
        station=cast.west,
        data=candidate_data(name="溪口村自来水管道更新"),
        source={"kind": SourceKind.REPRESENTATIVE, "name": "李代表", "raised_on": "2026-09-03"},
    )
    return advance(cast, candidate, Status.SUBMITTED)


def test_a_merge_carries_every_source_over(
    cast: Cast, draft: Candidate, duplicate: Candidate
) -> None:
    advance(cast, draft, Status.SUBMITTED)
    candidate_merge(
        actor=cast.congress,
        candidate=duplicate,
        into=draft,
        reason="同一管网",
    )
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == draft
    names = sorted(draft.sources.values_list("name", flat=True))
    assert names == ["李代表", "溪口村村民"]
    assert draft.sources.get(name="李代表").merged_from == duplicate
    assert duplicate.sources.count() == 1  # the original record stays where it was


def test_only_congress_staff_merge(cast: Cast, draft: Candidate, duplicate: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED)
    url = reverse("candidate_merge", kwargs={"body": cast.body.slug, "pk": duplicate.pk})
    answer = client_for(cast.west_staff).post(url, {"into": draft.pk, "reason": "x"})
    assert answer.status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SUBMITTED


def test_a_draft_cannot_be_merged_and_nothing_changes(
    cast: Cast, draft: Candidate, duplicate: Candidate
) -> None:
    with pytest.raises(ValidationError):
        candidate_merge(
            actor=cast.congress,
            candidate=duplicate,
            into=draft,
            reason="x",
        )
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SUBMITTED
    assert draft.sources.count() == 1
