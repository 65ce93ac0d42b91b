"""round_create's project ids: only an evaluation round's items name tracked projects."""

import pytest

from ballots.models import Item, Round
from ballots.services.rounds import round_create
from projects.errors import Refused
from tests.conftest import Cast
from tests.voting import make_session

pytestmark = pytest.mark.django_db


def test_a_selection_round_naming_projects_is_refused_and_nothing_is_stored(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    with pytest.raises(Refused) as refused:
        round_create(
            session=session,
            code="R1",
            kind="selection",
            secrecy="secret",
            to_select=1,
            max_yes=None,
            items=[("P1", 1, "项目一", None)],
            project_codes={"P1": "T-1"},
        )
    assert refused.value.code == "projects_on_selection"
    assert not Round.objects.exists() and not Item.objects.exists()


def test_an_evaluation_round_without_project_ids_is_built_as_before(cast: Cast) -> None:
    session = make_session(cast.body, seats=3)
    round_ = round_create(
        session=session,
        code="E1",
        kind="evaluation",
        secrecy="secret",
        to_select=None,
        max_yes=None,
        items=[("P1", 1, "去年项目", None)],
    )
    assert list(round_.items.values_list("code", "project_code")) == [("P1", "")]
