"""The public bulletin board and receipt look-ups agree with the tally."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from ballots.models import Round
from ballots.services.rounds import round_close
from tests.conftest import Cast
from tests.voting import cast_ballot, make_round, make_session, open_with_cards


@pytest.fixture
def closed(cast: Cast) -> tuple[Round, list[str]]:
    round_ = make_round(make_session(cast.body, seats=5), to_select=1)
    receipts = []
    for card, mark in zip(open_with_cards(round_), ["yes", "yes", "yes", "no"], strict=False):
        receipts.append(cast_ballot("R1", card.code, {"P1": mark}))
    return round_close(round_=round_), receipts


def test_a_receipt_on_a_closed_board_names_its_round(closed: tuple[Round, list[str]]) -> None:
    answer = Client().get(f"/api/v1/receipts/{closed[1][0]}")
    assert answer.status_code == 200 and answer.json() == {"round": "R1"}
    missing = Client().get("/api/v1/receipts/0123456789abcdef")
    assert missing.status_code == 404 and missing.json()["error"] == "unknown_receipt"


def test_a_receipt_is_not_confirmed_before_the_round_closes(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    receipt = cast_ballot("R1", open_with_cards(round_)[0].code, {})
    assert Client().get(f"/api/v1/receipts/{receipt}").status_code == 404


def test_the_board_shows_the_figures_of_the_tally_and_every_receipt(
    closed: tuple[Round, list[str]],
) -> None:
    round_, receipts = closed
    page = Client().get(reverse("board", kwargs={"code": "R1"})).content.decode()
    for label, value in (
        ("应到", 5),
        ("实到", 5),
        ("发出", 5),
        ("收回", 4),
        ("有效", 4),
        ("无效", 0),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    assert all(receipt in page for receipt in receipts)
    assert " ".join(round_.public_key[i : i + 4] for i in range(0, 64, 4)) in page
    assert round_.bundle.archive_sha256 in page


def test_a_representative_finds_their_ballot_by_receipt(closed: tuple[Round, list[str]]) -> None:
    page = Client().get(reverse("board", kwargs={"code": "R1"}), {"receipt": closed[1][3]})
    text = page.content.decode()
    assert "在公示栏上" in text and "项目1：<strong>反对</strong>" in text


def test_an_unknown_receipt_gets_a_clear_not_found(closed: tuple[Round, list[str]]) -> None:
    page = Client().get(reverse("board", kwargs={"code": "R1"}), {"receipt": "ffffffffffffffff"})
    assert "公示栏上没有回执码为“ffffffffffffffff”的选票" in page.content.decode()


def test_the_board_is_paginated(cast: Cast, settings: object) -> None:
    round_ = make_round(make_session(cast.body, seats=60), to_select=None)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {})
    round_close(round_=round_)
    first = Client().get(reverse("board", kwargs={"code": "R1"})).content.decode()
    second = Client().get(reverse("board", kwargs={"code": "R1"}), {"page": 2}).content.decode()
    assert "第 1 页，共 2 页" in first and "第 2 页，共 2 页" in second
    assert first.count("<tr><td><code>") == 50 and second.count("<tr><td><code>") == 10


def test_the_result_pdf_states_the_same_figures_as_the_tally(
    closed: tuple[Round, list[str]],
) -> None:
    pdf = Client().get(reverse("results_download", kwargs={"code": "R1", "kind": "pdf"})).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    tally = closed[0].tally
    assert tally is not None
    assert f"收回 {tally['ballots_cast']} · 有效 {tally['ballots_valid']} · 无效 0" in text
    assert "应到 5 · 实到 5 · 发出 5" in text
    assert closed[0].bundle.archive_sha256 in text.replace("\n", "")
    assert "总监票人" in text
