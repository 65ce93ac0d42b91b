"""满意度测评: evaluation rounds name their projects (tracking.md), by a session file or the staff's
screen; on close each grade reaches its project and the projects API; a dissatisfied project goes
into rectification (整改); congress staff close (销号) it once rectification is verified."""

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ballots.models import Item, Round, Session
from ballots.rules.terms import Kind, Secrecy
from ballots.services.rounds import round_close
from projects.models import ActionEntry, Body
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_session, open_with_cards
from tracking.models import (
    ColourChange,
    Ledger,
    LedgerEntry,
    Rating,
    TrackedProject,
    TrackingAction,
)
from tracking.services.evaluation import evaluation_record, evaluation_round_build
from tracking.services.ledgers import ledger_entry_close

pytestmark = pytest.mark.django_db


def project(body: Body, code: str, *, status: str = "completed", **more: Any) -> TrackedProject:
    fields = {"year": 2026, "title": f"项目{code}", "status": status, "unit": "镇水务站", **more}
    return TrackedProject.objects.create(code=code, body=body, **fields)


@pytest.fixture
def year_2026(cast: Cast) -> list[TrackedProject]:
    """Three projects of 2026 to grade: two completed, one still implementing."""
    return [
        project(cast.body, "QS-2026-P1"),
        project(cast.body, "QS-2026-P2"),
        project(cast.body, "QS-2026-P3", status="implementing"),
    ]


# -- the session file -------------------------------------------------------------------------


def session_file(*projects: str | None, kind: str = "evaluation") -> dict[str, Any]:
    items = []
    for n, code in enumerate(projects, start=1):
        item: dict[str, Any] = {"id": f"E{n}", "number": n, "title": f"去年项目{n}"}
        if code is not None:
            item["project"] = code
        items.append(item)
    return {
        "session": {"id": "QS-2027", "title": "青山镇人代会", "body": "hill", "date": "2027-01-15"},
        "voters": [{"id": f"V{n}", "name": f"代表{n}"} for n in range(1, 6)],
        "rounds": [
            {
                "id": "QS-2027-E",
                "kind": kind,
                "secrecy": "secret",
                "to_select": 1 if kind == "selection" else None,
                "max_yes_per_ballot": None,
                "items": items,
            }
        ],
    }


def import_file(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "session.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_session", str(path))


def test_a_session_file_names_the_projects_its_evaluation_items_grade(
    tmp_path: Path, year_2026: list[TrackedProject]
) -> None:
    import_file(tmp_path, session_file("QS-2026-P1", None, "QS-2026-P3"))
    stored = Item.objects.filter(round__code="QS-2027-E").order_by("number")
    assert list(stored.values_list("code", "project_code")) == [
        ("E1", "QS-2026-P1"),
        ("E2", ""),
        ("E3", "QS-2026-P3"),
    ]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (session_file("QS-2026-P1", kind="selection"), ["rounds[0].items[0].project", "E1"]),
        (session_file("QS-2026-P1", "NO-SUCH"), ["E2", "NO-SUCH"]),
        (session_file("RIVER-P1"), ["E1", "RIVER-P1"]),
    ],
    ids=["on-a-selection-round", "no-such-project", "another-congresss-project"],
)
def test_a_session_file_naming_a_project_wrongly_stores_nothing_and_names_the_item(
    tmp_path: Path, year_2026: list[TrackedProject], data: dict[str, Any], words: list[str]
) -> None:
    project(Body.objects.get(slug="river"), "RIVER-P1")
    with pytest.raises(CommandError) as refused:
        import_file(tmp_path, data)
    for word in words:
        assert word in str(refused.value)
    assert not Session.objects.exists() and not Round.objects.exists()


def test_the_refusals_say_why_in_chinese(tmp_path: Path, year_2026: list[TrackedProject]) -> None:
    project(Body.objects.get(slug="river"), "RIVER-P1")
    with pytest.raises(CommandError) as unknown:
        import_file(tmp_path, session_file("NO-SUCH"))
    with pytest.raises(CommandError) as other:
        import_file(tmp_path, session_file("RIVER-P1"))
    assert "没有编号为 NO-SUCH 的跟踪项目" in str(unknown.value)
    assert "属于另一个人大" in str(other.value)


def test_the_staffs_upload_of_such_a_file_says_which_item_and_stores_nothing(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    upload = SimpleUploadedFile(
        "session.json", json.dumps(session_file("QS-2026-P1", "NO-SUCH")).encode()
    )
    url = reverse("session_import", kwargs={"body": cast.body.slug})
    page = client_for(cast.congress).post(url, {"file": upload}, follow=True)
    assert "事项 E2：没有编号为 NO-SUCH 的跟踪项目" in page.content.decode()
    assert not Session.objects.exists() and not Round.objects.exists()


# -- the staff's screen -----------------------------------------------------------------------


def build_url(cast: Cast) -> str:
    return reverse("evaluation_build", kwargs={"body": cast.body.slug})


def test_the_screen_ticks_the_years_carried_out_projects_but_not_paused_ones_or_sub_items(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    project(cast.body, "QS-2026-P4", status="paused")
    project(cast.body, "QS-2026-P1-A", parent=year_2026[0])
    make_session(cast.body, seats=5, code="QS-2027")
    page = client_for(cast.congress).get(build_url(cast) + "?year=2026").content.decode()
    for code in ("QS-2026-P1", "QS-2026-P2", "QS-2026-P3"):
        assert f'value="{code}" checked' in page
    assert 'value="QS-2026-P4">' in page and 'value="QS-2026-P1-A">' in page


def test_building_asks_first_then_makes_a_secret_evaluation_round_naming_its_projects(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    session = make_session(cast.body, seats=5, code="QS-2027")
    client = client_for(cast.congress)
    form = {
        "session": str(session.pk),
        "year": "2026",
        "projects": ["QS-2026-P1", "QS-2026-P3"],
        "code": "",
    }
    asked = client.post(build_url(cast), form)
    assert asked.status_code == 200 and not Round.objects.exists()
    text = asked.content.decode()
    assert "项目QS-2026-P1" in text and "项目QS-2026-P3" in text and "QS-2027-E2026" in text

    done = client.post(build_url(cast), {**form, "code": "QS-2027-E2026", "confirm": "yes"})
    round_ = Round.objects.get()
    assert done["Location"] == reverse(
        "round_detail", kwargs={"body": cast.body.slug, "code": round_.code}
    )
    assert (round_.kind, round_.secrecy) == (Kind.EVALUATION, Secrecy.SECRET)
    assert round_.session == session
    assert list(round_.items.values_list("number", "project_code")) == [
        (1, "QS-2026-P1"),
        (2, "QS-2026-P3"),
    ]
    built = ActionEntry.objects.get(action=TrackingAction.EVALUATION_ROUND_BUILT)
    assert built.subject == round_.code and built.actor == cast.congress.username
    assert built.detail["projects"] == ["QS-2026-P1", "QS-2026-P3"]


def test_a_session_whose_rounds_are_all_closed_is_not_offered(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    finished = build_round(cast, year_2026, code="OLD-E", session_code="QS-2026")
    vote_and_close(finished, [{}] * 5)
    page = client_for(cast.congress).get(build_url(cast)).content.decode()
    assert "没有正在进行的会议" in page


def test_only_congress_staff_build_a_round(cast: Cast, year_2026: list[TrackedProject]) -> None:
    for user in (cast.auditor, cast.east_staff, cast.unit, cast.stranger_staff):
        assert client_for(user).get(build_url(cast)).status_code == 403


# -- closing the round: grades reach their projects --------------------------------------------

SATISFIED, BASICALLY, DISSATISFIED = "satisfied", "basically_satisfied", "dissatisfied"


def build_round(
    cast: Cast,
    projects: list[TrackedProject],
    *,
    code: str = "QS-2027-E",
    session_code: str = "QS-2027",
) -> Round:
    return evaluation_round_build(
        session=make_session(cast.body, seats=5, code=session_code),
        year=2026,
        projects=projects,
        code=code,
        actor=cast.congress,
    )


def vote_and_close(round_: Round, ballots: list[dict[str, str]]) -> Round:
    for card, choices in zip(open_with_cards(round_), ballots, strict=True):
        cast_ballot(round_.code, card.code, choices)
    return round_close(round_=round_)


# Five seats. P1: 3 satisfied (2×3 > 5); P2: 1 + 2 basically (2×3 > 5); P3: 2 + 0, the rest
# dissatisfied or abstaining (2×2 ≤ 5): dissatisfied.
BALLOTS = [
    {"QS-2026-P1": SATISFIED, "QS-2026-P2": SATISFIED, "QS-2026-P3": SATISFIED},
    {"QS-2026-P1": SATISFIED, "QS-2026-P2": BASICALLY, "QS-2026-P3": SATISFIED},
    {"QS-2026-P1": SATISFIED, "QS-2026-P2": BASICALLY, "QS-2026-P3": DISSATISFIED},
    {"QS-2026-P1": "abstain", "QS-2026-P2": DISSATISFIED, "QS-2026-P3": "abstain"},
    {},
]


def test_closing_gives_each_project_its_grade_in_the_projects_api(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    round_ = vote_and_close(build_round(cast, year_2026), BALLOTS)
    stated = {r["item"]: r["grade"] for r in (round_.tally or {})["results"]}
    assert stated == {"QS-2026-P1": SATISFIED, "QS-2026-P2": BASICALLY, "QS-2026-P3": DISSATISFIED}
    features = client_for(None).get("/api/v1/projects?body=hill").json()["features"]
    assert {f["properties"]["id"]: f["properties"]["evaluation"] for f in features} == stated
    one = client_for(None).get("/api/v1/projects/QS-2026-P1").json()
    assert one["properties"]["evaluation"] == SATISFIED
    for code, grade in stated.items():
        tracked = TrackedProject.objects.get(code=code)
        assert (tracked.evaluation, tracked.evaluated_in) == (grade, round_)
    recorded = ActionEntry.objects.get(action=TrackingAction.EVALUATION_RECORDED)
    assert recorded.subject == round_.code and recorded.detail["grades"] == stated


def test_a_project_never_evaluated_has_a_null_evaluation(cast: Cast) -> None:
    project(cast.body, "QS-2026-P9")
    feature = client_for(None).get("/api/v1/projects/QS-2026-P9").json()
    assert feature["properties"]["evaluation"] is None


def test_a_dissatisfied_project_goes_into_rectification_as_a_key_supervision_item(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    vote_and_close(build_round(cast, year_2026), BALLOTS)
    moved = TrackedProject.objects.get(code="QS-2026-P3")
    assert (moved.status, moved.urgent) == ("rectifying", True)
    entry = LedgerEntry.objects.get(project=moved)
    assert entry.ledger == Ledger.RECTIFICATION and entry.closed_at is None
    assert TrackedProject.objects.get(code="QS-2026-P1").status == "completed"
    recorded = ActionEntry.objects.get(action=TrackingAction.EVALUATION_RECORDED)
    assert recorded.detail["rectifying"] == ["QS-2026-P3"]
    page = client_for(None).get(reverse("project_page", kwargs={"code": "QS-2026-P3"}))
    assert "不满意" in page.content.decode() and "整改" in page.content.decode()


def test_recording_the_grades_again_changes_nothing(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    round_ = vote_and_close(build_round(cast, year_2026), BALLOTS)
    assert evaluation_record(round_) == []
    assert ActionEntry.objects.filter(action=TrackingAction.EVALUATION_RECORDED).count() == 1
    assert LedgerEntry.objects.count() == 1


def test_the_sweep_records_grades_a_close_missed(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    round_ = vote_and_close(build_round(cast, year_2026), BALLOTS)
    TrackedProject.objects.update(evaluation="", evaluated_in=None)  # as if the receiver failed
    out = io.StringIO()
    call_command("tracking_sweep", stdout=out)
    assert TrackedProject.objects.get(code="QS-2026-P1").evaluated_in == round_
    assert TrackedProject.objects.get(code="QS-2026-P3").evaluation == DISSATISFIED
    assert "补记漏记的测评结果：3" in out.getvalue()


def test_a_later_evaluation_round_replaces_the_grade(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    vote_and_close(build_round(cast, year_2026[:1]), [{"QS-2026-P1": DISSATISFIED}] * 5)
    again = build_round(cast, year_2026[:1], code="QS-2028-E", session_code="QS-2028")
    vote_and_close(again, [{"QS-2026-P1": SATISFIED}] * 5)
    graded = TrackedProject.objects.get(code="QS-2026-P1")
    assert (graded.evaluation, graded.evaluated_in) == (SATISFIED, again)


# -- 销号 and the unit's explanation ------------------------------------------------------------


def close_url(cast: Cast, code: str) -> str:
    return reverse("project_close", kwargs={"body": cast.body.slug, "code": code})


def test_a_project_is_closed_only_once_its_rectification_ledger_has_nothing_open(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    vote_and_close(build_round(cast, year_2026), BALLOTS)
    client = client_for(cast.congress)
    form = {"verification": "2027年6月现场验收，整改到位", "confirm": "yes"}
    blocked = client.post(close_url(cast, "QS-2026-P3"), form)
    assert "仍未关闭" in blocked.content.decode()
    assert TrackedProject.objects.get(code="QS-2026-P3").status == "rectifying"

    ledger_entry_close(entry=LedgerEntry.objects.get(), actor=cast.congress, outcome="已整改")
    asked = client.post(close_url(cast, "QS-2026-P3"), {"verification": form["verification"]})
    assert asked.status_code == 200 and "销号" in asked.content.decode()
    assert TrackedProject.objects.get(code="QS-2026-P3").status == "rectifying"
    client.post(close_url(cast, "QS-2026-P3"), form)
    assert TrackedProject.objects.get(code="QS-2026-P3").status == "closed"
    closed = ActionEntry.objects.get(action=TrackingAction.PROJECT_CLOSED)
    assert closed.subject == "QS-2026-P3" and closed.detail["status"] == ["rectifying", "closed"]
    api = client_for(None).get("/api/v1/projects/QS-2026-P3").json()["properties"]
    assert api["status"] == "closed" and api["evaluation"] == DISSATISFIED


def test_an_implementing_project_cannot_be_closed(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    response = client_for(cast.congress).post(
        close_url(cast, "QS-2026-P3"), {"verification": "验收", "confirm": "yes"}
    )
    assert "只有整改中或已完成的项目才能销号" in response.content.decode()
    assert TrackedProject.objects.get(code="QS-2026-P3").status == "implementing"


def test_the_units_explanation_shows_on_the_page_while_the_project_is_unfinished(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    url = reverse("project_explanation", kwargs={"body": cast.body.slug, "code": "QS-2026-P3"})
    words = "受汛期影响，管网末段顺延至2027年3月底完工，每月报送进度。"
    client_for(cast.unit).post(url, {"explanation": words})
    page = reverse("project_page", kwargs={"code": "QS-2026-P3"})
    assert words in client_for(None).get(page).content.decode()
    logged = ActionEntry.objects.get(subject="QS-2026-P3")
    assert logged.detail == {"explanation": words} and logged.actor == cast.unit.username

    done = year_2026[0]
    done.explanation = "旧的说明"
    done.save()
    finished = reverse("project_page", kwargs={"code": done.code})
    assert "旧的说明" not in client_for(None).get(finished).content.decode()


def test_another_units_people_cannot_write_the_explanation(cast: Cast) -> None:
    other = project(cast.body, "QS-2026-P8", unit="镇城建办")
    url = reverse("project_explanation", kwargs={"body": cast.body.slug, "code": other.code})
    assert client_for(cast.unit).post(url, {"explanation": "说明"}).status_code == 403
    assert TrackedProject.objects.get(code=other.code).explanation == ""


def test_the_tablet_card_shows_the_projects_facts(
    cast: Cast, year_2026: list[TrackedProject]
) -> None:
    done = year_2026[0]
    done.completion = done.completed_on = datetime.date(2026, 11, 20)
    done.save()
    for rater, stars in (("a", 4), ("b", 5), ("c", 5)):
        Rating.objects.create(project=done, period="2026", rater=rater, stars=stars)
    Rating.objects.create(project=done, period="2020", rater="d", stars=1)  # not this period's
    ColourChange.objects.create(project=done, on=datetime.date(2026, 6, 1), to_colour="yellow")
    ColourChange.objects.create(
        project=done, on=datetime.date(2026, 7, 1), from_colour="yellow", to_colour="green"
    )
    round_ = build_round(cast, year_2026)
    code = open_with_cards(round_)[0].code
    page = client_for(None).post(reverse("vote"), {"code": code}).content.decode()
    assert page.count("evaluation-facts") == 3
    first = page[page.index("evaluation-facts") : page.index('data-item="QS-2026-P2"')]
    assert "2026年11月20日" in first and "已完成" in first
    assert "★ 4.7" in first and "3 人评价" in first
    assert first.index("● 黄") < first.index("● 绿")
    assert "暂无评价" in page and "未曾预警" in page
