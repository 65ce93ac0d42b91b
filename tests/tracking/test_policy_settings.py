"""Congress staff set the warning policy, seeing first which projects change colour today."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tracking.models import (
    Milestone,
    PolicyKind,
    ProgressUpdate,
    SupervisionPolicy,
    TrackedProject,
    TrackingAction,
    UpdateState,
)
from tracking.services.assess import assess

DAY = datetime.timedelta(days=1)


def _url(cast: Cast) -> str:
    return reverse("supervision_policy", kwargs={"body": cast.body.slug})


def _project(cast: Cast, code: str, milestone_in: int, **fields: object) -> TrackedProject:
    today = timezone.localdate()
    project = TrackedProject.objects.create(
        code=code,
        body=cast.body,
        year=2027,
        title=f"项目{code}",
        start=today - 50 * DAY,
        completion=today + 50 * DAY,
        **fields,
    )
    Milestone.objects.create(
        project=project, code="M1", title="节点", planned=today + milestone_in * DAY, weight=1
    )
    return project


@pytest.fixture
def projects(cast: Cast) -> dict[str, TrackedProject]:
    """Under the default (deadlines, N = 15): `soon` is yellow (due in 20 days is green)."""
    made = {
        "soon": _project(cast, "SOON", 10),
        "later": _project(cast, "LATER", 20),
        "own": _project(cast, "OWN", 3, policy_kind=PolicyKind.DEADLINE, warn_days=5),
    }
    ProgressUpdate.objects.create(
        project=made["later"],
        on=timezone.localdate(),
        progress=Decimal(50),
        state=UpdateState.APPROVED,
    )
    return made


def test_the_page_explains_the_policy_in_force_in_words(cast: Cast) -> None:
    page = client_for(cast.auditor).get(_url(cast)).content.decode()
    assert "按时间节点" in page and "15 天" in page  # the default, with its window
    assert 'name="kind"' not in page  # auditors read, no form


def test_asking_shows_which_projects_change_colour_and_saves_nothing(
    cast: Cast, projects: dict[str, TrackedProject]
) -> None:
    response = client_for(cast.congress).post(_url(cast), {"kind": "deadline", "warn_days": "25"})
    assert response.status_code == 200
    moves = [(m.project.code, m.before, m.after) for m in response.context["preview"].moves]
    assert moves == [("LATER", "green", "yellow")]
    page = response.content.decode()
    assert "项目LATER" in page and "项目OWN" in page  # the one with its own policy: unaffected
    assert not SupervisionPolicy.objects.exists()
    assert not ActionEntry.objects.filter(action=TrackingAction.POLICY_SET).exists()


def test_confirming_sets_the_policy_and_logs_before_and_after(
    cast: Cast, projects: dict[str, TrackedProject]
) -> None:
    response = client_for(cast.congress).post(
        _url(cast), {"confirm": "yes", "kind": "progress", "yellow": "12.5", "red": "40"}
    )
    assert response.status_code == 302
    policy = SupervisionPolicy.objects.get(body=cast.body)
    assert (policy.policy_kind, policy.yellow, policy.red) == (
        "progress",
        Decimal("12.5"),
        Decimal(40),
    )
    entry = ActionEntry.objects.get(action=TrackingAction.POLICY_SET)
    assert entry.actor == "congress"
    assert entry.detail["before"] == {"kind": "deadline", "warn_days": 15}
    assert entry.detail["after"] == {"kind": "progress", "yellow": 12.5, "red": 40.0}
    today = timezone.localdate()
    # 50 of 100 days gone, no progress: 50 points behind, red; the own policy keeps its yellow.
    assert assess(TrackedProject.objects.get(code="SOON"), today).colour == "red"
    assert assess(TrackedProject.objects.get(code="OWN"), today).colour == "yellow"
    page = client_for(cast.east_staff).get(_url(cast)).content.decode()
    assert "12.5" in page and "40" in page


def test_the_confirmation_page_names_nothing_changing_when_nothing_does(
    cast: Cast, projects: dict[str, TrackedProject]
) -> None:
    response = client_for(cast.congress).post(_url(cast), {"kind": "deadline", "warn_days": "16"})
    assert response.context["preview"].moves == []
    assert "0 个项目" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "deadline", "warn_days": "0"},
        {"kind": "deadline", "warn_days": "366"},
        {"kind": "deadline", "warn_days": ""},
        {"kind": "progress", "yellow": "0", "red": "30"},
        {"kind": "progress", "yellow": "20", "red": "10"},
        {"kind": "progress", "yellow": "10", "red": "100.1"},
        {"kind": "progress", "yellow": "10.25", "red": "30"},
        {"kind": "progress", "yellow": "10", "red": ""},
        {"kind": "weekly"},
    ],
)
def test_impossible_policies_are_refused_with_the_reason(cast: Cast, data: dict[str, str]) -> None:
    response = client_for(cast.congress).post(_url(cast), {"confirm": "yes", **data})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not SupervisionPolicy.objects.exists()


def test_yellow_may_equal_red(cast: Cast) -> None:
    data = {"confirm": "yes", "kind": "progress", "yellow": "20", "red": "20"}
    assert client_for(cast.congress).post(_url(cast), data).status_code == 302


@pytest.mark.parametrize("who", ["auditor", "east_staff"])
def test_readers_cannot_set_it(cast: Cast, who: str) -> None:
    data = {"confirm": "yes", "kind": "deadline", "warn_days": "20"}
    assert client_for(cast.by_role()[who]).post(_url(cast), data).status_code == 403
    assert not SupervisionPolicy.objects.exists()


@pytest.mark.parametrize("who", ["unit", "representative", "stranger_staff", "outsider"])
def test_units_representatives_and_strangers_are_refused(cast: Cast, who: str) -> None:
    assert client_for(cast.by_role()[who]).get(_url(cast)).status_code == 403
