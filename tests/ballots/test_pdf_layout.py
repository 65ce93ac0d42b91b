"""The printed papers: cards show the whole title and round code legibly; the result's signatures
stay together on one page, and it says whether the presidium's notice (公告) is issued."""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from ballots.models import Round
from ballots.pdf.cards import cards_pdf
from ballots.services.rounds import round_close, round_publish
from tests.conftest import Cast
from tests.voting import cast_ballot, make_round, make_session, open_with_cards

LONG_TITLE = "青山镇第十八届人民代表大会第三次会议暨二〇二七年度民生实事项目代表票决大会"
VOTE_URL = "http://127.0.0.1:8000/vote/"


def _text(pdf: bytes, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _cards(cast: Cast, title: str, code: str, secrecy: str = "secret") -> bytes:
    round_ = make_round(make_session(cast.body, seats=3), code=code, secrecy=secrecy)
    round_.session.title = title
    round_.session.save(update_fields=["title"])
    return cards_pdf(round_, open_with_cards(round_), VOTE_URL)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("青山镇第十八届人民代表大会第三次会议", "qingshan-2027-r1"),
        (LONG_TITLE, "qingshan-2027-minsheng-shishi-r1"),
    ],
)
def test_a_card_shows_the_whole_session_title_and_round_code(
    cast: Cast, title: str, code: str
) -> None:
    pdf = _cards(cast, title, code)
    joined = re.sub(r"\s+", "", _text(pdf))
    assert "…" not in joined
    assert joined.count(title) == 3 and joined.count(code) == 3  # three cards


def test_the_hint_with_the_address_is_at_least_9_points(cast: Cast) -> None:
    pdf = _cards(cast, "青山镇第十八届人民代表大会第三次会议", "R1", secrecy="named")
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        _text(pdf, "-bbox"),
    )
    heights = [float(y1) - float(y0) for y0, y1, word in words if word == VOTE_URL]
    assert len(heights) == 3 and min(heights) >= 9 - 0.01  # the embedded font's box: its size
    assert "…" not in "".join(word for *_, word in words)


def test_the_card_pages_look_right(cast: Cast, tmp_path: Path) -> None:
    """Rendered for a person to look at: tests/artifacts/cards-page-1.png."""
    pdf = _cards(cast, LONG_TITLE, "qingshan-2027-r1")
    out = Path(__file__).resolve().parents[1] / "artifacts"
    out.mkdir(exist_ok=True)
    (tmp_path / "cards.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", tmp_path / "cards.pdf", out / "cards-page"], check=True
    )
    assert (out / "cards-page-1.png").exists()


def _result(cast: Cast, items: int) -> bytes:
    round_: Round = make_round(make_session(cast.body, seats=3), items=items, to_select=1)
    cast_ballot("R1", open_with_cards(round_)[0].code, {"P1": "yes"})
    round_close(round_=round_)
    return Client().get(reverse("results_download", kwargs={"code": "R1", "kind": "pdf"})).content


@pytest.mark.parametrize("items", [13, 14, 15])  # sizes that once left signatures alone
def test_the_signature_lines_stay_together_with_the_close(cast: Cast, items: int) -> None:
    pages = [page for page in _text(_result(cast, items)).split("\f") if page.strip()]
    assert len(pages) >= 2
    last = pages[-1]
    assert "计票人" in last and "总监票人" in last and "表决结束于" in last
    # with what they attest: the round's key, the bundle's hash, the board
    assert "本轮密钥指纹" in last and "公示栏" in last


def test_the_result_says_whether_the_presidiums_notice_is_issued(cast: Cast) -> None:
    before = re.sub(r"\s+", "", _text(_result(cast, 3)))
    assert "已公告" not in before and "公告" in before  # "… notice (公告) has not been issued yet"
    round_publish(round_=Round.objects.get(code="R1"))
    Round.objects.filter(code="R1").update(
        results_published_at=datetime.datetime(2027, 1, 15, 2, 30, tzinfo=datetime.UTC)
    )
    pdf = Client().get(reverse("results_download", kwargs={"code": "R1", "kind": "pdf"})).content
    after = re.sub(r"\s+", "", _text(pdf))
    assert "已公告" in after and "2027年1月15日10:30" in after  # 10:30 Beijing time
