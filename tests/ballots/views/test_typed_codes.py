"""Codes and receipts typed through a Chinese input method: full-width, spaces, dashes."""

import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from ballots import credentials
from ballots.models import Round
from ballots.services.rounds import round_close
from tests.conftest import Cast
from tests.voting import cast_ballot, make_round, make_session, open_with_cards, post_ballot

LOOK_ALIKES = set("0O1IS5Z2B8")


def full_width(text: str) -> str:
    """What a Chinese input method in full-width mode types: Ａ for A, ５ for 5, － for -."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_full_width_and_spaced_codes_reduce_to_the_code() -> None:
    assert credentials.normalize(full_width("abcde-fghjk-lmnpq")) == "ABCDEFGHJKLMNPQ"
    assert credentials.normalize("ABCDE FGHJK　LMNPQ") == "ABCDEFGHJKLMNPQ"  # ideographic space
    assert credentials.normalize("abcde–fghjk—lmnpq") == "ABCDEFGHJKLMNPQ"
    # an old (ASCII) code reduces exactly as before: the stored hashes keep matching
    old = "S5Z2B-8ABCD-EFGH3"
    assert credentials.normalize(old) == "S5Z2B8ABCDEFGH3"
    assert credentials.code_hash(old) == hashlib.sha256(b"S5Z2B8ABCDEFGH3").hexdigest()


def test_new_codes_have_no_look_alike_characters() -> None:
    assert not LOOK_ALIKES & set(credentials.ALPHABET)
    for _ in range(200):
        code = credentials.new_code()
        assert re.fullmatch(r"[^-]{5}-[^-]{5}-[^-]{5}", code)
        assert not LOOK_ALIKES & set(code)


@pytest.mark.django_db(transaction=True)
def test_a_full_width_code_and_a_spaced_code_cast_through_the_api(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    cards = open_with_cards(round_)
    wide = post_ballot(Client(), "R1", full_width(cards[0].code), {"P1": "yes"})
    spaced = post_ballot(Client(), "R1", cards[1].code.replace("-", " "), {"P1": "no"})
    assert (wide.status_code, spaced.status_code) == (201, 201)


@pytest.mark.django_db(transaction=True)
def test_an_old_alphabet_code_still_casts(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    open_with_cards(round_)
    old = "S5Z2B-8S5Z2-B8S5Z"  # only look-alikes: printed before the alphabet changed
    card = round_.credentials.order_by("serial").first()
    assert card is not None
    card.token_hash = credentials.code_hash(old)
    card.save(update_fields=["token_hash"])
    assert post_ballot(Client(), "R1", old, {"P1": "yes"}).status_code == 201


def test_the_tablet_page_takes_a_full_width_or_spaced_code(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    cards = open_with_cards(round_)
    for typed in (full_width(cards[0].code), " " + cards[1].code.replace("-", " ") + " "):
        page = Client().post(reverse("vote"), {"code": typed}).content.decode()
        assert 'id="ballot"' in page, typed


@pytest.fixture
def closed(cast: Cast) -> tuple[Round, str]:
    round_ = make_round(make_session(cast.body, seats=3))
    receipt = cast_ballot("R1", open_with_cards(round_)[0].code, {"P1": "no"})
    return round_close(round_=round_), receipt


def _typings(receipt: str) -> list[str]:
    return [
        f" {receipt[:8]} {receipt[8:]} ",
        f"{receipt[:4]}-{receipt[4:8]}-{receipt[8:]}",
        full_width(receipt.upper()),
    ]


def test_the_board_finds_a_receipt_typed_with_spaces_or_full_width(
    closed: tuple[Round, str],
) -> None:
    for typed in _typings(closed[1]):
        page = Client().get(reverse("board", kwargs={"code": "R1"}), {"receipt": typed})
        assert "项目1：<strong>反对</strong>" in page.content.decode(), typed


def test_the_receipt_api_finds_a_receipt_typed_with_spaces_or_full_width(
    closed: tuple[Round, str],
) -> None:
    for typed in _typings(closed[1]):
        answer = Client().get(reverse("api_receipt", kwargs={"receipt": typed}))
        assert answer.status_code == 200 and answer.json() == {"round": "R1"}, typed
