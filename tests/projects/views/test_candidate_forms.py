"""Filing and editing candidates through the pages: errors in the user's language, nothing lost."""

from typing import Any

from django.urls import reverse

from projects.models import Candidate, CandidateSource, Status
from tests.conftest import Cast, advance, client_for


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "c-name": "青山路路灯亮化",
        "c-category": "urban",
        "c-year": "2027",
        "c-content": "新增路灯420盏。",
        "c-investment_wan": "86.5",
        "c-latitude": "29.2902",
        "c-longitude": "121.4312",
        "c-planned_completion": "2027-10-01",
        "s-kind": "resident",
        "s-name": "青山路居民",
        "s-raised_on": "2026-09-05",
    }
    data.update(overrides)
    return data


def test_station_staff_file_a_draft_at_their_own_station(cast: Cast) -> None:
    response = client_for(cast.east_staff).post(
        reverse("candidate_new", kwargs={"body": cast.body.slug}),
        _form(**{"c-station": cast.east.pk}),
    )
    candidate = Candidate.objects.get()
    assert response.status_code == 302
    assert (candidate.station, candidate.status, candidate.created_by) == (
        cast.east,
        Status.DRAFT,
        cast.east_staff,
    )
    assert candidate.sources.get().name == "青山路居民"


def test_a_station_cannot_file_for_another_station(cast: Cast) -> None:
    response = client_for(cast.east_staff).post(
        reverse("candidate_new", kwargs={"body": cast.body.slug}),
        _form(**{"c-station": cast.west.pk}),
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Candidate.objects.count() == 0


def test_bad_input_is_explained_and_nothing_is_stored(cast: Cast) -> None:
    response = client_for(cast.east_staff).post(
        reverse("candidate_new", kwargs={"body": cast.body.slug}),
        _form(
            **{
                "c-station": cast.east.pk,
                "c-name": "",
                "c-investment_wan": "-5",
                "c-longitude": "",
                "s-raised_on": "昨天",
            }
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项。" in page
    assert "确保该值大于或等于0。" in page
    assert "经度和纬度须同时填写或同时留空" in page
    assert "输入一个有效的日期。" in page
    assert Candidate.objects.count() == CandidateSource.objects.count() == 0


def test_a_submitted_candidate_can_no_longer_be_edited(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED)
    response = client_for(cast.east_staff).post(
        reverse("candidate_edit", kwargs={"body": cast.body.slug, "pk": draft.pk}),
        _form(**{"c-name": "改过的名字"}),
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.name == "溪口村饮用水管网改造"


def test_the_detail_page_offers_the_station_only_its_own_move(cast: Cast, draft: Candidate) -> None:
    page = (
        client_for(cast.east_staff)
        .get(reverse("candidate_detail", kwargs={"body": cast.body.slug, "pk": draft.pk}))
        .content.decode()
    )
    assert 'value="submitted"' in page
    assert 'value="screened"' not in page
    assert "合并重复建议" not in page


def test_a_decision_refused_by_the_rules_is_explained(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED)
    response = client_for(cast.congress).post(
        reverse("candidate_move", kwargs={"body": cast.body.slug, "pk": draft.pk}),
        {"target": "rejected", "reason": "", "criterion": "fiscal"},
        follow=True,
    )
    assert "请填写理由。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
