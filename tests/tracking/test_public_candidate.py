"""A published candidate's public page: after the vote, its result and the way to the round's
board; before it, no counts; unpublished, nothing. The home page promises only what exists."""

import re

import pytest
from django.urls import reverse

from ballots.models import Round
from ballots.services.rounds import round_close, round_create
from projects.models import Candidate
from tests.conftest import RESIDENT, Cast, client_for
from tests.voting import cast_ballot, make_session, open_with_cards

# Three seats: two "for" is more than half, one is not.
BALLOTS = [
    {"P1": "yes", "P2": "yes"},
    {"P1": "yes"},
    {"P1": "no", "P3": "abstain"},
]


def _voting(cast: Cast, candidate: Candidate, *, ballots: list[dict[str, str]] = BALLOTS) -> Round:
    """A round of three items, the first the candidate, with every ballot cast, still open."""
    round_ = round_create(
        session=make_session(cast.body, seats=3),
        code="R1",
        kind="selection",
        secrecy="secret",
        to_select=1,
        max_yes=None,
        items=[
            ("P1", 1, candidate.name, candidate),
            ("P2", 2, "路灯", None),
            ("P3", 3, "公厕", None),
        ],
    )
    for card, choices in zip(open_with_cards(round_), ballots, strict=True):
        cast_ballot(round_.code, card.code, choices)
    return round_


def _page(cast: Cast, candidate: Candidate, language: str = "") -> str:
    response = client_for(None, language).get(
        reverse("public_candidate", kwargs={"body": cast.body.slug, "pk": candidate.pk})
    )
    assert response.status_code == 200
    return response.content.decode()


def _facts(text: str) -> dict[str, str]:
    section = text.split('class="candidate-votes"', 1)[1].split("</section>", 1)[0]
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", section))


def test_after_the_close_the_page_shows_the_items_result(cast: Cast, published: Candidate) -> None:
    round_close(round_=_voting(cast, published))
    text = _page(cast, published)
    assert "Not selected" not in text
    assert _facts(text) == {"赞成": "2", "反对": "1", "弃权": "0", "未按": "0", "名次": "1"}
    assert '<span class="tag ok">入选</span>' in text
    assert "青山镇第十八届人民代表大会第三次会议</span>" in text and "R1 · 票决 · " in text
    assert RESIDENT not in text  # still: residents are not named in public


def test_the_board_and_result_links_work(cast: Cast, published: Candidate) -> None:
    round_close(round_=_voting(cast, published))
    text = _page(cast, published)
    board = reverse("board", kwargs={"code": "R1"})
    result = reverse("results", kwargs={"code": "R1"})
    assert f'href="{board}"' in text and f'href="{result}"' in text
    client = client_for(None)
    shown = client.get(board)
    assert shown.status_code == 200 and "溪口村饮用水管网改造" in shown.content.decode()
    assert client.get(result).status_code == 200


def test_a_passed_item_beyond_the_places_says_it_was_not_selected(
    cast: Cast, published: Candidate
) -> None:
    # Both pass (more than half of three seats); 路灯 has more "for" and takes the one place.
    ballots = [{"P1": "yes", "P2": "yes"}, {"P2": "yes"}, {"P1": "yes", "P2": "yes"}]
    round_close(round_=_voting(cast, published, ballots=ballots))
    text = _page(cast, published, "en")
    assert _facts(text)["Rank"] == "2"
    assert '<span class="tag pass">Passed</span>' in text
    assert "Not selected: ranked below the places to fill" in text


def test_before_the_close_no_count_is_shown(cast: Cast, published: Candidate) -> None:
    before = _page(cast, published, "en")
    assert "Not yet voted on." in before
    _voting(cast, published)  # open, every ballot in
    during = _page(cast, published, "en")
    assert "Not yet voted on." in during
    assert 'class="candidate-votes"' not in during
    for word in ("For", "Against", "Rank", reverse("board", kwargs={"code": "R1"})):
        assert word not in during


def test_an_unpublished_candidate_is_not_found(cast: Cast, draft: Candidate) -> None:
    response = client_for(None).get(
        reverse("public_candidate", kwargs={"body": cast.body.slug, "pk": draft.pk})
    )
    assert response.status_code == 404


def test_a_candidate_is_found_only_under_its_own_congress(cast: Cast, published: Candidate) -> None:
    response = client_for(None).get(
        reverse("public_candidate", kwargs={"body": "river", "pk": published.pk})
    )
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_home_page_promises_no_implementation_progress(cast: Cast, language: str) -> None:
    text = client_for(None, language).get(reverse("home")).content.decode()
    lead = text.split('class="lead"', 1)[1].split("</p>", 1)[0]
    for promise in ("实施进展", "进展", "progress", "the work"):
        assert promise not in lead.lower()
    assert "实施进展" not in text and "progress" not in text.lower()
