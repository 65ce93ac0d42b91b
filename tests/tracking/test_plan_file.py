"""The plan file of docs/tracking-files.md: every rule refused with its words, nothing stored."""

import copy
import datetime
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from projects.models import ActionEntry
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import Milestone, ProgressUpdate, TrackedProject, TrackingAction
from tracking.plan_file import FileRefused, read_plan_file
from tracking.services.plans import plans_import

CONGRESS = "青山镇人民代表大会"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages as written in the code, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def project(cast: Cast) -> TrackedProject:
    """A project made by the vote: R1-P1, of 2027, with its candidate's unit and point."""
    voted(cast, listed(cast, 2), [{"P1": "yes"}, {"P1": "yes"}], to_select=1)
    return TrackedProject.objects.get(code="R1-P1")


def plan(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "R1-P1",
        "leader": "王副镇长",
        "start": "2027-03-01",
        "completion": "2027-11-30",
        "milestones": [
            {"id": "M1", "title": "设计完成", "planned": "2027-04-30", "weight": 1},
            {"id": "M2", "title": "主体完工", "planned": "2027-09-30", "weight": 3},
        ],
    }
    entry.update(changes)
    return entry


def decision(**changes: Any) -> dict[str, Any]:
    """A project by a congress decision: a new id, with its title, congress and year."""
    given: dict[str, Any] = {
        "id": "QS-2027-D1",
        "title": "镇区停车场",
        "body": CONGRESS,
        "year": 2027,
    }
    return plan(**(given | changes))


def write(tmp_path: Path, data: Any, name: str = "plans.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def counts() -> tuple[int, ...]:
    return (
        TrackedProject.objects.count(),
        Milestone.objects.count(),
        ProgressUpdate.objects.count(),
        ActionEntry.objects.count(),
        TrackedProject.objects.filter(plan_set_at__isnull=False).count(),
    )


def refused(tmp_path: Path, data: Any) -> list[str]:
    """The command's problems, one a line; and the check that nothing was stored."""
    before = counts()
    with pytest.raises(CommandError) as raised:
        call_command("import_plans", str(write(tmp_path, data)))
    assert counts() == before
    return str(raised.value).splitlines()


def imported(tmp_path: Path, data: Any) -> str:
    out = io.StringIO()
    call_command("import_plans", str(write(tmp_path, data)), stdout=out)
    return out.getvalue()


def test_a_plan_for_a_voted_project_keeps_what_it_leaves_out(
    cast: Cast, project: TrackedProject, tmp_path: Path
) -> None:
    printed = imported(tmp_path, {"projects": [plan()]})
    assert "1 projects (0 new, 1 replaced) with 2 milestones: R1-P1" in printed
    project.refresh_from_db()
    assert project.start == datetime.date(2027, 3, 1)
    assert project.completion == datetime.date(2027, 11, 30)
    assert project.leader == "王副镇长" and project.plan_set_at is not None
    # The candidate's facts, not typed twice: the plan left them out.
    assert project.unit == "单位1" and project.budget_wan == Decimal(101)
    assert project.latitude == Decimal("29.30") and project.source_item == "P1"
    assert project.urgent is False and project.policy_kind == ""
    milestones = list(project.milestones.order_by("planned"))
    assert [(m.code, m.weight, m.done) for m in milestones] == [
        ("M1", Decimal(1), None),
        ("M2", Decimal(3), None),
    ]
    entry = ActionEntry.objects.get(action=TrackingAction.PLANS_IMPORTED)
    assert entry.body == cast.body and entry.actor == "manage.py"
    assert entry.detail == {"projects": ["R1-P1"], "new": []}


def test_a_plan_sets_everything_it_gives(project: TrackedProject, tmp_path: Path) -> None:
    full = plan(
        title="民生项目1（调整）",
        body="hill",  # the congress's code works as well as its name
        year=2027,
        unit="镇水务站",
        budget_wan=88.5,
        funding_source="镇财政",
        location={"lat": 29.31234567, "lng": 121.4},
        urgent=True,
        policy={"kind": "progress", "yellow": 5, "red": 20.5},
    )
    imported(tmp_path, {"projects": [full]})
    project.refresh_from_db()
    assert project.title == "民生项目1（调整）" and project.unit == "镇水务站"
    assert project.budget_wan == Decimal("88.5") and project.funding_source == "镇财政"
    assert (project.latitude, project.longitude) == (Decimal("29.312346"), Decimal("121.4"))
    assert project.urgent is True
    assert (project.policy_kind, project.yellow, project.red) == (
        "progress",
        Decimal(5),
        Decimal("20.5"),
    )
    # null clears; a deadline policy; leaving policy out falls back to the congress's.
    imported(tmp_path, {"projects": [plan(budget_wan=None, location=None, unit="")]})
    project.refresh_from_db()
    assert project.budget_wan is None and project.latitude is None and project.unit == ""
    assert project.policy_kind == "" and project.urgent is False
    imported(tmp_path, {"projects": [plan(policy={"kind": "deadline", "warn_days": 7})]})
    project.refresh_from_db()
    assert (project.policy_kind, project.warn_days) == ("deadline", 7)


def test_a_new_id_is_a_project_by_decision_with_no_source(cast: Cast, tmp_path: Path) -> None:
    printed = imported(tmp_path, {"projects": [decision(), decision(id="D2", body="hill")]})
    assert "(2 new, 0 replaced)" in printed
    made = TrackedProject.objects.get(code="QS-2027-D1")
    assert made.body == cast.body and made.year == 2027 and made.title == "镇区停车场"
    assert made.status == "implementing" and made.plan_set_at is not None
    assert made.source_round is None and made.source_item == "" and made.candidate is None
    assert made.milestones.count() == 2
    assert TrackedProject.objects.get(code="D2").body == cast.body
    entry = ActionEntry.objects.get(action=TrackingAction.PLANS_IMPORTED)
    assert entry.detail == {"projects": ["QS-2027-D1", "D2"], "new": ["QS-2027-D1", "D2"]}


def test_replacing_a_plan_keeps_the_history_and_the_done_milestones_that_remain(
    project: TrackedProject, tmp_path: Path
) -> None:
    imported(tmp_path, {"projects": [plan()]})
    progress = {
        "updates": [
            {
                "project": "R1-P1",
                "on": "2027-05-10",
                "progress": 30,
                "milestones_done": [
                    {"id": "M1", "done": "2027-04-28"},
                    {"id": "M2", "done": "2027-05-09"},
                ],
            }
        ]
    }
    call_command("import_progress", str(write(tmp_path, progress, "progress.json")))
    again = plan(
        completion="2027-12-31",
        milestones=[
            {"id": "M1", "title": "设计及审批完成", "planned": "2027-05-15", "weight": 2},
            {"id": "M3", "title": "竣工验收", "planned": "2027-12-20", "weight": 1},
        ],
    )
    imported(tmp_path, {"projects": [again]})
    milestones = {m.code: m for m in Milestone.objects.filter(project=project)}
    assert set(milestones) == {"M1", "M3"}  # M2 is no longer in the plan
    m1 = milestones["M1"]
    assert (m1.title, m1.planned, m1.weight) == (
        "设计及审批完成",
        datetime.date(2027, 5, 15),
        Decimal(2),
    )
    assert m1.done == datetime.date(2027, 4, 28)  # kept
    assert milestones["M3"].done is None
    assert [(u.on, u.progress) for u in project.updates.all()] == [
        (datetime.date(2027, 5, 10), Decimal(30))
    ]
    project.refresh_from_db()
    assert project.completion == datetime.date(2027, 12, 31)


def test_one_entry_per_congress_touched(
    cast: Cast, project: TrackedProject, tmp_path: Path
) -> None:
    other = decision(id="RIVER-1", body="河口镇人民代表大会")
    imported(tmp_path, {"projects": [plan(), decision(), other]})
    entries = ActionEntry.objects.filter(action=TrackingAction.PLANS_IMPORTED).order_by("body")
    assert {e.body.slug: e.detail["projects"] for e in entries} == {
        "hill": ["R1-P1", "QS-2027-D1"],
        "river": ["RIVER-1"],
    }


def test_unknown_keys_are_left_for_later_versions(project: TrackedProject, tmp_path: Path) -> None:
    data = {"projects": [plan(targets="x", colour="red")], "version": 2}
    imported(tmp_path, data)
    assert TrackedProject.objects.get(code="R1-P1").plan_set_at is not None


def _milestone(index: int, **changes: Any) -> dict[str, Any]:
    entry = plan()
    entry["milestones"][index].update(changes)
    return entry


RULES: list[tuple[str, dict[str, Any], str]] = [
    ("id", plan(id="R1 P1"), "projects[0].id: must be 1–64 letters, digits, '-' or '_'"),
    ("long id", plan(id="X" * 65), "projects[0].id: must be 1–64 letters"),
    (
        "start",
        plan(start="2027-12-01"),
        "projects[0].start: is after the completion date 2027-11-30",
    ),
    ("date", plan(start="2027-02-30"), "projects[0].start: must be a date written YYYY-MM-DD"),
    ("no date", plan(completion=None), "projects[0].completion: must be a date written YYYY-MM-DD"),
    (
        "repeated milestone",
        _milestone(1, id="M1"),
        "projects[0].milestones[1].id: repeats the milestone id M1",
    ),
    (
        "zero weight",
        _milestone(1, weight=0),
        "projects[0].milestones[1].weight: must be a number greater than 0",
    ),
    (
        "text weight",
        _milestone(0, weight="1"),
        "projects[0].milestones[0].weight: must be a number",
    ),
    (
        "planned before start",
        _milestone(0, planned="2027-02-28"),
        "projects[0].milestones[0].planned: lies outside the plan's start and completion "
        "(2027-03-01 to 2027-11-30)",
    ),
    (
        "planned after completion",
        _milestone(1, planned="2027-12-01"),
        "projects[0].milestones[1].planned: lies outside",
    ),
    ("milestone title", _milestone(0, title=" "), "projects[0].milestones[0].title: must be"),
    ("milestones", plan(milestones=None), "projects[0].milestones: must be a list"),
    (
        "warn days",
        plan(policy={"kind": "deadline", "warn_days": -1}),
        "projects[0].policy.warn_days: must be a whole number from 0 to 3650",
    ),
    (
        "warn days fraction",
        plan(policy={"kind": "deadline", "warn_days": 1.5}),
        "projects[0].policy.warn_days: must be a whole number",
    ),
    (
        "yellow above red",
        plan(policy={"kind": "progress", "yellow": 40, "red": 30}),
        "projects[0].policy.yellow: must not be more than red (30)",
    ),
    (
        "red above 100",
        plan(policy={"kind": "progress", "yellow": 10, "red": 101}),
        "projects[0].policy.red: must be a number from 0 to 100",
    ),
    (
        "policy kind",
        plan(policy={"kind": "colour"}),
        'projects[0].policy.kind: must be "deadline" or "progress"',
    ),
    ("policy type", plan(policy="deadline"), "projects[0].policy: must be an object"),
    (
        "latitude",
        plan(location={"lat": 91, "lng": 121}),
        "projects[0].location.lat: must be a number from -90 to 90",
    ),
    (
        "longitude",
        plan(location={"lat": 29}),
        "projects[0].location.lng: must be a number from -180 to 180",
    ),
    ("location", plan(location=[29, 121]), 'projects[0].location: must be an object with "lat"'),
    ("budget", plan(budget_wan="100"), "projects[0].budget_wan: must be a number from 0 to"),
    ("budget cents", plan(budget_wan=1.005), "projects[0].budget_wan: has more than 2 decimal"),
    ("urgent", plan(urgent="yes"), "projects[0].urgent: must be true or false"),
    ("title type", plan(title=5), "projects[0].title: must be a non-empty string"),
    ("unit type", plan(unit=["a"]), "projects[0].unit: must be a string"),
    ("title line", plan(title="a\nb"), "projects[0].title: contains control characters"),
    ("year", plan(year=2028), "projects[0].year: the project is of the year 2027, not 2028"),
    (
        "other congress",
        plan(body="river"),
        "projects[0].body: the project belongs to 青山镇人民代表大会, not to “river”",
    ),
    (
        "unknown congress",
        decision(body="白云镇人民代表大会"),
        "projects[0].body: no congress is named “白云镇人民代表大会”",
    ),
    (
        "new year",
        decision(year="2027"),
        "projects[0].year: must be a whole number from 2000 to 2100",
    ),
]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [(entry, expected) for _name, entry, expected in RULES],
    ids=[r[0] for r in RULES],
)
def test_each_rule_is_refused_with_its_words_and_nothing_stored(
    project: TrackedProject, tmp_path: Path, entry: dict[str, Any], expected: str
) -> None:
    problems = refused(
        tmp_path, {"projects": [plan(id="OK-1", body="hill", title="t", year=2027), entry]}
    )
    assert [p for p in problems if "projects[0]" in p] == []  # the good project is fine
    assert any(expected.replace("projects[0]", "projects[1]") in p for p in problems), problems


def test_a_new_project_needs_its_title_congress_and_year(cast: Cast, tmp_path: Path) -> None:
    problems = refused(tmp_path, {"projects": [plan(id="NEW-1")]})
    assert problems == [
        "projects[0].title: is required for a new project",
        "projects[0].body: is required for a new project",
        "projects[0].year: is required for a new project",
    ]


def test_a_project_named_twice_is_refused(project: TrackedProject, tmp_path: Path) -> None:
    problems = refused(tmp_path, {"projects": [plan(), plan()]})
    assert problems == ["projects[1].id: repeats the project id R1-P1"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"projects": [], "projects": []}', "The JSON gives the key “projects” twice."),
        (b"{", "The text is not valid JSON (line 1, column 2)."),
        (b"\xff", "The text is not UTF-8."),
        (b"[]", "$: must be an object"),
        (b'{"projects": []}', "projects: must be a non-empty list"),
        (b'{"projects": [1]}', "projects[0]: must be an object"),
        (b'{"projects": [{"id": "A", "start": NaN}]}', "not finite"),
    ],
)
def test_the_file_as_a_whole(cast: Cast, tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "plans.json"
    path.write_bytes(content)
    before = counts()
    with pytest.raises(CommandError) as raised:
        call_command("import_plans", str(path))
    assert expected in str(raised.value)
    assert counts() == before


def test_every_problem_is_listed_and_nothing_of_the_good_projects_stored(
    project: TrackedProject, tmp_path: Path
) -> None:
    bad = decision(start="2027-12-31", milestones=[{"id": "M 1", "weight": -1}])
    problems = refused(tmp_path, {"projects": [plan(), bad]})
    assert problems == [
        "projects[1].start: is after the completion date 2027-11-30",
        "projects[1].milestones[0].id: must be 1–64 letters, digits, '-' or '_'",
        "projects[1].milestones[0].title: must be a non-empty string",
        "projects[1].milestones[0].planned: must be a date written YYYY-MM-DD",
        "projects[1].milestones[0].weight: must be a number greater than 0 and at most 99999.999",
    ]
    assert TrackedProject.objects.get(code="R1-P1").plan_set_at is None


def test_the_service_stores_all_or_nothing(project: TrackedProject, tmp_path: Path) -> None:
    specs = read_plan_file(json.dumps({"projects": [plan(), decision()]}).encode())
    TrackedProject.objects.create(code="QS-2027-D1", body=project.body, year=2027, title="抢先")
    before = counts()
    with pytest.raises(Exception, match="changed while the file was being checked"):
        plans_import(specs)
    assert counts() == before
    with pytest.raises(FileRefused, match="is required for a new project"):
        read_plan_file(json.dumps({"projects": [plan(id="NEW-2")]}).encode())


def test_a_missing_file_is_an_error(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_plans", str(tmp_path / "none.json"))


def test_the_command_line_exits_1_with_a_line_per_problem(tmp_path: Path) -> None:
    data = copy.deepcopy({"projects": [plan(id="bad id", start="2027-02-30", completion="x")]})
    path = write(tmp_path, data, "bad.json")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_plans", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("CommandError: projects[0].id: ")
    assert lines[1].startswith("projects[0].start: ")
    assert lines[2].startswith("projects[0].completion: ")
