"""The progress file of docs/tracking-files.md: staff's updates, reviewed as stored; all or none."""

import datetime
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from projects.models import ActionEntry
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import (
    Milestone,
    ProgressUpdate,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.progress_file import read_progress_file
from tracking.services.assess import assess
from tracking.services.progress import progress_import


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def projects(cast: Cast, tmp_path: Path) -> list[TrackedProject]:
    """R1-P1 and R1-P2 from the vote, each with a plan of two milestones."""
    voted(cast, listed(cast, 3), [{"P1": "yes", "P2": "yes"}] * 2, to_select=2)
    entry = {
        "start": "2027-03-01",
        "completion": "2027-11-30",
        "milestones": [
            {"id": "M1", "title": "设计完成", "planned": "2027-04-30", "weight": 1},
            {"id": "M2", "title": "主体完工", "planned": "2027-09-30", "weight": 3},
        ],
    }
    plans = {"projects": [{"id": code, **entry} for code in ("R1-P1", "R1-P2")]}
    call_command("import_plans", str(write(tmp_path, plans, "plans.json")), stdout=io.StringIO())
    return list(TrackedProject.objects.order_by("code"))


def update(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "project": "R1-P1",
        "on": "2027-05-10",
        "progress": 35.5,
        "milestones_done": [{"id": "M1", "done": "2027-04-28"}],
        "note": "设计已批复。\n施工队已进场。",
    }
    entry.update(changes)
    return entry


def write(tmp_path: Path, data: Any, name: str = "progress.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def counts() -> tuple[int, ...]:
    return (
        ProgressUpdate.objects.count(),
        Milestone.objects.filter(done__isnull=False).count(),
        ActionEntry.objects.count(),
        TrackedProject.objects.exclude(status="implementing").count(),
    )


def imported(tmp_path: Path, data: Any) -> str:
    out = io.StringIO()
    call_command("import_progress", str(write(tmp_path, data)), stdout=out)
    return out.getvalue()


def refused(tmp_path: Path, data: Any) -> list[str]:
    before = counts()
    with pytest.raises(CommandError) as raised:
        call_command("import_progress", str(write(tmp_path, data)))
    assert counts() == before
    return str(raised.value).splitlines()


def test_an_update_is_stored_reviewed_and_counts(
    cast: Cast, projects: list[TrackedProject], tmp_path: Path
) -> None:
    printed = imported(tmp_path, {"updates": [update()]})
    assert printed.strip() == "Imported 1 progress updates of 1 projects: R1-P1"
    stored = ProgressUpdate.objects.get()
    assert stored.state == UpdateState.APPROVED and stored.reviewed_at is not None
    assert stored.on == datetime.date(2027, 5, 10) and stored.progress == Decimal("35.5")
    assert stored.milestones_done == [{"id": "M1", "done": "2027-04-28"}]
    assert stored.note == "设计已批复。\n施工队已进场。" and stored.status == ""
    m1 = Milestone.objects.get(project=projects[0], code="M1")
    assert m1.done == datetime.date(2027, 4, 28)
    project = TrackedProject.objects.get(code="R1-P1")
    assert project.status == "implementing"
    # It counts in the colour: M1 done by then, the update's progress read.
    assessment = assess(project, datetime.date(2027, 5, 10))
    assert assessment.progress == pytest.approx(35.5)
    entry = ActionEntry.objects.get(action=TrackingAction.PROGRESS_IMPORTED)
    assert entry.body == cast.body and entry.actor == "manage.py"
    assert entry.detail == {
        "projects": ["R1-P1"],
        "updates": [{"project": "R1-P1", "on": "2027-05-10", "progress": "35.5"}],
    }


def test_a_completed_update_sets_the_completion_to_its_date(
    projects: list[TrackedProject], tmp_path: Path
) -> None:
    imported(
        tmp_path,
        {
            "updates": [
                update(project="R1-P2", on="2027-10-20", progress=100, status="completed"),
                update(project="R1-P1", on="2027-06-01", status="paused", milestones_done=None),
            ]
        },
    )
    done = TrackedProject.objects.get(code="R1-P2")
    assert done.status == "completed"
    assert done.completion == done.completed_on == datetime.date(2027, 10, 20)
    paused = TrackedProject.objects.get(code="R1-P1")
    assert paused.status == "paused" and paused.completion == datetime.date(2027, 11, 30)
    assert paused.completed_on is None


def test_of_two_updates_of_a_project_the_later_status_stands(
    projects: list[TrackedProject], tmp_path: Path
) -> None:
    later = update(on="2027-07-01", status="implementing", milestones_done=None)
    earlier = update(on="2027-06-01", status="paused", milestones_done=None)
    imported(tmp_path, {"updates": [later, earlier]})
    assert TrackedProject.objects.get(code="R1-P1").status == "implementing"
    assert ProgressUpdate.objects.count() == 2


RULES: list[tuple[str, dict[str, Any], str]] = [
    ("project id", update(project="R1 P1"), "updates[1].project: must be 1–64 letters"),
    (
        "unknown project",
        update(project="R9-P9"),
        "updates[1].project: no tracked project has the id",
    ),
    ("on", update(on="2027-5-10"), "updates[1].on: must be a date written YYYY-MM-DD"),
    (
        "progress over",
        update(progress=100.5),
        "updates[1].progress: must be a number from 0 to 100",
    ),
    ("progress under", update(progress=-1), "updates[1].progress: must be a number from 0 to 100"),
    ("progress text", update(progress="50"), "updates[1].progress: must be a number"),
    ("progress places", update(progress=33.333), "updates[1].progress: has more than 2 decimal"),
    (
        "unknown milestone",
        update(milestones_done=[{"id": "M9", "done": "2027-05-01"}]),
        "updates[1].milestones_done[0].id: the project R1-P1 has no milestone with the id M9",
    ),
    (
        "done later",
        update(milestones_done=[{"id": "M1", "done": "2027-05-11"}]),
        "updates[1].milestones_done[0].done: is after the update's date 2027-05-10",
    ),
    (
        "done twice",
        update(milestones_done=[{"id": "M1", "done": "2027-05-01"}] * 2),
        "updates[1].milestones_done[1].id: repeats the milestone id M1",
    ),
    (
        "done date",
        update(milestones_done=[{"id": "M1"}]),
        "updates[1].milestones_done[0].done: must be a date",
    ),
    ("done list", update(milestones_done="M1"), "updates[1].milestones_done: must be a list"),
    (
        "status",
        update(status="closed"),
        'updates[1].status: must be "implementing", "paused", "stopped" or "completed"',
    ),
    (
        "completed before start",
        update(on="2027-02-01", status="completed", milestones_done=None),
        "updates[1].on: a completed update cannot be dated before the project's planned start "
        "2027-03-01",
    ),
    ("note", update(note=5), "updates[1].note: must be a string"),
    ("note control", update(note="a\x07b"), "updates[1].note: contains control characters"),
]


@pytest.mark.parametrize(
    ("entry", "expected"), [(e, x) for _n, e, x in RULES], ids=[r[0] for r in RULES]
)
def test_each_rule_is_refused_with_its_words_and_nothing_stored(
    projects: list[TrackedProject], tmp_path: Path, entry: dict[str, Any], expected: str
) -> None:
    good = update(project="R1-P2", status="paused")
    problems = refused(tmp_path, {"updates": [good, entry]})
    assert [p for p in problems if "updates[0]" in p] == []
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"updates": []}, "updates: must be a non-empty list"),
        ({"progress": []}, "updates: must be a non-empty list"),
        ([update()], "$: must be an object"),  # and so no list of updates either
        ({"updates": ["R1-P1"]}, "updates[0]: must be an object"),
    ],
)
def test_the_file_as_a_whole(
    projects: list[TrackedProject], tmp_path: Path, data: Any, expected: str
) -> None:
    assert refused(tmp_path, data)[0] == expected


def test_every_problem_is_listed(projects: list[TrackedProject], tmp_path: Path) -> None:
    bad = {"project": "R1-P1", "on": "soon", "progress": 120, "status": "done"}
    assert refused(tmp_path, {"updates": [update(), bad]}) == [
        "updates[1].on: must be a date written YYYY-MM-DD",
        "updates[1].progress: must be a number from 0 to 100",
        'updates[1].status: must be "implementing", "paused", "stopped" or "completed"',
    ]


def test_a_plan_changed_since_the_check_stores_nothing(
    projects: list[TrackedProject], tmp_path: Path
) -> None:
    specs = read_progress_file(
        json.dumps({"updates": [update(project="R1-P2"), update()]}).encode()
    )
    Milestone.objects.filter(project=projects[0], code="M1").delete()
    before = counts()
    with pytest.raises(Exception, match="changed while the file was being checked"):
        progress_import(specs)
    assert counts() == before
