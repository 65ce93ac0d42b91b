"""A whole session from the UI: roster, check-in, a 12 → 10 round, 60 tablets, hall, runoff."""

import json
import re
import subprocess
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect

from ballots.models import Round
from projects.models import Candidate, CandidateList, Status
from tests.browser.conftest import ARTIFACTS, Screens
from tests.conftest import Cast, candidate_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}\b")


def publish_twelve(cast: Cast) -> list[Candidate]:
    listed = [
        Candidate.objects.create(
            body=cast.body,
            station=cast.east,
            created_by=cast.congress,
            status=Status.CANDIDATE,
            list_position=n,
            **{**candidate_data(name=f"民生项目{n:02d}"), "latitude": None, "longitude": None},
        )
        for n in range(1, 13)
    ]
    CandidateList.objects.create(body=cast.body, year=2027, published_at="2027-01-01T00:00:00Z")
    return listed


def roster_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["代表编号", "姓名"])
    for n in range(1, 61):
        sheet.append([f"D{n:03d}", f"代表{n:02d}"])
    book.save(path)
    return path


def confirm(page: Page) -> None:
    """Irreversible steps ask first: the confirmation page's own button does it."""
    page.click("form.narrow button.primary")


def issue_cards(staff: Page, out: Path) -> list[str]:
    staff.click("text=为已报到代表发放凭证（PDF）")
    expect(staff.locator("h1")).to_contain_text("表决凭证")
    with staff.expect_download() as download:
        confirm(staff)
    download.value.save_as(out)
    staff.click("text=返回，不做任何操作")  # back to the round's page
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True)
    return CODE.findall(text.stdout)


def api_vote(base: str, round_code: str, code: str, yes: list[int]) -> int:
    choices = {f"C{n}": "yes" for n in yes}
    request = urllib.request.Request(
        f"{base}/api/v1/rounds/{round_code}/ballots",
        data=json.dumps({"choices": choices}).encode(),
        headers={"Authorization": f"Bearer {code}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(response.status)


def tablet_vote(browser: Browser, base: str, code: str, yes: list[int], shot: str = "") -> str:
    page = browser.new_page(viewport={"width": 1024, "height": 768})  # a tablet, landscape
    page.goto(f"{base}/vote/#{code}")
    cards = page.locator(".item-card")
    expect(cards).to_have_count(12)
    for n in yes:
        cards.nth(n - 1).locator("[data-choice=yes]").click()
    expect(page.locator("[data-yes-count]")).to_have_text(str(len(yes)))
    if shot:
        page.screenshot(path=str(ARTIFACTS / f"{shot}-marked.png"))
    page.click("[data-action=review]")
    expect(page.locator(".review-list li.unmarked")).to_have_count(12 - len(yes))
    page.click("[data-action=submit]")
    receipt = page.locator("[data-receipt]")
    expect(receipt).to_have_text(re.compile(r"^[0-9a-f]{16}$"))
    if shot:
        page.screenshot(path=str(ARTIFACTS / f"{shot}-receipt.png"))
    text = receipt.inner_text()
    page.close()
    return text


def test_a_full_session_runs_from_the_ui(
    browser: Browser, asgi_server: str, cast: Cast, tmp_path: Path
) -> None:
    base = asgi_server
    publish_twelve(cast)
    cast.congress.password = make_password("pw-for-tests-only", hasher="pbkdf2_sha256")
    cast.congress.save()
    screens = Screens(browser, base)

    staff = screens.person()
    screens.sign_in(staff, "congress")
    staff.goto(f"{base}/work/{cast.body.slug}/sessions/")
    staff.fill("#id_title", "青山镇第十八届人民代表大会第三次会议")
    staff.fill("#id_date", "2027-01-15")
    staff.set_input_files("#id_roster", str(roster_xlsx(tmp_path / "roster.xlsx")))
    staff.click("text=创建会议")
    expect(staff.locator(".messages")).to_contain_text("代表名单共 60 人")
    expect(staff.locator("#counts")).to_contain_text("未达法定人数")
    staff.locator("#voter-D001 button").click()  # one by one, swapped in place by htmx
    expect(staff.locator("#voter-D001")).to_contain_text("已报到")
    expect(staff.locator("#counts")).to_contain_text("实到 1")
    staff.click("button:has-text('全部报到')")
    expect(staff.locator("h1")).to_contain_text("全部代表报到")
    confirm(staff)
    expect(staff.locator("#counts")).to_contain_text("实到 60")
    screens.shot(staff, "10-session-checked-in")

    staff.select_option("#id_year", "2027")
    staff.fill("#id_to_select", "10")
    staff.fill("#id_max_yes", "10")
    staff.click("text=创建轮次")
    expect(staff.locator("h1")).to_contain_text("轮次")
    first = Round.objects.get(session__title__startswith="青山镇第十八届")
    codes = issue_cards(staff, tmp_path / "cards.pdf")
    assert len(set(codes)) == 60
    staff.click("text=开始表决")
    expect(staff.locator(".messages")).to_contain_text("表决已开始")

    hall = screens.person(width=1600, height=900)
    hall.goto(f"{base}/hall/{first.code}/")
    expect(hall.locator('[data-field="ballots_cast"]')).to_have_text("0")

    # 20 ballots each: 1–9 + 10; 1–9 + 11; 1–8 + 10 + 11 → items 9, 10, 11 tie at 40 for 2 places.
    c = [candidate.pk for candidate in Candidate.objects.order_by("list_position")]
    pattern_a = [c[n] for n in range(10)]
    pattern_b = [c[n] for n in (*range(9), 10)]
    pattern_c = [c[n] for n in (*range(8), 9, 10)]
    patterns = [pattern_a] * 20 + [pattern_b] * 20 + [pattern_c] * 20
    position = {pk: n for n, pk in enumerate(c, start=1)}
    receipt = tablet_vote(
        browser, base, codes[0], [position[pk] for pk in patterns[0]], shot="11-tablet"
    )
    tablet_vote(browser, base, codes[1], [position[pk] for pk in patterns[1]])
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda i: api_vote(base, first.code, codes[i], patterns[i]), range(2, 60))
        )
    assert statuses == [201] * 58
    expect(hall.locator('[data-field="ballots_cast"]')).to_have_text("60")  # pushed live
    screens.shot(hall, "12-hall-voting")

    staff.click("text=结束表决并计票")
    expect(staff.locator("h1")).to_contain_text("结束轮次")
    confirm(staff)
    expect(staff.locator(".outcome")).to_have_text("得票相同的项目需再次票决")
    expect(hall.locator(".outcome")).to_have_text(
        "得票相同的项目需再次票决"
    )  # the hall reloads itself
    expect(hall.locator(".results tbody tr").first).to_contain_text("民生项目01")
    expect(hall.locator(".results .tag.warn")).to_have_count(3)
    screens.shot(hall, "13-hall-tie")

    # The representative looks up their receipt on the public board (公示).
    public = screens.person(width=390, height=844)
    public.goto(f"{base}/board/{first.code}/")
    public.fill("#receipt", receipt)
    public.click(".receipt-search button[type=submit]")
    expect(public.locator(".receipt-search .notice")).to_contain_text("在公示栏上")
    expect(public.locator(".receipt-search .review-list li")).to_have_count(12)
    screens.shot(public, "13b-board-receipt-found")

    staff.click("text=就得票相同的项目创建再次票决")
    expect(staff.locator(".muted").first).to_contain_text("应选 2 项")
    runoff = Round.objects.get(follows=first)
    assert list(runoff.items.values_list("title", flat=True)) == [
        "民生项目09",
        "民生项目10",
        "民生项目11",
    ]
    runoff_codes = issue_cards(staff, tmp_path / "runoff-cards.pdf")
    staff.click("text=开始表决")
    nine, ten, eleven = (c[8], c[9], c[10])
    ballots = [[nine, ten]] * 45 + [[nine]] * 5 + [[eleven]] * 10
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda i: api_vote(base, runoff.code, runoff_codes[i], ballots[i]), range(60))
        )
    assert statuses == [201] * 60
    staff.click("text=结束表决并计票")
    expect(staff.locator("h1")).to_contain_text("结束轮次")
    confirm(staff)
    expect(staff.locator(".outcome")).to_have_text("结果确定")
    tally = json.load(urllib.request.urlopen(f"{base}/api/v1/rounds/{runoff.code}/tally"))
    assert [r["selected"] for r in tally["results"]] == [True, True, False]
    hall.goto(f"{base}/hall/{runoff.code}/")
    expect(hall.locator(".results tbody tr").first).to_contain_text("民生项目09")
    screens.shot(hall, "14-hall-runoff-final")
    with staff.expect_download() as download:
        staff.click("a.button:text-is('PDF')")
    report = ARTIFACTS / "15-runoff-result.pdf"
    download.value.save_as(report)
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True).stdout
    assert "民生项目09" in text and "入选" in text and "总监票人" in text
