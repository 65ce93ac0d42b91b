"""The contract end to end, as an outside tool runs it: plans name the projects, a session file's
evaluation round names them, tablets vote over the API, `close_round` closes; the projects API then
gives each project its grade and a dissatisfied one is rectifying."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from projects.models import Body, Level
from tests.voting import post_ballot

pytestmark = pytest.mark.django_db(transaction=True)


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def plan(code: str) -> dict[str, Any]:
    return {
        "id": code,
        "title": f"项目{code}",
        "body": "青山镇人民代表大会",
        "year": 2026,
        "unit": "镇水务站",
        "start": "2026-03-01",
        "completion": "2026-10-31",
        "milestones": [],
    }


def test_a_closed_evaluation_round_gives_its_projects_their_grades(tmp_path: Path) -> None:
    Body.objects.create(slug="qingshan", name="青山镇人民代表大会", level=Level.TOWNSHIP)
    plans = {"projects": [plan("QS-2026-A"), plan("QS-2026-B")]}
    call_command("import_plans", str(write(tmp_path, "plans.json", plans)))
    session = {
        "session": {"id": "QS-2027", "title": "人代会", "body": "qingshan", "date": "2027-01-15"},
        "voters": [{"id": f"V{n}", "name": f"代表{n}"} for n in range(1, 4)],
        "rounds": [
            {
                "id": "QS-2027-E",
                "kind": "evaluation",
                "secrecy": "secret",
                "to_select": None,
                "max_yes_per_ballot": None,
                "items": [
                    {"id": "E1", "number": 1, "title": "项目A", "project": "QS-2026-A"},
                    {"id": "E2", "number": 2, "title": "项目B", "project": "QS-2026-B"},
                ],
            }
        ],
    }
    call_command("import_session", str(write(tmp_path, "session.json", session)))
    call_command("checkin", "QS-2027", "--all")
    out = tmp_path / "cards.csv"
    call_command("issue_credentials", "QS-2027-E", "--out", str(out))
    codes = [row[0] for row in list(csv.reader(out.open(encoding="utf-8")))[1:]]
    call_command("open_round", "QS-2027-E")
    for code in codes:  # three seats: A satisfied by all, B dissatisfied by all
        choices = {"E1": "satisfied", "E2": "dissatisfied"}
        assert post_ballot(Client(), "QS-2027-E", code, choices).status_code == 201
    call_command("close_round", "QS-2027-E")

    a = Client().get("/api/v1/projects/QS-2026-A").json()["properties"]
    b = Client().get("/api/v1/projects/QS-2026-B").json()["properties"]
    assert (a["evaluation"], a["status"]) == ("satisfied", "implementing")
    assert (b["evaluation"], b["status"]) == ("dissatisfied", "rectifying")
    listed = Client().get("/api/v1/projects?body=qingshan&year=2026").json()["features"]
    assert sorted(f["properties"]["evaluation"] for f in listed) == ["dissatisfied", "satisfied"]
