"""Moving candidates through the life cycle records every step, and refusals change nothing."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from projects.models import Candidate, Status, Transition
from projects.rules.lifecycle import Actor
from projects.services import candidate_move
from tests.conftest import Cast, advance, client_for


def test_a_station_submits_its_draft_and_the_step_is_recorded(cast: Cast, draft: Candidate) -> None:
    candidate_move(
        role=Actor.STATION,
        actor=cast.east_staff,
        candidate=draft,
        target=Status.SUBMITTED,
    )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    step = draft.transitions.last()
    assert step is not None
    assert (step.from_status, step.to_status, step.actor) == (
        Status.DRAFT,
        Status.SUBMITTED,
        cast.east_staff,
    )


def _post_move(user: User, candidate: Candidate, target: Status) -> int:
    url = reverse("candidate_move", kwargs={"body": candidate.body.slug, "pk": candidate.pk})
    data = {"target": target, "criterion": "necessity", "reason": "x"}
    return client_for(user).post(url, data).status_code


def test_another_station_cannot_touch_the_draft(cast: Cast, draft: Candidate) -> None:
    assert _post_move(cast.west_staff, draft, Status.SUBMITTED) == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_rejection_without_a_criterion_is_refused_in_chinese(
    cast: Cast, draft: Candidate
) -> None:
    advance(cast, draft, Status.SUBMITTED)
    steps = Transition.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        candidate_move(
            role=Actor.CONGRESS,
            actor=cast.congress,
            candidate=draft,
            target=Status.REJECTED,
            reason="财力不足",
        )
    assert refused.value.messages == ["请选择初审依据。"]
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert Transition.objects.count() == steps


def test_a_rejection_keeps_its_criterion_and_reason(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED)
    candidate_move(
        role=Actor.CONGRESS,
        actor=cast.congress,
        candidate=draft,
        target=Status.REJECTED,
        reason="镇财力难以承担",
        criterion="fiscal",
    )
    step = draft.transitions.last()
    assert step is not None
    assert (step.criterion, step.reason) == ("fiscal", "镇财力难以承担")


def test_candidates_join_the_end_of_the_list_and_leave_it_cleanly(
    cast: Cast, draft: Candidate
) -> None:
    advance(cast, draft, Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE)
    assert draft.list_position == 1
    advance(cast, draft, Status.SCREENED)
    draft.refresh_from_db()
    assert draft.list_position is None


def test_a_published_list_is_frozen(cast: Cast, published: Candidate) -> None:
    with pytest.raises(ValidationError):
        candidate_move(
            role=Actor.CONGRESS,
            actor=cast.congress,
            candidate=published,
            target=Status.SCREENED,
            reason="撤回",
        )
    published.refresh_from_db()
    assert published.status == Status.CANDIDATE


def test_the_reserve_pool_carries_a_proposal_to_a_later_year(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED, Status.RESERVE)
    assert draft.status == Status.RESERVE
    advance(cast, draft, Status.SUBMITTED)
    assert draft.status == Status.SUBMITTED


def test_an_auditor_reads_but_cannot_decide(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED)
    assert _post_move(cast.auditor, draft, Status.SCREENED) == 403
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_station_cannot_screen_even_its_own_proposal(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED)
    with pytest.raises(ValidationError):
        candidate_move(
            role=Actor.STATION,
            actor=cast.east_staff,
            candidate=draft,
            target=Status.SCREENED,
            criterion="necessity",
        )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
