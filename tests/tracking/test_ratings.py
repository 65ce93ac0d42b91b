"""码上评: residents rate a project 1–5 stars with an optional comment, without an account (a signed
device token, or a phone number proved by a one-time code where the congress asks), one rating
per person per period; the page and the API show the average and count; staff hide an abusive
comment (its stars stay counted); a fall below the congress's floor raises a follow-up task."""

import logging
import re
import secrets
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import ActionEntry, Representative
from tests.conftest import Cast, client_for
from tracking import sms
from tracking.models import (
    GroupMember,
    Notification,
    Rating,
    SupervisionPolicy,
    SupervisionTask,
    TaskKind,
    TrackedProject,
    TrackingAction,
)
from tracking.services.ratings import DEVICE_COOKIE, phone_rater, throttle_reset

ADDRESSES = ("127.0.0.1", "10.0.0.9", "10.0.0.10")


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> Iterator[None]:
    """Each test starts with no ratings counted against its addresses, and keeps its texts."""
    settings.SMS_BACKEND = "tracking.sms.LocmemBackend"
    for address in ADDRESSES:
        throttle_reset(address)
    sms.outbox.clear()
    yield
    for address in ADDRESSES:
        throttle_reset(address)


def _project(cast: Cast, code: str = "T-1", **fields: Any) -> TrackedProject:
    return TrackedProject.objects.create(
        code=code, body=cast.body, year=2027, title=f"溪口村管网改造{code}", **fields
    )


def _page(project: TrackedProject) -> str:
    return reverse("project_page", kwargs={"code": project.code})


def _rate_url(project: TrackedProject) -> str:
    return reverse("project_rate", kwargs={"code": project.code})


def _device(address: str = "127.0.0.1") -> Client:
    """A browser that has opened a project page (so it holds a device token)."""
    return Client(REMOTE_ADDR=address)


def _rate(
    client: Client, project: TrackedProject, stars: Any, comment: str = "", **extra: str
) -> Any:
    if DEVICE_COOKIE not in client.cookies:
        client.get(_page(project))
    return client.post(_rate_url(project), {"stars": stars, "comment": comment, **extra})


def _text(response: Any) -> str:
    return str(response.content.decode())


def test_a_rating_is_stored_under_a_keyed_hash_of_the_device_never_its_token(cast: Cast) -> None:
    project = _project(cast)
    browser = _device()
    response = _rate(browser, project, 4, "进度很快")
    assert response.status_code == 302 and response["Location"].endswith("#voice")
    rating = Rating.objects.get()
    token = browser.cookies[DEVICE_COOKIE].value
    raw = token.rsplit(":", 1)[0]
    assert (rating.stars, rating.comment, rating.period) == (4, "进度很快", "2027")
    assert re.fullmatch(r"[0-9a-f]{64}", rating.rater)
    assert raw not in rating.rater and token not in rating.rater
    page = _text(browser.get(_page(project)))
    assert "感谢您的评价" in page and "进度很快" in page
    mine = re.search(r'class="voice-mine">(.*?)</p>', page, re.S)
    assert mine is not None and "★★★★☆" in mine.group(1) and "再次评价将替换" in mine.group(1)
    assert 'class="voice-mine"' not in _text(Client().get(_page(project)))  # another browser


def test_the_device_token_is_a_long_lived_http_only_same_site_cookie(cast: Cast) -> None:
    project = _project(cast)
    response = Client().get(_page(project))
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    assert bool(cookie["secure"]) == settings.SECURE_COOKIES
    again = Client()
    again.cookies[DEVICE_COOKIE] = cookie.value
    assert DEVICE_COOKIE not in again.get(_page(project)).cookies  # a valid token is kept


def test_a_new_rating_from_the_same_device_replaces_the_old_one(cast: Cast) -> None:
    project = _project(cast)
    browser = _device()
    _rate(browser, project, 2, "太慢了")
    response = _rate(browser, project, 5, "已经修好了")
    assert Rating.objects.count() == 1
    assert Rating.objects.values_list("stars", "comment").get() == (5, "已经修好了")
    page = _text(browser.get(response["Location"]))
    assert "新的评价已替换" in page and "太慢了" not in page


def test_the_page_shows_the_average_and_count_of_everyone_not_only_the_latest(
    cast: Cast,
) -> None:
    project = _project(cast)
    for stars, comment in [(5, "很好"), (4, ""), (4, "路面平整了")]:
        _rate(_device(), project, stars, comment)
    page = _text(Client().get(_page(project)))
    summary = re.search(r'class="voice-summary">(.*?)</p>', page, re.S)
    assert summary is not None
    assert "4.3" in summary.group(1) and "3 条评价的平均" in summary.group(1)
    assert "很好" in page and "路面平整了" in page
    assert page.count('class="voice-stars"') == 2  # blank comments are not listed


def test_stars_without_a_comment_are_a_rating(cast: Cast) -> None:
    project = _project(cast)
    _rate(_device(), project, 3, "   ")
    assert Rating.objects.values_list("stars", "comment").get() == (3, "")


@pytest.mark.parametrize(
    ("stars", "comment", "message"),
    [
        ("", "", "请选择 1 到 5 颗星"),
        ("0", "", "请选择 1 到 5 颗星"),
        ("6", "", "请选择 1 到 5 颗星"),
        ("很好", "", "请选择 1 到 5 颗星"),
        ("4", "差" * 10_000, "500"),
        ("4", "坏\x00字符", "控制字符"),
    ],
    ids=["no-stars", "zero", "six", "words", "10000-characters", "control-character"],
)
def test_bad_stars_or_comments_are_refused_clearly_and_nothing_is_stored(
    cast: Cast, stars: str, comment: str, message: str
) -> None:
    project = _project(cast)
    response = _rate(_device(), project, stars, comment)
    assert response.status_code == 400
    assert message in _text(response) and "未保存任何内容" in _text(response)
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("kind", ["tampered", "forged", "unsigned"])
def test_a_tampered_or_forged_token_is_refused_clearly_and_nothing_is_stored(
    cast: Cast, kind: str
) -> None:
    project = _project(cast)
    browser = _device()
    browser.get(_page(project))
    token = browser.cookies[DEVICE_COOKIE].value
    bad = {
        "tampered": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "forged": signing.Signer(key="not-this-site", salt="tracking.voice.device").sign("x" * 32),
        "unsigned": "x" * 32,
    }[kind]
    browser.cookies[DEVICE_COOKIE] = bad
    response = browser.post(_rate_url(project), {"stars": 5})
    assert response.status_code == 400
    assert "评价凭证无效" in _text(response)
    assert Rating.objects.count() == 0
    assert response.cookies[DEVICE_COOKIE].value != bad  # a fresh token to rate with


def test_a_replayed_token_from_another_browser_replaces_instead_of_adding(cast: Cast) -> None:
    project = _project(cast)
    first = _device()
    _rate(first, project, 1)
    copy = _device("10.0.0.9")
    copy.cookies[DEVICE_COOKIE] = first.cookies[DEVICE_COOKIE].value
    _rate(copy, project, 5)
    _rate(copy, project, 5)  # the same form sent twice
    assert Rating.objects.values_list("stars", flat=True).get() == 5


def test_a_rating_without_a_cookie_is_a_new_device_and_gets_its_token(cast: Cast) -> None:
    project = _project(cast)
    browser = _device()
    response = browser.post(_rate_url(project), {"stars": 4})
    assert response.status_code == 302 and DEVICE_COOKIE in response.cookies
    _rate(browser, project, 2)
    assert Rating.objects.values_list("stars", flat=True).get() == 2


def test_a_sub_item_or_an_unknown_project_cannot_be_rated(cast: Cast) -> None:
    parent = _project(cast)
    sub = _project(cast, "T-1-1", parent=parent)
    browser = _device()
    browser.get(_page(parent))
    for code in (sub.code, "T-404"):
        response = browser.post(reverse("project_rate", kwargs={"code": code}), {"stars": 5})
        assert response.status_code == 404
        assert "页面不存在" in _text(response) or "找不到" in _text(response)
    assert Rating.objects.count() == 0


def test_a_rating_is_a_post_with_its_csrf_token(cast: Cast) -> None:
    project = _project(cast)
    browser = Client(enforce_csrf_checks=True)
    browser.get(_page(project))
    assert browser.post(_rate_url(project), {"stars": 5}).status_code == 403
    assert browser.get(_rate_url(project)).status_code == 405
    assert Rating.objects.count() == 0


def test_a_burst_from_one_address_is_throttled_clearly_and_stores_nothing_more(
    cast: Cast, settings: Any
) -> None:
    settings.VOICE_RATE_LIMIT = 3
    project = _project(cast)
    for _n in range(3):
        assert _rate(_device("10.0.0.9"), project, 5).status_code == 302
    refused = _rate(_device("10.0.0.9"), project, 1, "刷分")
    assert refused.status_code == 429
    assert re.search(r"请在 \d+ 分钟后再试", _text(refused)) and "未保存" in _text(refused)
    assert Rating.objects.count() == 3 and not Rating.objects.filter(stars=1).exists()
    assert _rate(_device("10.0.0.10"), project, 4).status_code == 302  # another address


def _group(cast: Cast, project: TrackedProject) -> None:
    leader = Representative.objects.create(
        body=cast.body, code="D01", name="李代表", user=cast.representative
    )
    GroupMember.objects.create(project=project, representative=leader, leads=True)
    for user, email in [(cast.representative, "rep@example.cn"), (cast.congress, "rd@example.cn")]:
        user.email = email
        user.save()


def test_a_fall_below_the_floor_with_ten_ratings_raises_one_follow_up_for_the_group(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    settings.VOICE_RATE_LIMIT = 100
    project = _project(cast)
    _group(cast, project)
    for _n in range(6):
        _rate(_device(), project, 4)
    for _n in range(3):
        _rate(_device(), project, 1)
    assert SupervisionTask.objects.count() == 0  # nine ratings: too few to mean it
    with django_capture_on_commit_callbacks(execute=True):
        _rate(_device(), project, 1)  # ten ratings, average 2.8
    task = SupervisionTask.objects.get()
    assert (task.kind, task.owner, task.project) == (TaskKind.LOW_RATING, "李代表", project)
    notices = Notification.objects.filter(project=project)
    assert {n.user for n in notices} == {cast.representative, cast.congress}
    assert "2.8" in notices[0].text and "10" in notices[0].text
    assert sorted(m.to[0] for m in mail.outbox) == ["rd@example.cn", "rep@example.cn"]
    assert "群众评价偏低" in mail.outbox[0].subject
    dashboard = _text(
        client_for(cast.congress).get(reverse("supervision", kwargs={"body": "hill"}))
    )
    assert "群众评价偏低的跟进督办" in dashboard and project.title in dashboard
    for _n in range(3):
        _rate(_device(), project, 1)  # lower still: the task is open
    task.closed_at = task.created_at
    task.save()
    _rate(_device(), project, 1)  # closed, but once per period
    assert SupervisionTask.objects.count() == 1
    assert Notification.objects.count() == 2


def test_the_congress_sets_the_floor_and_the_minimum_count(cast: Cast) -> None:
    project = _project(cast)
    SupervisionPolicy.objects.create(
        body=cast.body, rating_floor=Decimal("3.5"), rating_min_count=2
    )
    _rate(_device(), project, 4)
    _rate(_device(), project, 3)  # 3.5: not below
    assert SupervisionTask.objects.count() == 0
    _rate(_device(), project, 3)  # 3.3
    assert SupervisionTask.objects.get().kind == TaskKind.LOW_RATING


def test_the_api_gives_the_average_and_count_of_current_ratings(cast: Cast) -> None:
    project = _project(cast)
    other = _project(cast, "T-2")
    for stars in (5, 4):
        _rate(_device(), project, stars)
    Rating.objects.create(project=project, period="2026", rater="x" * 64, stars=1)  # past period
    listed = Client().get(reverse("api_projects")).json()["features"]
    ratings = {f["properties"]["id"]: f["properties"]["rating"] for f in listed}
    assert ratings == {
        project.code: {"average": 4.5, "count": 2},
        other.code: {"average": None, "count": 0},
    }
    one = Client().get(reverse("api_project", kwargs={"code": project.code})).json()
    assert one["properties"]["rating"] == {"average": 4.5, "count": 2}


def test_the_api_reads_ratings_in_the_same_queries_for_3_projects_as_for_30(cast: Cast) -> None:
    counts = []
    for total in (3, 30):
        while TrackedProject.objects.count() < total:
            made = _project(cast, f"T-{TrackedProject.objects.count() + 1}")
            Rating.objects.create(project=made, period="2027", rater=secrets.token_hex(32), stars=3)
        with CaptureQueriesContext(connection) as queries:
            Client().get(reverse("api_projects"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _hide_url(rating: Rating) -> str:
    return reverse(
        "rating_hide",
        kwargs={"body": rating.project.body.slug, "code": rating.project.code, "pk": rating.pk},
    )


def test_congress_staff_hide_an_abusive_comment_after_confirming_and_its_stars_still_count(
    cast: Cast,
) -> None:
    project = _project(cast)
    _rate(_device(), project, 1, "骂人的话")
    _rate(_device(), project, 5, "很好")
    rating = Rating.objects.get(stars=1)
    staff = client_for(cast.congress)
    ratings_page = reverse("project_ratings", kwargs={"body": "hill", "code": project.code})
    assert "骂人的话" in _text(staff.get(ratings_page))
    ask = _text(staff.get(_hide_url(rating)))
    assert "仍计入平均分" in ask and 'name="confirm" value="yes"' in ask
    staff.post(_hide_url(rating), {"reason": "人身攻击"})  # not confirmed: nothing happens
    assert Rating.objects.get(pk=rating.pk).hidden_at is None
    response = staff.post(_hide_url(rating), {"confirm": "yes", "reason": "人身攻击"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.hidden_reason, rating.hidden_by) == ("人身攻击", cast.congress)
    public = _text(Client().get(_page(project)))
    assert "骂人的话" not in public and "很好" in public
    assert "有 1 条留言因违反规定已被工作人员隐藏" in public
    assert "3.0" in public and "2 条评价的平均" in public
    logged = ActionEntry.objects.get(action=TrackingAction.RATING_HIDDEN)
    assert logged.subject == project.code and logged.detail["reason"] == "人身攻击"
    assert logged.detail["stars"] == 1 and logged.actor == "congress"
    api = Client().get(reverse("api_project", kwargs={"code": project.code})).json()
    assert api["properties"]["rating"] == {"average": 3.0, "count": 2}


def test_hiding_needs_a_reason_and_only_congress_staff_may_hide(cast: Cast) -> None:
    project = _project(cast)
    _rate(_device(), project, 1, "骂人的话")
    rating = Rating.objects.get()
    blank = client_for(cast.congress).post(_hide_url(rating), {"confirm": "yes", "reason": " "})
    assert blank.status_code == 400 and "这个字段是必填项" in _text(blank)
    for user in (cast.auditor, cast.east_staff, cast.unit, cast.stranger_staff, None):
        client_for(user).post(_hide_url(rating), {"confirm": "yes", "reason": "x"})
    assert Rating.objects.get().hidden_at is None


def test_the_public_page_links_staff_to_the_ratings_and_reports(cast: Cast) -> None:
    project = _project(cast)
    staff_page = _text(client_for(cast.auditor).get(_page(project)))
    assert reverse("project_ratings", kwargs={"body": "hill", "code": project.code}) in staff_page
    assert "project_ratings" not in _text(Client().get(_page(project)))
    assert "/ratings/" not in _text(Client().get(_page(project)))


@pytest.fixture
def phones(cast: Cast) -> str:
    """The congress has residents rate with a phone number; a number of this run's own."""
    SupervisionPolicy.objects.create(body=cast.body, phone_ratings=True)
    return f"139{secrets.randbelow(10**8):08d}"


def _code() -> str:
    found = re.search(r"\d{6}", sms.outbox[-1].text)
    assert found is not None
    return found.group()


def test_where_the_congress_asks_a_phone_number_proves_the_rater(cast: Cast, phones: str) -> None:
    project = _project(cast)
    browser = Client()
    assert "手机号" in _text(browser.get(_page(project)))
    asked = browser.post(
        _rate_url(project), {"stars": 2, "comment": "噪音大", "phone": phones, "action": "code"}
    )
    assert asked.status_code == 200 and "验证码已发送" in _text(asked)
    assert [m.number for m in sms.outbox] == [phones] and Rating.objects.count() == 0
    assert 'value="噪音大"' in _text(asked) or "噪音大" in _text(asked)  # kept for the next step
    fields = {"stars": 2, "comment": "噪音大", "phone": f"+86 {phones}", "action": "rate"}
    response = browser.post(_rate_url(project), {**fields, "code": _code()})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert rating.rater == phone_rater(phones) and phones not in rating.rater


def test_a_phone_code_is_good_once_and_a_wrong_one_is_refused(cast: Cast, phones: str) -> None:
    project = _project(cast)
    browser = Client()
    fields = {"stars": 2, "phone": phones}
    browser.post(_rate_url(project), {**fields, "action": "code"})
    code = _code()
    wrong = "000000" if code != "000000" else "111111"
    refused = browser.post(_rate_url(project), {**fields, "action": "rate", "code": wrong})
    assert refused.status_code == 400 and "验证码不正确" in _text(refused)
    assert (
        browser.post(_rate_url(project), {**fields, "action": "rate", "code": code}).status_code
        == 302
    )
    replayed = browser.post(
        _rate_url(project), {**fields, "stars": 5, "action": "rate", "code": code}
    )
    assert replayed.status_code == 400 and "没有有效的验证码" in _text(replayed)
    assert Rating.objects.values_list("stars", flat=True).get() == 2
    browser.post(_rate_url(project), {**fields, "action": "code"})
    browser.post(_rate_url(project), {**fields, "stars": 4, "action": "rate", "code": _code()})
    assert Rating.objects.values_list("stars", flat=True).get() == 4  # the same number: replaced


@pytest.mark.parametrize("number", ["12345", "23812345678", "1381234567x", ""])
def test_a_number_that_is_not_a_mobile_is_refused_and_nothing_is_sent(
    cast: Cast, phones: str, number: str
) -> None:
    project = _project(cast)
    response = Client().post(_rate_url(project), {"stars": 3, "phone": number, "action": "code"})
    assert response.status_code == 400 and sms.outbox == []
    assert "11 位" in _text(response) or "必填" in _text(response)


def test_the_console_backend_logs_the_code_for_the_demo(
    cast: Cast, phones: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SMS_BACKEND = "tracking.sms.ConsoleBackend"
    project = _project(cast)
    with caplog.at_level(logging.WARNING, logger="tracking.sms"):
        Client().post(_rate_url(project), {"stars": 3, "phone": phones, "action": "code"})
    assert phones in caplog.text and re.search(r"\d{6}", caplog.text)
