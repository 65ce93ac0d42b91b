"""The projects API of tracking.md: GeoJSON of the tracked projects, public and read-only, with
each project's colour, progress and reasons as of a day, and only reviewed progress."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ballots.services.rounds import round_close, round_follow_up
from projects.models import Body, Candidate, Level
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tests.voting import cast_ballot, open_with_cards
from tracking.models import (
    ColourChange,
    Milestone,
    ProgressUpdate,
    TrackedProject,
    UpdateState,
)

LIST = "/api/v1/projects"
D = datetime.date
ON = "2027-06-01"
PROPERTIES = {
    "id",
    "title",
    "body",
    "year",
    "unit",
    "status",
    "source",
    "start",
    "completion",
    "progress",
    "expected",
    "colour",
    "reasons",
    "urgent",
    "policy",
    "rating",
    "evaluation",
    "url",
    "category",
}


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def get(path: str, language: str = "", **params: Any) -> Any:
    headers = {"Accept-Language": language} if language else {}
    return Client().get(path, params, headers=headers)


def features(**params: Any) -> list[dict[str, Any]]:
    response = get(LIST, **params)
    assert response.status_code == 200, response.content
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    found: list[dict[str, Any]] = collection["features"]
    return found


def ids(**params: Any) -> list[str]:
    return sorted(f["properties"]["id"] for f in features(**params))


def one(code: str, **params: Any) -> dict[str, Any]:
    response = get(reverse("api_project", kwargs={"code": code}), **params)
    assert response.status_code == 200, response.content
    feature: dict[str, Any] = response.json()
    return feature


def planned(cast: Cast, code: str = "T-1", **fields: Any) -> TrackedProject:
    """A project by a congress decision with a plan: 2027-01-01..2027-12-31."""
    values: dict[str, Any] = {
        "body": cast.body,
        "year": 2027,
        "title": f"项目{code}",
        "unit": "镇水务站",
        "start": D(2027, 1, 1),
        "completion": D(2027, 12, 31),
    }
    values.update(fields)
    return TrackedProject.objects.create(code=code, **values)


def milestone(project: TrackedProject, code: str, day: datetime.date, **fields: Any) -> Milestone:
    values: dict[str, Any] = {"title": f"节点{code}", "weight": Decimal(1)}
    values.update(fields)
    return Milestone.objects.create(project=project, code=code, planned=day, **values)


def update(project: TrackedProject, day: datetime.date, progress: int, state: str) -> None:
    ProgressUpdate.objects.create(project=project, on=day, progress=Decimal(progress), state=state)


@pytest.fixture
def from_vote(cast: Cast) -> list[TrackedProject]:
    """R1-P1 and R1-P2: selected by a vote on the 2027 list, each with its place on the map."""
    voted(cast, listed(cast, 3), [{"P1": "yes", "P2": "yes"}] * 2, to_select=2)
    return list(TrackedProject.objects.order_by("code"))


def test_it_lists_each_tracked_project_as_a_geojson_point(
    cast: Cast, from_vote: list[TrackedProject]
) -> None:
    found = {f["properties"]["id"]: f for f in features(on=ON)}
    assert set(found) == {"R1-P1", "R1-P2"}
    first = found["R1-P1"]
    assert first["type"] == "Feature"
    # GeoJSON order: longitude first, then latitude.
    assert first["geometry"] == {"type": "Point", "coordinates": [121.4213, 29.3]}
    properties = first["properties"]
    assert set(properties) == PROPERTIES
    assert properties["title"] == "民生项目1" and properties["unit"] == "单位1"
    assert properties["body"] == "青山镇人民代表大会" and properties["year"] == 2027
    assert properties["status"] == "implementing"
    assert properties["source"] == {"round": "R1", "item": "P1"}
    assert properties["start"] is None  # no plan yet
    assert properties["completion"] == "2027-12-31"  # the candidate's planned completion
    assert properties["urgent"] is False
    assert properties["policy"] == {"kind": "deadline", "warn_days": 15}
    assert properties["rating"] == {"average": None, "count": 0}
    assert properties["evaluation"] is None
    assert properties["url"] == "http://testserver/projects/R1-P1/"
    assert Client().get(properties["url"]).status_code == 200
    assert isinstance(properties["progress"], float) and properties["progress"] == 0.0


def test_a_decision_without_a_place_has_no_geometry_and_no_source(cast: Cast) -> None:
    planned(cast)
    (feature,) = features(on=ON)
    assert feature["geometry"] is None
    assert feature["properties"]["source"] is None
    assert feature["properties"]["start"] == "2027-01-01"
    assert feature["properties"]["completion"] == "2027-12-31"


def test_sub_items_are_parts_of_their_parent_not_projects_of_their_own(cast: Cast) -> None:
    parent = planned(cast, "T-1")
    planned(cast, "T-1-a", parent=parent)
    assert ids() == ["T-1"]
    assert get(reverse("api_project", kwargs={"code": "T-1-a"})).status_code == 404


def test_it_filters_by_congress_by_its_code_or_its_name(cast: Cast) -> None:
    other = Body.objects.get(slug="river")
    planned(cast, "HILL-1")
    planned(cast, "RIVER-1", body=other)
    assert ids(body="hill") == ["HILL-1"]
    assert ids(body="河口镇人民代表大会") == ["RIVER-1"]
    assert ids(body="") == ["HILL-1", "RIVER-1"]  # empty: no filter
    assert ids(body="nowhere") == []
    nameless = Body.objects.create(slug="lake", name="湖滨镇人民代表大会", level=Level.TOWNSHIP)
    assert ids(body=nameless.slug) == []


def test_it_filters_by_year(cast: Cast) -> None:
    planned(cast, "Y2027")
    planned(cast, "Y2028", year=2028, start=D(2028, 1, 1), completion=D(2028, 12, 31))
    assert ids(year="2028") == ["Y2028"]
    assert ids(year=2027) == ["Y2027"]
    assert ids(year=2030) == []


def test_it_filters_by_the_round_that_selected_them(
    cast: Cast, from_vote: list[TrackedProject]
) -> None:
    planned(cast, "DECIDED")
    assert ids(round="R1") == ["R1-P1", "R1-P2"]
    assert ids(round="NO-SUCH-ROUND") == []


def test_a_round_filter_takes_in_the_runoff_of_its_chain(cast: Cast) -> None:
    candidates = listed(cast, 3)
    p2, p3 = {"P1": "yes", "P2": "yes"}, {"P1": "yes", "P3": "yes"}
    first = voted(
        cast, candidates, [p2, p2, p3, p3, {"P1": "yes", "P2": "yes", "P3": "yes"}], to_select=2
    )
    runoff = round_follow_up(round_=first)
    for card, choices in zip(
        open_with_cards(runoff), [{"P3": "yes"}] * 3 + [{"P2": "yes"}] * 2, strict=True
    ):
        cast_ballot(runoff.code, card.code, choices)
    round_close(round_=runoff)
    sources = {f["properties"]["id"]: f["properties"]["source"] for f in features(round="R1")}
    assert sources == {
        "R1-P1": {"round": "R1", "item": "P1"},
        "R1-P3": {"round": runoff.code, "item": "P3"},
    }
    assert ids(round=runoff.code) == ["R1-P1", "R1-P3"]


def test_it_filters_by_the_colour_on_the_day(cast: Cast) -> None:
    late = planned(cast, "LATE")
    milestone(late, "m1", D(2027, 3, 1))
    soon = planned(cast, "SOON")
    milestone(soon, "m1", D(2027, 6, 10))
    planned(cast, "FINE")
    planned(cast, "DONE", status="completed")
    assert ids(on=ON, colour="red") == ["LATE"]
    assert ids(on=ON, colour="yellow") == ["SOON"]
    assert ids(on=ON, colour="green") == ["FINE"]
    assert ids(on="2027-02-01", colour="red") == []  # before the milestone was due
    assert ids(on="2027-02-01", colour="green") == ["FINE", "LATE", "SOON"]
    colours = {f["properties"]["id"]: f["properties"]["colour"] for f in features(on=ON)}
    assert colours["DONE"] is None  # completed: no colour


def test_it_gives_and_filters_by_the_category_of_the_candidate_voted_on(
    cast: Cast, from_vote: list[TrackedProject]
) -> None:
    Candidate.objects.filter(tracked__code="R1-P2").update(category="education")
    planned(cast, "DECIDED")
    categories = {f["properties"]["id"]: f["properties"]["category"] for f in features()}
    assert categories == {"R1-P1": "environment", "R1-P2": "education", "DECIDED": None}
    assert one("R1-P2")["properties"]["category"] == "education"
    assert ids(category="education") == ["R1-P2"]
    assert ids(category="housing") == []
    assert ids(category="") == ["DECIDED", "R1-P1", "R1-P2"]  # empty: no filter


def test_only_reviewed_progress_shows(cast: Cast) -> None:
    project = planned(cast, policy_kind="progress")
    update(project, D(2027, 5, 1), 40, UpdateState.APPROVED)
    update(project, D(2027, 5, 20), 90, UpdateState.PENDING)
    update(project, D(2027, 5, 21), 95, UpdateState.RETURNED)
    (feature,) = features(on=ON)
    assert feature["properties"]["progress"] == 40.0
    assert one("T-1", on=ON)["properties"]["progress"] == 40.0
    assert features(on="2027-04-30")[0]["properties"]["progress"] == 0.0  # not yet reached


def test_an_overdue_milestone_is_red_with_its_reasons_in_words(cast: Cast) -> None:
    project = planned(cast, urgent=True)
    milestone(project, "design", D(2027, 5, 20), title="完成设计")
    milestone(project, "build", D(2027, 6, 10), title="主体完工")
    properties = features(on=ON)[0]["properties"]
    assert properties["colour"] == "red" and properties["urgent"] is True
    assert properties["reasons"] == [
        "时间节点“完成设计”已逾期 12 天。",
        "时间节点“主体完工”还有 9 天到期。",
    ]
    english = get(LIST, "en", on=ON).json()["features"][0]["properties"]
    assert english["reasons"] == [
        "Milestone “完成设计” is 12 days overdue.",
        "Milestone “主体完工” is due in 9 days.",
    ]
    # Done on 2027-05-25: red until then, then yellow for the next one.
    Milestone.objects.filter(code="design").update(done=D(2027, 5, 25))
    assert features(on="2027-05-24")[0]["properties"]["colour"] == "red"
    assert features(on=ON)[0]["properties"]["colour"] == "yellow"


def test_progress_and_expected_are_as_of_the_day_to_one_decimal(cast: Cast) -> None:
    project = planned(cast, start=D(2027, 1, 1), completion=D(2027, 1, 4), policy_kind="progress")
    update(project, D(2027, 1, 2), 12, UpdateState.APPROVED)
    properties = features(on="2027-01-02")[0]["properties"]
    assert properties["expected"] == 33.3 and properties["progress"] == 12.0
    assert properties["colour"] == "yellow"  # 21.3 points behind: from 10, not beyond 30
    assert properties["policy"] == {"kind": "progress", "yellow": 10.0, "red": 30.0}


def test_on_defaults_to_today_in_the_install_s_time_zone(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = planned(cast)
    milestone(project, "m1", D(2027, 3, 1))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2027, 2, 1))
    assert features()[0]["properties"]["colour"] == "green"
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2027, 3, 2))
    assert features()[0]["properties"]["colour"] == "red"


def test_one_project_adds_its_milestones_and_history(cast: Cast) -> None:
    project = planned(cast, warn_days=10, policy_kind="deadline")
    milestone(project, "a", D(2027, 3, 1), done=D(2027, 2, 20))
    milestone(project, "b", D(2027, 5, 1), weight=Decimal("2.5"))
    milestone(project, "c", D(2027, 6, 5))
    milestone(project, "d", D(2027, 6, 20), done=D(2027, 6, 15))
    ColourChange.objects.create(
        project=project, on=D(2027, 4, 1), from_colour="", to_colour="green"
    )
    ColourChange.objects.create(
        project=project, on=D(2027, 5, 2), from_colour="green", to_colour="red"
    )
    ColourChange.objects.create(
        project=project, on=D(2027, 7, 1), from_colour="red", to_colour="yellow"
    )
    feature = one("T-1", on=ON)
    properties = feature["properties"]
    assert set(properties) == PROPERTIES | {"milestones", "history"}
    assert properties["policy"] == {"kind": "deadline", "warn_days": 10}
    assert properties["milestones"] == [
        {"id": "a", "title": "节点a", "planned": "2027-03-01", "weight": 1.0,
         "done": "2027-02-20", "state": "done"},
        {"id": "b", "title": "节点b", "planned": "2027-05-01", "weight": 2.5,
         "done": None, "state": "overdue"},
        {"id": "c", "title": "节点c", "planned": "2027-06-05", "weight": 1.0,
         "done": None, "state": "due"},
        # Done after the day asked about: still open on it, and beyond the 10-day window.
        {"id": "d", "title": "节点d", "planned": "2027-06-20", "weight": 1.0,
         "done": None, "state": "upcoming"},
    ]  # fmt: skip
    assert properties["history"] == [
        {"on": "2027-04-01", "from": None, "to": "green"},
        {"on": "2027-05-02", "from": "green", "to": "red"},
    ]
    later = one("T-1", on="2027-07-01")["properties"]
    assert later["history"][-1] == {"on": "2027-07-01", "from": "red", "to": "yellow"}
    assert later["milestones"][3]["state"] == "done"


def test_a_progress_policy_still_marks_milestones_due_within_15_days(cast: Cast) -> None:
    project = planned(cast, policy_kind="progress")
    milestone(project, "a", D(2027, 6, 16))
    milestone(project, "b", D(2027, 6, 17))
    states = [m["state"] for m in one("T-1", on=ON)["properties"]["milestones"]]
    assert states == ["due", "upcoming"]


def test_an_unknown_project_is_a_404_in_the_request_s_language(cast: Cast) -> None:
    url = reverse("api_project", kwargs={"code": "NO-SUCH"})
    chinese = get(url)
    assert chinese.status_code == 404
    assert chinese.json() == {"error": "unknown_project", "detail": zh("There is no such project.")}
    english = get(url, "en")
    assert english.json() == {"error": "unknown_project", "detail": "There is no such project."}
    not_an_id = get("/api/v1/projects/a%20b")
    assert not_an_id.status_code == 404 and not_an_id.json()["error"] == "unknown_project"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"on": "2027-13-01"}, "invalid_date"),
        ({"on": "20270601"}, "invalid_date"),
        ({"on": "tomorrow"}, "invalid_date"),
        ({"year": "twenty"}, "bad_request"),
        ({"year": "2027.0"}, "bad_request"),
        ({"colour": "blue"}, "bad_request"),
        ({"colour": "RED"}, "bad_request"),
        ({"round": "R 1"}, "bad_request"),
        ({"category": "roads"}, "bad_request"),
    ],
)
def test_a_bad_parameter_is_a_400_that_says_why(
    cast: Cast, params: dict[str, str], code: str
) -> None:
    planned(cast)
    response = get(LIST, "en", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == code and set(body) == {"error", "detail"}
    assert next(iter(params)) in body["detail"]  # names the parameter


def test_a_bad_day_is_a_400_for_one_project_too(cast: Cast) -> None:
    planned(cast)
    response = get(reverse("api_project", kwargs={"code": "T-1"}), on="2027-02-30")
    assert response.status_code == 400 and response.json()["error"] == "invalid_date"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(cast: Cast, method: str) -> None:
    planned(cast)
    for url in (LIST, reverse("api_project", kwargs={"code": "T-1"})):
        response = getattr(Client(enforce_csrf_checks=True), method)(url)
        assert response.status_code == 405
        assert response.json()["error"] == "method_not_allowed"
        assert response["Allow"] == "GET, HEAD"
    assert TrackedProject.objects.count() == 1
    assert Client().head(LIST).status_code == 200


def test_answers_are_not_cached_stale(cast: Cast) -> None:
    assert get(LIST)["Cache-Control"] == "no-cache"


def _many(cast: Cast, count: int) -> None:
    first = TrackedProject.objects.count()
    for n in range(first, first + count):
        project = planned(cast, f"P-{n}", latitude=Decimal("29.3"), longitude=Decimal("121.4"))
        milestone(project, "a", D(2027, 3, 1), done=D(2027, 3, 1))
        milestone(project, "b", D(2027, 7, 1))
        update(project, D(2027, 5, 1), 30, UpdateState.APPROVED)
        update(project, D(2027, 5, 2), 50, UpdateState.PENDING)
        ColourChange.objects.create(project=project, on=D(2027, 4, 1), to_colour="green")


def test_the_list_reads_the_database_as_often_for_30_projects_as_for_3(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    params: dict[str, str | int] = {"on": ON, "colour": "green", "body": "hill", "year": 2027}
    counts = []
    for total in (3, 30):
        _many(cast, total - TrackedProject.objects.count())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, params)
        assert len(response.json()["features"]) == total
        counts.append(len(queries))
        with django_assert_max_num_queries(4):  # projects, milestones, updates, sub-items
            client.get(LIST, params)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("count", [3, 30])
def test_one_project_reads_the_database_a_fixed_number_of_times(
    cast: Cast, count: int, django_assert_max_num_queries: Any
) -> None:
    _many(cast, 1)
    project = TrackedProject.objects.get()
    for n in range(count):
        milestone(project, f"x{n}", D(2027, 8, 1))
        ColourChange.objects.create(project=project, on=D(2027, 5, n % 28 + 1), to_colour="red")
    with django_assert_max_num_queries(5):  # + the colour history
        response = Client().get(reverse("api_project", kwargs={"code": project.code}))
    assert len(response.json()["properties"]["milestones"]) == count + 2
