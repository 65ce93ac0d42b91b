"""Ordering and publishing the year's candidate list."""

import pytest
from django.core.exceptions import ValidationError

from projects.models import Candidate, CandidateList, Status
from projects.services import (
    candidate_create,
    candidate_list_publish,
    candidate_list_reorder,
)
from tests.conftest import SOURCE, Cast, advance, candidate_data


def _listed(cast: Cast, *names: str) -> list[Candidate]:
    return [
        advance(
            cast,
            candidate_create(
                actor=cast.congress,
                station=cast.east,
                data=candidate_data(name=name),
                source=SOURCE,
            ),
            Status.SUBMITTED,
            Status.SCREENED,
            Status.CANDIDATE,
        )
        for name in names
    ]


def test_moving_up_swaps_with_the_one_above(cast: Cast) -> None:
    *_, last = _listed(cast, "甲", "乙", "丙")
    order = candidate_list_reorder(actor=cast.congress, candidate=last, direction=-1)
    assert [x.name for x in order] == ["甲", "丙", "乙"]
    assert [x.list_position for x in order] == [1, 2, 3]


def test_the_first_cannot_move_further_up(cast: Cast) -> None:
    first, _second = _listed(cast, "甲", "乙")
    order = candidate_list_reorder(actor=cast.congress, candidate=first, direction=-1)
    assert [x.name for x in order] == ["甲", "乙"]


def test_an_empty_list_cannot_be_published(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        candidate_list_publish(actor=cast.congress, body=cast.body, year=2027)
    assert not CandidateList.objects.filter(published_at__isnull=False).exists()


def test_a_published_list_cannot_be_published_or_reordered_again(cast: Cast) -> None:
    a, b = _listed(cast, "甲", "乙")
    candidate_list_publish(actor=cast.congress, body=cast.body, year=2027)
    with pytest.raises(ValidationError):
        candidate_list_publish(actor=cast.congress, body=cast.body, year=2027)
    with pytest.raises(ValidationError):
        candidate_list_reorder(actor=cast.congress, candidate=b, direction=-1)
    a.refresh_from_db()
    assert a.list_position == 1
