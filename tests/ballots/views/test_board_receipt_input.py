"""The board's receipt search takes any text without reaching the database with it."""

import pytest
from django.test import Client
from django.urls import reverse

from ballots.services.rounds import round_close
from tests.conftest import Cast
from tests.voting import cast_ballot, make_round, make_session, open_with_cards


@pytest.mark.parametrize("typed", ["\x00", "abc\n", "%" * 300, "ffffffffffffffff\x00"])
def test_a_search_that_is_no_receipt_is_simply_not_found(cast: Cast, typed: str) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    cast_ballot("R1", open_with_cards(round_)[0].code, {"P1": "yes"})
    round_close(round_=round_)
    page = Client().get(reverse("board", kwargs={"code": "R1"}), {"receipt": typed})
    assert page.status_code == 200
