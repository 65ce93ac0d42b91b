"""The closed hall screen on a 1080p and a 720p projector; the tablet's project facts and codes."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from ballots.models import Round
from ballots.services.rounds import round_close, round_create
from projects.models import Candidate, Status
from tests.browser.conftest import Screens
from tests.conftest import Cast, candidate_data
from tests.voting import cast_ballot, make_round, make_session, open_with_cards

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "溪口村饮用水管网改造工程",
    "镇中心小学食堂扩建",
    "青山路路灯更换与夜间照明提升",
    "老年活动中心适老化改造",
    "东溪河道清淤及沿岸步道建设",
    "农贸市场雨棚与排水改造",
    "卫生院发热门诊标准化建设",
    "垃圾分类收集点建设（12个村）",
    "幼儿园增设托育班",
    "村级公交候车亭新建及线路优化",
    "山塘水库除险加固",
    "文化礼堂数字影院设备更新",
    "农村公路安全防护栏安装",
    "社区居家养老服务站",
    "镇区停车场扩容",
]


def closed_fifteen(cast: Cast) -> Round:
    """15 items, 10 places, 12 voters: 1–8 selected, 9–11 tied for the last 2, 12–15 fail."""
    session = make_session(cast.body, seats=12)
    round_ = make_round(session, items=15, to_select=10, max_yes=10)
    for item in round_.items.all():
        item.title = TITLES[item.number - 1]
        item.save(update_fields=["title"])
    pairs = [(9, 10), (10, 11), (9, 11)]
    for n, card in enumerate(open_with_cards(round_)):
        yes = [*range(1, 9), *pairs[n % 3]]
        choices = {f"P{i}": "yes" for i in yes} | {f"P{i}": "no" for i in range(12, 16)}
        cast_ballot(round_.code, card.code, choices)
    return round_close(round_=round_)


def px(page: Page, selector: str, prop: str) -> float:
    value = page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")
    return float(str(value).removesuffix("px"))


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_a_closed_fifteen_item_round_fits_the_hall_screen(
    browser: Browser, asgi_server: str, cast: Cast, width: int, height: int
) -> None:
    round_ = closed_fifteen(cast)
    page = Screens(browser, asgi_server).person(width=width, height=height)
    page.goto(f"{asgi_server}/hall/{round_.code}/")
    rows = page.locator(".results tbody tr")
    expect(rows).to_have_count(15)
    expect(page.locator(".outcome")).to_have_text("得票相同的项目需再次票决")
    expect(page.locator(".results .tag.ok")).to_have_count(8)
    expect(page.locator(".results .tag.warn")).to_have_count(3)
    expect(page.locator(".results .tag.bad")).to_have_count(4)
    expect(rows.first).to_contain_text(TITLES[0])
    expect(page.locator(".fingerprint")).to_be_visible()
    Screens(browser, asgi_server).shot(page, f"20-hall-closed-{width}x{height}")

    for n in range(15):  # every row, the key and the counts on the one screen: nothing scrolls
        box = rows.nth(n).bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (n, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (n, box)
    for selector in (".hall-key", ".hall-counts", ".results thead"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (selector, box)
    assert page.evaluate("document.documentElement.scrollHeight") <= height
    # Large type, scaled with the screen: ≥ 40 px on 1080 lines, ≥ 28 px on 720 (the same share).
    least = 28 * height / 720
    assert px(page, ".results .tag", "fontSize") >= least
    assert px(page, ".results td.title", "fontSize") >= least
    assert px(page, '[data-field="ballots_cast"]', "fontSize") < 2 * least  # the strip is small
    # Each mark reads differently: a filled green tick, an amber tie, a red-ruled cross.
    marks = {
        tone: page.eval_on_selector(
            f".results .tag.{tone}",
            "e => getComputedStyle(e, '::before').content + getComputedStyle(e).backgroundColor",
        )
        for tone in ("ok", "warn", "bad")
    }
    assert len(set(marks.values())) == 3, marks


CONTENT = "更换老旧供水主管3.2公里，新建加压泵站一座，解决溪口、上林两村1200户居民夏季用水难。"


def candidates_round(cast: Cast) -> Round:
    session = make_session(cast.body, seats=3)
    items: list[tuple[str, int, str, Candidate | None]] = []
    for n in range(1, 13):
        candidate = Candidate.objects.create(
            body=cast.body,
            station=cast.east,
            created_by=cast.congress,
            status=Status.CANDIDATE,
            list_position=n,
            **{
                **candidate_data(name=TITLES[n - 1]),
                "content": CONTENT,
                "address": "青山镇溪口村",
                "latitude": None,
                "longitude": None,
            },
        )
        items.append((f"C{n}", n, candidate.name, candidate))
    return round_create(
        session=session,
        code="R1",
        kind="selection",
        secrecy="secret",
        to_select=10,
        max_yes=10,
        items=items,
    )


def test_the_tablet_keeps_a_wrong_code_and_shows_each_projects_facts(
    browser: Browser, asgi_server: str, cast: Cast
) -> None:
    round_ = candidates_round(cast)
    code = open_with_cards(round_)[0].code
    screens = Screens(browser, asgi_server)
    page = screens.person(width=1024, height=768)  # a tablet, landscape
    page.goto(f"{asgi_server}/vote/")
    # Nothing on the page leads away from it: no sign-in, no language switch.
    expect(page.locator("a[href*='/accounts/login/']")).to_have_count(0)
    expect(page.locator("form.lang, [name=language]")).to_have_count(0)

    wrong = ("2" if code[0] != "2" else "3") + code[1:]  # one letter mistyped
    page.fill("#id_code", wrong)
    page.click("#card-form button[type=submit]")
    expect(page.locator("#code-problem")).to_contain_text("凭证码无效")
    expect(page.locator("#id_code")).to_have_value(wrong)
    expect(page.locator("#card-form button[type=submit]")).to_have_text("显示选票")
    expect(page.locator("#id_code")).to_be_focused()
    screens.shot(page, "21-tablet-wrong-code")

    page.fill("#id_code", code[:-3])  # too short: told how many signs were typed
    page.click("#card-form button[type=submit]")
    expect(page.locator("#code-problem")).to_contain_text("12")
    expect(page.locator("#id_code")).to_have_value(code[:-3])

    page.fill("#id_code", code)  # fixed in place: the ballot follows
    page.click("#card-form button[type=submit]")
    cards = page.locator(".item-card")
    expect(cards).to_have_count(12)
    facts = cards.first.locator("details.item-facts")
    expect(facts.locator("dl")).to_be_hidden()  # short until asked
    facts.locator("summary").click()
    expect(facts.locator("dl")).to_be_visible()
    expect(facts).to_contain_text("320")
    expect(facts).to_contain_text("镇水务站")
    expect(facts).to_contain_text("2027")
    expect(facts).to_contain_text("加压泵站")
    assert px(page, ".item-card details.item-facts dd", "fontSize") >= 18
    screens.shot(page, "22-tablet-facts-open")

    for n in range(11):
        cards.nth(n).locator("[data-choice=yes]").click()
    expect(page.locator("[data-yes-count]")).to_have_text("10")
    expect(cards.nth(10).locator(".refusal")).to_be_visible()  # the 11th "for" is refused
    page.click("[data-action=review]")
    first = page.locator(".review-list li").first
    expect(first).to_have_text(re.compile(r"^1\. "))
    assert page.eval_on_selector(".review-list", "e => getComputedStyle(e).listStyleType") == "none"
    screens.shot(page, "23-tablet-review")
    page.click("[data-action=submit]")
    expect(page.locator("[data-receipt]")).to_have_text(re.compile(r"^[0-9a-f]{16}$"))
