"""404 and 403 pages wear the site's layout, speak Chinese first and show a way back."""

from django.urls import reverse

from tests.conftest import Cast, client_for
from tests.voting import make_round, make_session, open_with_cards


def test_a_missing_page_is_chinese_with_the_layout_and_a_way_home(db: None) -> None:
    answer = client_for(None).get("/no/such/page/")
    page = answer.content.decode()
    assert answer.status_code == 404
    assert "页面不存在" in page and 'href="/"' in page and 'class="topbar"' in page


def test_a_forbidden_page_explains_and_offers_a_way_back(cast: Cast) -> None:
    answer = client_for(cast.outsider).get(reverse("session_index", kwargs={"body": "hill"}))
    page = answer.content.decode()
    assert answer.status_code == 403
    assert "您无权打开此页面" in page and "返回首页" in page


def test_an_english_reader_gets_english_error_pages(db: None) -> None:
    page = client_for(None, "en").get("/no/such/page/").content.decode()
    assert "This page is not here" in page and "Back to the home page" in page


def test_a_result_asked_for_before_the_close_says_when_it_will_be_there(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    open_with_cards(round_)
    answer = client_for(None).get(reverse("results", kwargs={"code": "R1"}))
    page = answer.content.decode()
    assert answer.status_code == 404
    assert "表决结束后" in page and "R1" in page


def test_a_plain_404_names_no_record(db: None) -> None:
    page = client_for(None, "en").get(reverse("results", kwargs={"code": "NOPE"})).content.decode()
    assert "Round" not in page and "matches the given query" not in page
