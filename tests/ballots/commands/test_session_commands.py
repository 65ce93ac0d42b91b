"""The command-line route of interfaces.md: import, check in, issue cards, open, close."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ballots.models import Round, Session
from ballots.rules.tally import RoundRules, tally
from projects.models import Body, Level
from tests.voting import post_ballot

pytestmark = pytest.mark.django_db(transaction=True)


def session_file(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "session": {
            "id": "QS-2027-1",
            "title": "青山镇人代会",
            "body": "青山镇人民代表大会",
            "date": "2027-01-15",
        },
        "voters": [{"id": f"V{n:02d}", "name": f"代表{n}"} for n in range(1, 8)],
        "rounds": [
            {
                "id": "QS-2027-1-R1",
                "kind": "selection",
                "secrecy": "secret",
                "to_select": 2,
                "max_yes_per_ballot": 2,
                "items": [{"id": f"P{n}", "number": n, "title": f"项目{n}"} for n in range(1, 5)],
            },
            {
                "id": "QS-2027-1-E1",
                "kind": "evaluation",
                "secrecy": "named",
                "to_select": None,
                "max_yes_per_ballot": None,
                "items": [{"id": "OLD1", "number": 1, "title": "去年项目"}],
            },
        ],
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def congress(transactional_db: None) -> Body:
    """The congress the file names: the command line imports only into one that exists."""
    return Body.objects.create(slug="qingshan", name="青山镇人民代表大会", level=Level.TOWNSHIP)


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "session.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_whole_session_runs_from_the_command_line(tmp_path: Path) -> None:
    call_command("import_session", str(write(tmp_path, session_file())))
    call_command("checkin", "QS-2027-1", "--all")
    out = tmp_path / "cards.csv"
    call_command("issue_credentials", "QS-2027-1-R1", "--out", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["credential"] and len(rows) == 8  # secret: codes only, no voter
    codes = [row[0] for row in rows[1:]]
    call_command("open_round", "QS-2027-1-R1")
    marks = [
        {"P1": "yes", "P2": "yes"},
        {"P1": "yes", "P3": "yes"},
        {"P1": "yes", "P2": "yes"},
        {"P1": "yes", "P2": "yes", "P3": "yes"},  # over the limit: refused, not stored
        {"P1": "no", "P2": "yes"},
        {"P3": "abstain"},
        {"P1": "yes", "P2": "yes"},
    ]
    pairs = zip(codes, marks, strict=True)
    statuses = [post_ballot(Client(), "QS-2027-1-R1", c, m).status_code for c, m in pairs]
    assert statuses == [201, 201, 201, 400, 201, 201, 201]
    call_command("close_round", "QS-2027-1-R1")
    served = Client().get("/api/v1/rounds/QS-2027-1-R1/tally").json()
    stored = [m for m, s in zip(marks, statuses, strict=True) if s == 201]
    rules = RoundRules("QS-2027-1-R1", "selection", 7, 2, 2, [(f"P{n}", n) for n in range(1, 5)])
    assert served == tally(rules, stored)
    assert served["outcome"] == "final"
    assert [r["item"] for r in served["results"] if r["selected"]] == ["P1", "P2"]


def test_named_cards_name_their_voter(tmp_path: Path) -> None:
    call_command("import_session", str(write(tmp_path, session_file())))
    call_command("checkin", "QS-2027-1", "V01", "V02")
    out = tmp_path / "named.csv"
    call_command("issue_credentials", "QS-2027-1-E1", "--out", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["voter_id", "credential"]
    assert sorted(r[0] for r in rows[1:]) == ["V01", "V02"]


def test_opening_below_the_quorum_is_refused(tmp_path: Path) -> None:
    call_command("import_session", str(write(tmp_path, session_file())))
    call_command("checkin", "QS-2027-1", "V01", "V02", "V03", "V04")  # 4 of 7; two thirds is 5
    with pytest.raises(CommandError, match=r"至少需要 5 人|at least 5"):
        call_command("open_round", "QS-2027-1-R1")
    assert Round.objects.get(code="QS-2027-1-R1").status == "draft"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"voters": []}, "voters"),
        (
            {"session": {"id": "bad id!", "title": "t", "body": "b", "date": "2027-01-15"}},
            "session.id",
        ),
        ({"session": {"id": "S", "title": "t", "body": "b", "date": "15/01/2027"}}, "session.date"),
    ],
)
def test_an_invalid_file_stores_nothing(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    with pytest.raises(CommandError, match=problem):
        call_command("import_session", str(write(tmp_path, session_file(**change))))
    assert Session.objects.count() == Round.objects.count() == 0


def test_every_problem_of_a_round_is_listed(tmp_path: Path) -> None:
    data = session_file()
    data["rounds"][0]["to_select"] = 9
    data["rounds"][0]["items"][1]["number"] = 1
    data["rounds"][1]["to_select"] = 1
    with pytest.raises(CommandError) as refused:
        call_command("import_session", str(write(tmp_path, data)))
    message = str(refused.value)
    assert "rounds[0].items[1].number" in message
    assert "rounds[0].to_select" in message
    assert "rounds[1]" in message
    assert Session.objects.count() == 0


def test_an_id_already_in_use_is_refused_whole(tmp_path: Path) -> None:
    call_command("import_session", str(write(tmp_path, session_file())))
    again = session_file(
        session={"id": "OTHER", "title": "t", "body": "qingshan", "date": "2027-01-15"}
    )
    with pytest.raises(CommandError, match="QS-2027-1-R1"):
        call_command("import_session", str(write(tmp_path, again)))
    assert list(Session.objects.values_list("code", flat=True)) == ["QS-2027-1"]


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_session", str(path))


def _bad_number(data: dict[str, Any]) -> None:
    data["rounds"][0]["items"][3]["number"] = 40_000  # over a smallint: PostgreSQL would fail


def _newline_id(data: dict[str, Any]) -> None:
    data["voters"][0]["id"] = "V01\n"


def _integer_date(data: dict[str, Any]) -> None:
    data["session"]["date"] = 20270115


def _nul_in_a_name(data: dict[str, Any]) -> None:
    data["voters"][0]["name"] = "代表\x00"


@pytest.mark.parametrize(
    ("spoil", "where"),
    [
        (_bad_number, "rounds[0].items[3].number"),
        (_newline_id, "voters[0].id"),
        (_integer_date, "session.date"),
        (_nul_in_a_name, "voters[0].name"),
    ],
)
def test_a_value_the_database_would_mangle_or_refuse_stores_nothing(
    tmp_path: Path, spoil: Any, where: str
) -> None:
    data = session_file()
    spoil(data)
    with pytest.raises(CommandError) as refused:
        call_command("import_session", str(write(tmp_path, data)))
    assert where in str(refused.value)
    assert Session.objects.count() == Round.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000 + b"]" * 100_000, b'{"session": ' + b"9" * 5_000 + b"}"],
    ids=["nested", "long-number"],
)
def test_a_deeply_nested_or_huge_number_file_is_a_clear_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(raw)
    with pytest.raises(CommandError):
        call_command("import_session", str(path))
    assert Session.objects.count() == 0
