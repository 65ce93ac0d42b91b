"""The session file's optional `project` on an item: an id, on an evaluation round's items only,
each project once per round. Whether the congress has the project is checked at import, where the
congress is known (tests/tracking/test_evaluation.py); nothing here needs a database."""

from typing import Any

import pytest

from ballots.session_file import SessionFileError, parse_session_file
from tests.ballots.commands.test_session_commands import session_file


def problems_of(data: Any) -> list[str]:
    with pytest.raises(SessionFileError) as refused:
        parse_session_file(data)
    return refused.value.problems


def with_project(round_index: int, project: Any) -> dict[str, Any]:
    data = session_file()
    data["rounds"][round_index]["items"][0]["project"] = project
    return data


def test_an_evaluation_item_may_name_its_tracked_project() -> None:
    spec = parse_session_file(with_project(1, "QS-2026-R1-P3"))
    assert spec.rounds[1].items[0].project == "QS-2026-R1-P3"


def test_an_item_without_a_project_or_with_null_names_none() -> None:
    assert parse_session_file(session_file()).rounds[1].items[0].project == ""
    assert parse_session_file(with_project(1, None)).rounds[1].items[0].project == ""


def test_a_selection_item_naming_a_project_is_refused_with_the_item_named() -> None:
    problems = problems_of(with_project(0, "QS-2026-R1-P3"))
    assert [p.split(":")[0] for p in problems] == ["rounds[0].items[0].project"]
    assert "P1" in problems[0]


@pytest.mark.parametrize("project", ["", "P 3", "P3\n", "项目", "P" * 65, 3, True, ["P3"]])
def test_a_project_id_follows_the_id_rules(project: Any) -> None:
    problems = problems_of(with_project(1, project))
    assert [p.split(":")[0] for p in problems] == ["rounds[1].items[0].project"]


def test_a_project_named_twice_in_one_round_is_refused() -> None:
    data = session_file()
    data["rounds"][1]["items"] = [
        {"id": "E1", "number": 1, "title": "去年项目一", "project": "P-1"},
        {"id": "E2", "number": 2, "title": "去年项目二", "project": "P-1"},
    ]
    assert [p.split(":")[0] for p in problems_of(data)] == ["rounds[1].items[1].project"]
