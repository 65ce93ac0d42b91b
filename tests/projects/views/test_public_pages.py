"""What the public sees: published lists only, filters, and no residents' names."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ballots.services.rounds import round_close
from projects.models import Candidate, Status
from projects.services import candidate_create
from tests.conftest import RESIDENT, SOURCE, Cast, candidate_data, client_for
from tests.voting import make_round, make_session, open_with_cards


def test_the_published_list_shows_its_candidates_in_chinese(
    cast: Cast, published: Candidate
) -> None:
    page = client_for(None).get(reverse("public_list", kwargs={"body": cast.body.slug}))
    text = page.content.decode()
    assert "2027 年度民生实事候选项目" in text
    assert "溪口村饮用水管网改造" in text
    assert "320.00 万元" in text


def test_the_list_is_in_english_once_english_is_picked(cast: Cast, published: Candidate) -> None:
    client = client_for(None)
    url = reverse("public_list", kwargs={"body": cast.body.slug})
    client.post(reverse("set_language"), {"language": "en", "next": url})
    text = client.get(url).content.decode()
    assert "Candidate livelihood projects for 2027" in text
    assert "320.00 × 10,000 yuan" in text


def test_an_english_system_locale_alone_keeps_pages_chinese(
    cast: Cast, published: Candidate
) -> None:
    page = client_for(None).get(
        reverse("public_list", kwargs={"body": cast.body.slug}), HTTP_ACCEPT_LANGUAGE="en-US,en"
    )
    assert "2027 年度民生实事候选项目" in page.content.decode()


def test_large_amounts_are_grouped_in_thousands(cast: Cast, published: Candidate) -> None:
    published.investment_wan = Decimal("12345.5")
    published.save()
    page = client_for(None).get(reverse("public_list", kwargs={"body": cast.body.slug}))
    assert "12,345.50 万元" in page.content.decode()


def test_unpublished_candidates_are_not_public(cast: Cast, draft: Candidate) -> None:
    client = client_for(None)
    listing = client.get(reverse("public_list", kwargs={"body": cast.body.slug}))
    assert "溪口村饮用水管网改造" not in listing.content.decode()
    page = client.get(reverse("public_candidate", kwargs={"body": cast.body.slug, "pk": draft.pk}))
    assert page.status_code == 404


def test_filters_narrow_the_list(cast: Cast, published: Candidate) -> None:
    url = reverse("public_list", kwargs={"body": cast.body.slug})
    client = client_for(None)
    kept = client.get(url, {"year": "2027", "category": "environment"}).content.decode()
    gone = client.get(url, {"year": "2027", "category": "education"}).content.decode()
    other_station = client.get(url, {"year": 2027, "station": cast.west.pk}).content.decode()
    assert "溪口村饮用水管网改造" in kept
    assert "溪口村饮用水管网改造" not in gone
    assert "溪口村饮用水管网改造" not in other_station


def test_residents_are_not_named_in_public(cast: Cast, published: Candidate) -> None:
    page = client_for(None).get(
        reverse("public_candidate", kwargs={"body": cast.body.slug, "pk": published.pk})
    )
    text = page.content.decode()
    assert "群众" in text
    assert RESIDENT not in text


def test_a_candidate_is_not_reachable_under_another_body(cast: Cast, published: Candidate) -> None:
    page = client_for(None).get(
        reverse("public_candidate", kwargs={"body": "river", "pk": published.pk})
    )
    assert page.status_code == 404


def test_staff_of_another_body_cannot_see_this_bodys_drafts(cast: Cast, draft: Candidate) -> None:
    client = client_for(cast.stranger_staff)
    listing = client.get(reverse("candidate_index", kwargs={"body": cast.body.slug}))
    detail = client.get(
        reverse("candidate_detail", kwargs={"body": cast.body.slug, "pk": draft.pk})
    )
    own = client.get(reverse("candidate_index", kwargs={"body": "river"}))
    assert listing.status_code == detail.status_code == 403
    assert own.status_code == 200 and "溪口村" not in own.content.decode()


def test_a_station_sees_only_its_own_work(cast: Cast, draft: Candidate) -> None:
    candidate_create(
        actor=cast.west_staff,
        station=cast.west,
        data=candidate_data(name="西区农贸市场改造"),
        source=SOURCE,
    )
    east = client_for(cast.east_staff).get(
        reverse("candidate_index", kwargs={"body": cast.body.slug})
    )
    text = east.content.decode()
    assert "溪口村饮用水管网改造" in text and "西区农贸市场改造" not in text
    assert Candidate.objects.filter(status=Status.DRAFT).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_congress_page_links_closed_rounds_to_their_results_and_board(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    open_with_cards(round_)
    round_close(round_=round_)
    page = client_for(None).get(reverse("public_list", kwargs={"body": cast.body.slug}))
    text = page.content.decode()
    assert "票决结果" in text
    assert reverse("results", kwargs={"code": "R1"}) in text
    assert reverse("board", kwargs={"code": "R1"}) in text
