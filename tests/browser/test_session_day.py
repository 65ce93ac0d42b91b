"""A session day's rough edges, in the browser: closing with ballots missing, a card code typed
in full-width, the error pages with DEBUG off, and the staff action log on a laptop and a phone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ballots.models import Round, RoundStatus
from ballots.services.cards import Card, credentials_issue
from ballots.services.rounds import round_close, round_create, round_open
from ballots.services.sessions import session_create, voters_check_in
from projects.models import ActionEntry
from projects.services import candidate_create
from tests.browser.conftest import Screens
from tests.conftest import SOURCE, Cast, candidate_data
from tests.voting import cast_ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = (390, 844)  # width, height
STAFF_NAME = "王晓红"  # the congress staff member's name, as the log should show it
STATION_NAME = "李建国"  # the east station's


def five_of_six_present(cast: Cast, voted: int) -> tuple[Round, list[Card]]:
    """应到 6, 实到 5, cards for the 5, voting open, `voted` of them have voted."""
    session = session_create(
        body=cast.body,
        code="S1",
        title="青山镇第十八届人民代表大会第三次会议",
        date=datetime.date(2027, 1, 15),
        voters=[(f"V{n:03d}", f"代表{n}") for n in range(1, 7)],
        actor=cast.congress,
    )
    round_ = round_create(
        session=session,
        code="R1",
        kind="selection",
        secrecy="secret",
        to_select=2,
        max_yes=None,
        items=[(f"P{n}", n, f"项目{n}", None) for n in range(1, 5)],
        actor=cast.congress,
    )
    voters_check_in(session=session, codes=[f"V{n:03d}" for n in range(1, 6)], actor=cast.congress)
    cards = credentials_issue(round_=round_, actor=cast.congress)
    round_ = round_open(round_=round_, actor=cast.congress)
    for card in cards[:voted]:
        cast_ballot(round_.code, card.code, {"P1": "yes", "P2": "yes"})
    return round_, cards


def device(browser: Browser, width: int, height: int, locale: str = "zh-CN") -> Page:
    """A browser of its own (cookies and all) on a screen of this size, in this system language:
    a Chinese office PC or phone unless told otherwise."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def status(round_: Round) -> str:
    return Round.objects.get(pk=round_.pk).status


def test_closing_with_ballots_missing_needs_the_shortfall_acknowledged(
    screens: Screens, cast: Cast
) -> None:
    round_, _ = five_of_six_present(cast, voted=3)
    staff = device(screens.browser, 1200, 900)
    screens.sign_in(staff, "congress")
    close_url = f"{screens.base}/work/{cast.body.slug}/rounds/{round_.code}/close/"
    staff.goto(f"{screens.base}/work/{cast.body.slug}/rounds/{round_.code}/")
    staff.click("text=结束表决并计票")
    expect(staff.locator("h1")).to_have_text(f"结束轮次 {round_.code} 的表决并计票？")
    counts = staff.locator("p.counts")
    expect(counts).to_contain_text(re.compile(r"已投\)?\s*3"))
    expect(counts).to_contain_text(re.compile(r"实到\)?\s*5"))
    expect(counts).to_contain_text(re.compile(r"应到\)?\s*6"))
    expect(staff.locator(".errorbox[role=alert]")).to_have_text(
        "还有 2 名实到代表尚未投票。现在结束，本轮将不能再投票。"
    )
    box = staff.locator("input[name=acknowledge]")
    expect(box).not_to_be_checked()
    expect(box.locator("xpath=..")).to_have_text("我知道还有 2 名代表尚未投票，仍要结束表决。")

    # The button alone does nothing: the browser asks for the box to be ticked first.
    staff.click("form.narrow button.primary")
    assert box.evaluate("e => e.validity.valueMissing") is True
    assert staff.url.split("?")[0] == close_url
    expect(staff.locator("h1")).to_have_text(f"结束轮次 {round_.code} 的表决并计票？")
    assert status(round_) == RoundStatus.OPEN
    screens.shot(staff, "30-close-missing-ballots-ask")

    # A form sent without the box (an old page, a script) is refused by the server too.
    box.evaluate("e => { e.required = false; }")
    staff.click("form.narrow button.primary")
    expect(staff.locator(".messages")).to_contain_text("未执行任何操作：请阅读本页内容后再确认。")
    assert status(round_) == RoundStatus.OPEN

    # Ticked, it closes: the result is counted on the round's page.
    staff.locator("input[name=acknowledge]").check()
    staff.click("form.narrow button.primary")
    expect(staff.locator(".messages")).to_contain_text("表决已结束并完成计票。")
    assert status(round_) == RoundStatus.CLOSED
    expect(staff.locator(".outcome")).to_be_visible()
    screens.shot(staff, "31-close-missing-ballots-acknowledged")


FULL_WIDTH = {c: chr(ord(c) - 0x21 + 0xFF01) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"}


def full_width(code: str) -> str:
    """As a Chinese input method types it: full-width letters and digits, a space and a '－'."""
    signs = "".join(FULL_WIDTH[c] for c in code if c.isalnum())
    return f"{signs[:5]} {signs[5:10]}－{signs[10:]}"


def test_the_tablet_takes_a_full_width_code_and_keeps_a_wrong_one(
    screens: Screens, cast: Cast
) -> None:
    round_, cards = five_of_six_present(cast, voted=0)
    tablet = device(screens.browser, 1024, 768)  # a tablet, landscape
    tablet.goto(f"{screens.base}/vote/")

    code = cards[0].code
    typed = full_width(code)
    assert typed != code and all(ord(c) > 0xFF00 for c in typed if c not in " －")
    field = tablet.locator("#id_code")
    field.press_sequentially(typed)
    expect(field).to_have_value(typed)
    tablet.click("#card-form button[type=submit]")
    cards_shown = tablet.locator(".item-card")
    expect(cards_shown).to_have_count(4)
    expect(tablet.locator("#code-problem")).to_have_count(0)
    screens.shot(tablet, "32-tablet-fullwidth-code")

    # A wrong one, typed the same way: the field keeps it as typed and says what was wrong.
    other = device(screens.browser, 1024, 768)
    other.goto(f"{screens.base}/vote/")
    wrong = full_width(("2" if code[0] != "2" else "3") + code[1:])
    other.locator("#id_code").press_sequentially(wrong)
    other.click("#card-form button[type=submit]")
    expect(other.locator("#code-problem")).to_contain_text("凭证码无效")
    expect(other.locator("#id_code")).to_have_value(wrong)
    expect(other.locator("#id_code")).to_be_focused()
    screens.shot(other, "33-tablet-wrong-code-kept")
    short = wrong[:-3]  # three signs short: told how many full-width signs it counted
    other.locator("#id_code").fill(short)
    other.click("#card-form button[type=submit]")
    expect(other.locator("#code-problem")).to_contain_text("您输入的凭证码有 12 个字母和数字")
    expect(other.locator("#id_code")).to_have_value(short)
    assert status(round_) == RoundStatus.OPEN


def test_a_ballot_shown_for_a_full_width_code_can_be_sent(screens: Screens, cast: Cast) -> None:
    round_, cards = five_of_six_present(cast, voted=0)
    tablet = device(screens.browser, 1024, 768)
    tablet.goto(f"{screens.base}/vote/")
    tablet.locator("#id_code").press_sequentially(full_width(cards[0].code))
    tablet.click("#card-form button[type=submit]")
    tablet.locator(".item-card").first.locator("[data-choice=yes]").click()
    tablet.click("[data-action=review]")
    tablet.click("[data-action=submit]")
    # A vote on a hall's network takes well under a second; five is generous.
    expect(tablet.locator("[data-receipt]")).to_have_text(
        re.compile(r"^[0-9a-f]{16}$"), timeout=5_000
    )
    assert round_.sealed_ballots.count() == 1


@pytest.fixture
def debug_off(settings: object) -> None:
    """Error pages as in production. `live_server` runs in this process and reads these settings
    per request (with DEBUG on it shows Django's technical 404); `asgi_server` is a subprocess
    started with DEBUG=true, so its 404 would be the technical page."""
    settings.DEBUG = False  # type: ignore[attr-defined]


def english_system(browser: Browser, width: int, height: int) -> Page:
    """A phone or laptop whose system language is English: the site is Chinese all the same."""
    return device(browser, width, height, locale="en-US")


def expect_site_layout(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("header.topbar .brand")).to_be_visible()
    expect(page.locator("footer")).to_be_visible()
    back = page.locator(".error-page a.button.primary")
    expect(back).to_be_visible()


def test_error_pages_are_chinese_in_the_site_layout_with_a_way_back(
    browser: Browser, screens: Screens, cast: Cast, debug_off: None
) -> None:
    base = screens.base
    page = english_system(browser, 1200, 900)
    response = page.goto(f"{base}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator(".error-page")).not_to_contain_text("URLconf")  # not the debug page
    expect_site_layout(page)
    screens.shot(page, "34-404-zh")
    page.click(".error-page a.button.primary")
    expect(page).to_have_url(f"{base}/")

    phone = english_system(browser, *PHONE)
    phone.goto(f"{base}/no-such-page/")
    expect(phone.locator("h1")).to_have_text("页面不存在")
    expect_site_layout(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    screens.shot(phone, "36-404-phone")

    # Signed in, with no role in this congress: the staff's log is not for them.
    outsider = english_system(browser, 1200, 900)
    screens.sign_in(outsider, "outsider")
    response = outsider.goto(f"{base}/work/{cast.body.slug}/log/")
    assert response is not None and response.status == 403
    expect(outsider.locator("h1")).to_have_text("您无权打开此页面")
    expect_site_layout(outsider)
    screens.shot(outsider, "35-403-zh")


def test_a_result_asked_for_too_early_says_when_it_will_be_there(
    browser: Browser, screens: Screens, cast: Cast, debug_off: None
) -> None:
    round_, _ = five_of_six_present(cast, voted=1)
    page = english_system(browser, 1200, 900)
    response = page.goto(f"{screens.base}/results/{round_.code}/")
    assert response is not None and response.status == 404
    notice = page.locator(".error-page .notice")
    expect(notice).to_have_text(
        f"轮次 {round_.code} 的表决结果将在表决结束后立即在此公布（目前：投票中）。请届时再来查看。"
    )
    expect_site_layout(page)
    screens.shot(page, "37-result-not-yet")

    round_close(round_=round_, actor=cast.congress)  # now it is there
    response = page.goto(f"{screens.base}/results/{round_.code}/")
    assert response is not None and response.status == 200


def beijing(at: str) -> str:
    """An entry's UTC time as the log should show it: 北京时间, Django's Chinese format."""
    moment = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    local = moment.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def test_the_action_log_reads_in_names_and_beijing_time_on_a_laptop_and_a_phone(
    screens: Screens, cast: Cast
) -> None:
    cast.congress.first_name = STAFF_NAME
    cast.congress.save(update_fields=["first_name"])
    cast.east_staff.first_name = STATION_NAME
    cast.east_staff.save(update_fields=["first_name"])
    candidate_create(
        actor=cast.east_staff, station=cast.east, data=candidate_data(), source=SOURCE
    )  # a station files a proposal
    round_, _ = five_of_six_present(cast, voted=3)  # session, check-in, round, cards, opened
    round_close(round_=round_, actor=cast.congress)
    entries = list(ActionEntry.objects.filter(body=cast.body).order_by("-seq"))
    assert len(entries) >= 5

    laptop = device(screens.browser, 1280, 800)
    screens.sign_in(laptop, "congress")
    laptop.goto(f"{screens.base}/work/{cast.body.slug}/log/")
    rows = laptop.locator("table.action-log tbody tr")
    expect(rows).to_have_count(len(entries))
    expect(rows.locator("td:nth-child(2)")).to_have_text([beijing(e.at) for e in entries])
    who = [STATION_NAME if e.actor == "east" else STAFF_NAME for e in entries]
    assert who.count(STATION_NAME) == 1
    expect(rows.locator("td:nth-child(3)")).to_have_text(who)
    table = laptop.locator("table.action-log")
    expect(table).not_to_contain_text("congress")
    expect(table).not_to_contain_text("east")
    expect(table).not_to_contain_text("{'")

    # Narrowed to one action and a day (北京时间): yesterday had none, today has the close.
    today = timezone.localdate()
    laptop.select_option("#id_action", "round_closed")
    laptop.fill("#id_since", (today - datetime.timedelta(days=1)).isoformat())
    laptop.fill("#id_until", (today - datetime.timedelta(days=1)).isoformat())
    laptop.click(".log-filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_text("暂无记录。")
    laptop.fill("#id_until", today.isoformat())
    laptop.click(".log-filters button[type=submit]")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").first).to_have_text(str(entries[0].seq))
    expect(rows.first).to_contain_text("结束表决并签名")
    expect(laptop.locator("#id_action")).to_have_value("round_closed")
    screens.shot(laptop, "38-log-laptop")

    phone = device(screens.browser, *PHONE)
    screens.sign_in(phone, "congress")
    phone.goto(f"{screens.base}/work/{cast.body.slug}/log/")
    expect(phone.locator("table.action-log tbody tr")).to_have_count(len(entries))
    expect(phone.locator("table.action-log")).not_to_contain_text("{'")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    screens.shot(phone, "39-log-phone")
