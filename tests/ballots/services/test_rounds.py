"""Cards, follow-up rounds, evaluation rounds and publishing results."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ballots.models import Round, SealedBallot
from ballots.services.cards import credential_revoke, credentials_issue
from ballots.services.rounds import round_close, round_follow_up, round_open
from ballots.services.sessions import voters_check_in
from projects.errors import Refused
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_round, make_session, open_with_cards


def test_a_revoked_card_is_refused_and_a_new_one_takes_its_place(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    cards = open_with_cards(round_)
    lost = cards[0]
    credential_revoke(round_=round_, serial=lost.serial)
    assert round_.credentials.filter(revoked=False).count() == 2  # 发出 counts cards in hands
    with pytest.raises(Refused) as refused:
        cast_ballot("R1", lost.code, {})
    assert refused.value.code == "bad_credential"
    [new] = credentials_issue(round_=round_)
    assert new.serial == 4 and cast_ballot("R1", new.code, {})


def test_a_used_card_cannot_be_revoked(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    card = open_with_cards(round_)[0]
    cast_ballot("R1", card.code, {"P1": "yes"})
    with pytest.raises(ValidationError):
        credential_revoke(round_=round_, serial=card.serial)
    assert SealedBallot.objects.count() == 1


def test_a_late_arrival_gets_a_card_without_duplicating_the_others(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=4))
    voters_check_in(session=round_.session, codes=["V001", "V002", "V003"])
    assert len(credentials_issue(round_=round_)) == 3
    voters_check_in(session=round_.session, codes=["V004"])
    assert len(credentials_issue(round_=round_)) == 1
    assert credentials_issue(round_=round_) == []


def test_a_shortfall_leads_to_a_round_on_the_items_that_did_not_pass(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=5), to_select=3, max_yes=3)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes", "P2": "yes", "P3": "no"})
    round_ = round_close(round_=round_)
    assert round_.tally is not None and round_.tally["outcome"] == "shortfall"
    further = round_follow_up(round_=round_)
    assert list(further.items.values_list("code", "number")) == [("P3", 1), ("P4", 2)]
    assert (further.to_select, further.max_yes_per_ballot, further.follows) == (1, 1, round_)
    with pytest.raises(ValidationError):
        round_follow_up(round_=round_)  # only one follow-up per result


def test_a_final_result_needs_no_further_round(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3), to_select=1)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes"})
    round_ = round_close(round_=round_)
    with pytest.raises(ValidationError, match=r"final|确定"):
        round_follow_up(round_=round_)


def test_an_evaluation_round_grades_each_project(cast: Cast) -> None:
    round_ = make_round(
        make_session(cast.body, seats=4), kind="evaluation", to_select=None, items=2
    )
    marks = ["satisfied", "satisfied", "satisfied", "dissatisfied"]
    for card, mark in zip(open_with_cards(round_), marks, strict=True):
        cast_ballot("R1", card.code, {"P1": mark, "P2": "dissatisfied"})
    round_close(round_=round_)
    tally = Client().get("/api/v1/rounds/R1/tally").json()
    assert [r["grade"] for r in tally["results"]] == ["satisfied", "dissatisfied"]
    assert [r["passed"] for r in tally["results"]] == [True, False]


def test_a_closed_rounds_result_is_public_with_its_excel(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes", "P2": "no"})
    round_close(round_=round_)
    public = client_for(None)
    client_for(cast.congress).post(
        reverse("round_act", kwargs={"body": cast.body.slug, "code": "R1", "action": "publish"}),
        {"confirm": "yes"},
    )
    assert Round.objects.get(code="R1").results_published_at is not None
    page = public.get(reverse("results", kwargs={"code": "R1"})).content.decode()
    assert "项目1" in page and "入选" in page
    sheet = load_workbook(
        io.BytesIO(
            public.get(reverse("results_download", kwargs={"code": "R1", "kind": "xlsx"})).content
        )
    ).active
    assert sheet is not None
    rows = [[c.value for c in row if c.value is not None] for row in sheet.iter_rows()]
    assert ["应到", 3] in rows and ["收回", 3] in rows
    assert [1, "项目1", 3, 0, 0, 0, 1, "入选"] in rows


def test_opening_twice_or_closing_a_draft_is_refused(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3))
    with pytest.raises(ValidationError):
        round_close(round_=round_)
    open_with_cards(round_)
    with pytest.raises(ValidationError):
        round_open(round_=Round.objects.get(pk=round_.pk))
