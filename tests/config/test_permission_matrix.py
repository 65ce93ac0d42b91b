"""Every URL of the app, for every role: allowed or refused, and a refused write changes nothing."""

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ballots.models import Ballot, Credential, Round, Session, Voter
from ballots.services.cards import credentials_issue
from ballots.services.rounds import round_close, round_open
from ballots.services.sessions import voters_check_in
from projects.models import (
    Attachment,
    Candidate,
    CandidateList,
    Membership,
    Representative,
    Status,
    Suggestion,
    Transition,
)
from projects.services import attachment_add, candidate_create, candidate_list_publish
from tests.conftest import SOURCE, Cast, advance, candidate_data, client_for, make_cast
from tests.voting import make_round, make_session
from tracking.models import (
    Boundary,
    GroupMember,
    LedgerEntry,
    Notification,
    PlanChange,
    ProblemReport,
    ProgressUpdate,
    Rating,
    SupervisionPolicy,
    SupervisionTask,
    TrackedProject,
    UpdatePhoto,
    UpdateState,
)
from tracking.services.ratings import throttle_reset

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALL = {
    "anonymous",
    "outsider",
    "congress",
    "east_staff",
    "west_staff",
    "auditor",
    "representative",
    "unit",
    "stranger_staff",
}
READERS = {"congress", "auditor"}
EAST_WRITERS = {"congress", "east_staff"}
STAFF = {"congress", "east_staff", "west_staff", "auditor"}


@dataclass
class World:
    cast: Cast
    published: Candidate  # on the published 2027 list, with a photo
    draft: Candidate  # east station's 2028 draft, with a photo
    submitted: Candidate  # east station's 2028 proposal awaiting screening
    listed: Candidate  # first of two on the unpublished 2028 list
    session: Session  # six on the roster, five checked in
    draft_round: Round  # cards issued, not yet open
    open_round: Round
    closed_round: Round  # counted, result not yet published

    def photo(self, candidate: Candidate) -> Attachment:
        return candidate.attachments.get()


def _file(cast: Cast, name: str, year: int) -> Candidate:
    candidate = candidate_create(
        actor=cast.east_staff,
        station=cast.east,
        data=candidate_data(name=name, year=year),
        source=SOURCE,
    )
    attachment_add(
        actor=cast.east_staff,
        candidate=candidate,
        upload=SimpleUploadedFile("site.png", PNG, content_type="image/png"),
    )
    return candidate


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture
def media_root(shared_media: Path) -> Path:
    return shared_media  # the world's photos were stored here once, for the whole module


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, shared_media: Path) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint within it (pytest-django's `db`), so no test sees another's writes."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=shared_media),
        transaction.atomic(),
    ):
        yield _build_world(make_cast())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _each_test_in_a_savepoint(db: None) -> None:
    """Requests the function-level database so every write is undone after the test."""


def _build_world(cast: Cast) -> World:
    published = advance(
        cast, _file(cast, "已公示项目", 2027), Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE
    )
    candidate_list_publish(actor=cast.congress, body=cast.body, year=2027)
    listed = [
        advance(cast, _file(cast, name, 2028), Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE)
        for name in ("候选项目", "另一候选项目")
    ]
    session = make_session(cast.body, seats=6)
    voters_check_in(session=session, codes=["V001", "V002", "V003", "V004", "V005"])
    draft_round, open_round, closed_round = (
        make_round(session, code=code) for code in ("DRAFT1", "OPEN1", "DONE1")
    )
    credentials_issue(round_=draft_round)
    round_open(round_=open_round)
    round_close(round_=round_open(round_=closed_round))
    return World(
        cast=cast,
        published=published,
        draft=_file(cast, "草稿项目", 2028),
        submitted=advance(cast, _file(cast, "待审项目", 2028), Status.SUBMITTED),
        listed=listed[0],
        session=session,
        draft_round=draft_round,
        open_round=open_round,
        closed_round=closed_round,
    )


@dataclass(frozen=True)
class Row:
    name: str
    allowed: set[str]
    kwargs: Callable[[World], dict[str, Any]]
    post: Callable[[World], dict[str, Any]] | None = None  # None: a GET
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or self.name


def body(w: World) -> dict[str, Any]:
    return {"body": w.cast.body.slug}


def on(candidate: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"body": w.cast.body.slug, "pk": getattr(w, candidate).pk}


def round_of(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"body": w.cast.body.slug, "code": getattr(w, name).code}


def public_round(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"code": getattr(w, name).code}


SESSION_FILE = json.dumps(
    {
        "session": {"id": "S-NEW", "title": "t", "body": "hill", "date": "2027-01-15"},
        "voters": [{"id": "A1", "name": "甲"}],
        "rounds": [
            {
                "id": "R-NEW",
                "kind": "selection",
                "secrecy": "secret",
                "to_select": 1,
                "max_yes_per_ballot": None,
                "items": [{"id": "P1", "number": 1, "title": "x"}],
            }
        ],
    }
).encode()


def _unit_project(w: World) -> TrackedProject:
    """A project of the cast's implementing unit (镇水务站)."""
    return TrackedProject.objects.get_or_create(
        code="T-UNIT",
        defaults={"body": w.cast.body, "year": 2027, "title": "管网改造", "unit": "镇水务站"},
    )[0]


def _pending_update(w: World) -> ProgressUpdate:
    return ProgressUpdate.objects.get_or_create(
        project=_unit_project(w), on=datetime.date(2026, 11, 1), defaults={"progress": 20}
    )[0]


def _photo(w: World, *, approved: bool) -> str:
    update = _pending_update(w)
    if approved:
        update.state = UpdateState.APPROVED
        update.save()
    return UpdatePhoto.objects.create(
        update=update, image=ContentFile(PNG, name="p.jpg"), token=f"photo-{approved}"
    ).token


def _ledgers_of(w: World) -> dict[str, Any]:
    """The unit's project, with the cast's representative in its supervision group."""
    project = _unit_project(w)
    rep = Representative.objects.filter(user=w.cast.representative).first()
    if rep is None:
        rep = Representative.objects.create(
            body=w.cast.body, code="D-MATRIX", name="李代表", user=w.cast.representative
        )
    GroupMember.objects.get_or_create(project=project, representative=rep)
    return {**body(w), "code": project.code}


def _ledger_entry(*, closed: bool) -> Callable[[World], dict[str, Any]]:
    def kwargs(w: World) -> dict[str, Any]:
        where = _ledgers_of(w)
        entry = LedgerEntry.objects.create(
            project=_unit_project(w),
            ledger="problem",
            text="占道施工",
            outcome="已整改" if closed else "",
            closed_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) if closed else None,
        )
        return {**where, "pk": entry.pk}

    return kwargs


def _open_task(w: World) -> dict[str, Any]:
    """An open follow-up task on the unit's project."""
    task = SupervisionTask.objects.get_or_create(
        project=_unit_project(w), kind="on_site", defaults={"due": datetime.date(2026, 12, 1)}
    )[0]
    return {**body(w), "pk": task.pk}


def _unread_for_everyone(w: World) -> dict[str, Any]:
    """One unread notice for each signed-in person (the inbox URL takes no arguments)."""
    users = [u for u in w.cast.by_role().values() if u is not None]
    Notification.objects.bulk_create([Notification(user=u, text="通知") for u in users])
    return {}


def _unit_plan(w: World) -> dict[str, Any]:
    return {**body(w), "code": _unit_project(w).code}


def _drafted(w: World) -> dict[str, Any]:
    """The unit's project with a draft plan that keeps the plan file's rules."""
    project = _unit_project(w)
    project.draft_plan = {
        "id": project.code,
        "start": "2027-01-01",
        "completion": "2027-12-31",
        "milestones": [{"id": "M1", "title": "开工", "planned": "2027-03-01", "weight": 1}],
    }
    project.save()
    return {**body(w), "code": project.code}


def _sub_item(w: World) -> dict[str, Any]:
    sub = TrackedProject.objects.get_or_create(
        code="T-UNIT-1",
        defaults={"body": w.cast.body, "year": 2027, "title": "一标段", "parent": _unit_project(w)},
    )[0]
    return {**body(w), "code": sub.code}


def _evaluable(w: World) -> dict[str, Any]:
    """The congress, with a 2027 project to put in an evaluation round."""
    _unit_project(w)
    return body(w)


def _completed(w: World) -> dict[str, Any]:
    """A completed project, nothing open in its rectification ledger: ready to be closed (销号)."""
    project = TrackedProject.objects.get_or_create(
        code="T-DONE",
        defaults={"body": w.cast.body, "year": 2027, "title": "村道硬化", "status": "completed"},
    )[0]
    return {**body(w), "code": project.code}


def _with_projects(w: World) -> dict[str, Any]:
    """The congress, with a 2027 project: a year of site signs to print."""
    _unit_project(w)
    return body(w)


def _station_to_file(w: World) -> dict[str, Any]:
    """The east station's page; every role files from the test client's one address, so each
    starts with an empty rate-limit count (the cache is not rolled back with the database)."""
    cache.clear()
    return {"pk": w.cast.east.pk}


def _east_suggestion(w: World) -> Suggestion:
    return Suggestion.objects.get_or_create(
        reference="SG-MTRX-EAST", defaults={"station": w.cast.east, "text": "东区缺少公共厕所"}
    )[0]


def _suggestion_at_east(w: World) -> dict[str, Any]:
    return {**body(w), "pk": _east_suggestion(w).pk}


def _annual(*, evaluated: bool) -> Callable[[World], dict[str, Any]]:
    """A year's report: 2026's projects evaluated in a closed round (public), or 2027's with no
    evaluation yet (a preview for the work area, a 404 for everyone else)."""

    def kwargs(w: World) -> dict[str, Any]:
        if not evaluated:
            _unit_project(w)
            return {**body(w), "year": 2027}
        TrackedProject.objects.get_or_create(
            code="T-ANNUAL", defaults={"body": w.cast.body, "year": 2026, "title": "上年度项目"}
        )
        round_ = make_round(
            w.session, code="EVAL-ANNUAL", items=1, to_select=None, kind="evaluation"
        )
        round_.items.update(project_code="T-ANNUAL")
        round_close(round_=round_open(round_=round_))
        return {**body(w), "year": 2026}

    return kwargs


def _voice_project(w: World) -> dict[str, Any]:
    """The public project residents rate and report on; every role posts from the test client's
    one address, so each starts with an empty rate-limit count (the cache is not rolled back)."""
    throttle_reset("127.0.0.1")
    return {
        "code": TrackedProject.objects.get_or_create(
            code="T-MATRIX", defaults={"body": w.cast.body, "year": 2027, "title": "跟踪项目"}
        )[0].code
    }


def _report_on_unit_project(w: World) -> ProblemReport:
    """A report with a photo on the unit's project, whose group the representative is in."""
    _ledgers_of(w)
    return ProblemReport.objects.get_or_create(
        reference="P-MTRX-2345",
        defaults={
            "project": _unit_project(w),
            "text": "夜间无警示灯",
            "photo": ContentFile(PNG, name="r.jpg"),
            "photo_token": "report-photo",
        },
    )[0]


def _report_at(w: World) -> dict[str, Any]:
    return {**_ledgers_of(w), "pk": _report_on_unit_project(w).pk}


def _rating_at(w: World) -> dict[str, Any]:
    rating = Rating.objects.get_or_create(
        project=_unit_project(w),
        period="2027",
        rater="f" * 64,
        defaults={"stars": 1, "comment": "骂人的话"},
    )[0]
    return {**_ledgers_of(w), "pk": rating.pk}


PLAN_FORM = {
    "unit": "镇水务站",
    "start": "2027-01-01",
    "completion": "2027-12-31",
    "action": "save",
    "m-TOTAL_FORMS": "0",
    "m-INITIAL_FORMS": "0",
    "m-MIN_NUM_FORMS": "0",
    "m-MAX_NUM_FORMS": "100",
}

MATRIX = [
    Row("home", ALL, lambda w: {}),
    Row("public_list", ALL, body),
    Row("public_candidate", ALL, on("published"), label="public_candidate:published"),
    Row("public_candidate", set(), on("draft"), label="public_candidate:draft"),
    Row(
        "attachment_file",
        ALL,
        lambda w: {**body(w), "token": w.photo(w.published).token},
        label="attachment_file:published",
    ),
    Row(
        "attachment_file",
        READERS | {"east_staff"},
        lambda w: {**body(w), "token": w.photo(w.draft).token},
        label="attachment_file:draft",
    ),
    Row("candidate_index", STAFF, body),
    Row("candidate_new", {"congress", "east_staff", "west_staff"}, body),
    Row("candidate_detail", READERS | {"east_staff"}, on("draft")),
    Row("candidate_edit", EAST_WRITERS, on("draft")),
    Row("candidate_move", EAST_WRITERS, on("draft"), post=lambda w: {"target": "submitted"}),
    Row(
        "candidate_merge",
        {"congress"},
        on("submitted"),
        post=lambda w: {"into": w.listed.pk, "reason": "重复"},
    ),
    Row(
        "candidate_source_new",
        EAST_WRITERS,
        on("draft"),
        post=lambda w: {"kind": "representative", "name": "李代表", "raised_on": "2026-09-02"},
    ),
    Row(
        "attachment_new",
        EAST_WRITERS,
        on("draft"),
        post=lambda w: {"file": SimpleUploadedFile("b.png", PNG, content_type="image/png")},
    ),
    Row("list_manage", READERS, lambda w: {**body(w), "year": 2028}),
    # Irreversible actions are asked first: a GET shows the figures, the confirmed form acts.
    Row(
        "list_publish", {"congress"}, lambda w: {**body(w), "year": 2028}, label="list_publish:ask"
    ),
    Row(
        "list_publish",
        {"congress"},
        lambda w: {**body(w), "year": 2028},
        post=lambda w: {"confirm": "yes", "acknowledge": "1"},  # one 2028 proposal awaits screening
    ),
    Row(
        "list_move",
        {"congress"},
        lambda w: {**body(w), "year": 2028, "pk": w.listed.pk},
        post=lambda w: {"direction": "down"},
    ),
    Row("candidates_export", STAFF, body),
    Row("candidates_import", {"congress", "east_staff", "west_staff"}, body),
    # Voting: the API and the tablet answer to a card, not a role; pages of the hall are public.
    Row("api_round", ALL, lambda w: {"round_code": w.open_round.code}),
    Row("api_tally", ALL, lambda w: {"round_code": w.closed_round.code}),
    Row("api_credential", set(), lambda w: {"round_code": w.open_round.code}),
    Row(
        "api_cast",
        set(),
        lambda w: {"round_code": w.open_round.code},
        post=lambda w: {"choices": {}},
    ),
    Row("vote", ALL, lambda w: {}),
    Row("hall", ALL, public_round("open_round")),
    # A closed round's result, board and bundle are public: announced in the hall as it closes.
    Row("results", ALL, public_round("closed_round")),
    Row("results", set(), public_round("open_round"), label="results:still-open"),
    Row("results_download", ALL, lambda w: {"code": w.closed_round.code, "kind": "pdf"}),
    Row("board", ALL, public_round("closed_round")),
    Row("board", set(), public_round("open_round"), label="board:still-open"),
    Row("api_audit_zip", ALL, lambda w: {"round_code": w.closed_round.code}),
    Row(
        "api_receipt", set(), lambda w: {"receipt": "0123456789abcdef"}, label="api_receipt:unknown"
    ),
    # Tracked projects: the API and each project's page are public, read-only and reviewed data.
    Row("api_projects", ALL, lambda w: {}),
    Row(
        "api_project",
        ALL,
        lambda w: {
            "code": TrackedProject.objects.get_or_create(
                code="T-MATRIX", defaults={"body": w.cast.body, "year": 2027, "title": "跟踪项目"}
            )[0].code
        },
    ),
    Row(
        "project_page",
        ALL,
        lambda w: {
            "code": TrackedProject.objects.get_or_create(
                code="T-MATRIX", defaults={"body": w.cast.body, "year": 2027, "title": "跟踪项目"}
            )[0].code
        },
    ),
    # Implementation: staff, auditors and stations read; a unit reports on its own projects only.
    Row("implementation_index", STAFF | {"unit"}, body),
    Row("project_report", {"unit"}, lambda w: {**body(w), "code": _unit_project(w).code}),
    Row(
        "project_report",
        {"unit"},
        lambda w: {**body(w), "code": _unit_project(w).code},
        post=lambda w: {"on": "2026-11-01", "progress": "30"},
        label="project_report:post",
    ),
    Row("update_review", {"congress"}, lambda w: {**body(w), "pk": _pending_update(w).pk}),
    Row(
        "update_review",
        {"congress"},
        lambda w: {**body(w), "pk": _pending_update(w).pk},
        post=lambda w: {"decision": "approve"},
        label="update_review:post",
    ),
    Row("progress_photo", STAFF | {"unit"}, lambda w: {"token": _photo(w, approved=False)}),
    Row(
        "progress_photo",
        ALL,
        lambda w: {"token": _photo(w, approved=True)},
        label="progress_photo:reviewed",
    ),
    # -- map and boundary --
    # The map and each boundary are public; stations and auditors look, congress staff upload.
    Row("map", ALL, lambda w: {}),
    Row(
        "map_boundary_json",
        ALL,
        lambda w: {
            "body": Boundary.objects.get_or_create(
                body=w.cast.body,
                defaults={"geojson": {"type": "FeatureCollection", "features": []}},
            )[0].body.slug
        },
    ),
    Row("map_boundary", STAFF, body),
    Row(
        "map_boundary",
        {"congress"},
        body,
        post=lambda w: {
            "confirm": "yes",
            "name": "hill.geojson",
            "geojson": json.dumps(
                {"type": "Polygon", "coordinates": [[[121, 29], [122, 29], [122, 30], [121, 29]]]}
            ),
        },
        label="map_boundary:store",
    ),
    # -- ranking --
    # The ranking is public, reviewed data only, like each project's page.
    Row("ranking", ALL, lambda w: {}),
    # -- supervision: dashboard, policy, tasks, groups --
    # The dashboard and the policy: the work area reads them, congress staff act.
    Row("supervision", STAFF, body),
    Row("supervision_policy", STAFF, body),
    Row(
        "supervision_policy",
        {"congress"},
        body,
        post=lambda w: {"confirm": "yes", "kind": "deadline", "warn_days": "20"},
        label="supervision_policy:set",
    ),
    Row("task_close", {"congress"}, _open_task),
    Row(
        "task_close",
        {"congress"},
        _open_task,
        post=lambda w: {"confirm": "yes", "outcome": "已现场督办"},
        label="task_close:post",
    ),
    Row("task_edit", {"congress"}, _open_task),
    Row(
        "task_edit",
        {"congress"},
        _open_task,
        post=lambda w: {"owner": "王代表", "due": "2027-01-15"},
        label="task_edit:post",
    ),
    # A project's group: the work area and the group's own members read it; staff change it.
    Row("project_group", STAFF | {"representative"}, _ledgers_of),
    Row(
        "project_group",
        {"congress"},
        _ledgers_of,
        post=lambda w: {
            "action": "add",
            "representative": Representative.objects.get_or_create(
                body=w.cast.body, code="D-GROUP", defaults={"name": "王代表"}
            )[0].pk,
        },
        label="project_group:add",
    ),
    # Everyone signed in has an inbox of their own: here each has one unread notice to mark.
    Row("notifications", ALL - {"anonymous"}, lambda w: {}),
    Row(
        "notifications",
        ALL - {"anonymous"},
        _unread_for_everyone,
        post=lambda w: {"all": "yes"},
        label="notifications:read-all",
    ),
    Row("ratings_policy", STAFF, body),
    Row(
        "ratings_policy",
        {"congress"},
        body,
        post=lambda w: {"rating_floor": "3.5", "rating_min_count": "8"},
        label="ratings_policy:set",
    ),
    # -- plans: editing, Excel uploads, changes of plan --
    # Plans: congress staff edit, publish and decide; stations and auditors read a plan, a unit
    # its own project's. Excel uploads: congress staff (each asked first: a GET row here).
    Row("plan_edit", STAFF | {"unit"}, _unit_plan),
    Row("plan_edit", {"congress"}, _unit_plan, post=lambda w: PLAN_FORM, label="plan_edit:save"),
    Row("plan_publish", {"congress"}, _drafted, label="plan_publish:ask"),
    Row("plan_publish", {"congress"}, _drafted, post=lambda w: {"confirm": "yes"}),
    Row("plan_discard", {"congress"}, _drafted, label="plan_discard:ask"),
    Row("plan_discard", {"congress"}, _drafted, post=lambda w: {"confirm": "yes"}),
    Row("sub_item_new", {"congress"}, _unit_plan, label="sub_item_new:form"),
    Row(
        "sub_item_new",
        {"congress"},
        _unit_plan,
        post=lambda w: {"title": "二标段", "unit": "镇城建办", "share": "1"},
    ),
    Row("sub_item_remove", {"congress"}, _sub_item, label="sub_item_remove:ask"),
    Row("sub_item_remove", {"congress"}, _sub_item, post=lambda w: {"confirm": "yes"}),
    Row("project_new", {"congress"}, body, label="project_new:form"),
    Row("project_new", {"congress"}, body, post=lambda w: {"title": "镇区停车场", "year": "2027"}),
    Row("projects_export", STAFF, body),
    Row("plans_import_upload", {"congress"}, body),
    Row("progress_import_upload", {"congress"}, body),
    Row("plan_change", {"congress"}, _unit_plan, label="plan_change:form"),
    Row(
        "plan_change",
        {"congress"},
        _unit_plan,
        post=lambda w: {
            "confirm": "yes",
            "kind": "pause",
            "meeting": "镇人大主席团第5次会议",
            "decided_on": "2026-11-01",
            "reason": "资金未到位",
            "notice": "暂缓实施",
        },
    ),
    # -- ledgers and circulars --
    # A project's ledgers: staff, stations, auditors, its own unit and its group read them;
    # congress staff add, close (asked first) and reopen entries.
    Row("ledgers", STAFF | {"unit", "representative"}, _ledgers_of),
    Row(
        "ledgers",
        STAFF,
        lambda w: {
            **body(w),
            "code": TrackedProject.objects.get_or_create(
                code="T-MATRIX", defaults={"body": w.cast.body, "year": 2027, "title": "跟踪项目"}
            )[0].code,
        },
        label="ledgers:not-theirs",
    ),
    Row(
        "ledgers",
        {"congress"},
        _ledgers_of,
        post=lambda w: {"ledger": "problem", "text": "占道施工"},
        label="ledgers:add",
    ),
    Row("ledger_close", {"congress"}, _ledger_entry(closed=False), label="ledger_close:ask"),
    Row(
        "ledger_close",
        {"congress"},
        _ledger_entry(closed=False),
        post=lambda w: {"confirm": "yes", "outcome": "已整改"},
    ),
    Row("ledger_reopen", {"congress"}, _ledger_entry(closed=True), post=lambda w: {}),
    # The monthly circular and the half-year summary: congress staff and auditors.
    Row("circulars", READERS, body),
    Row("circular", READERS, body),
    Row("session_index", READERS, body),
    # Each role's home; accounts and roles: congress staff run them, auditors read the list.
    Row("work_home", ALL - {"anonymous", "outsider", "stranger_staff"}, body),
    Row("account_index", READERS, body),
    Row("password_change", ALL - {"anonymous"}, lambda w: {}),  # one's own, with the old one
    Row("password_change_done", ALL - {"anonymous"}, lambda w: {}),
    Row("account_new", {"congress"}, body, label="account_new:form"),
    Row(
        "account_new",
        {"congress"},
        body,
        post=lambda w: {"username": "newcomer", "full_name": "新同事", "role": "auditor"},
    ),
    Row("account_detail", READERS, lambda w: {**body(w), "user_id": w.cast.east_staff.pk}),
    Row(
        "account_detail",
        {"congress"},
        lambda w: {**body(w), "user_id": w.cast.east_staff.pk},
        post=lambda w: {"role": "auditor"},
        label="account_detail:grant",
    ),
    Row(
        "password_reset",
        {"congress"},
        lambda w: {**body(w), "user_id": w.cast.east_staff.pk},
        label="password_reset:ask",
    ),
    Row(
        "password_reset",
        {"congress"},
        lambda w: {**body(w), "user_id": w.cast.east_staff.pk},
        post=lambda w: {"confirm": "yes"},
    ),
    Row(
        "role_revoke",
        {"congress"},
        lambda w: {**body(w), "pk": w.cast.west_staff.memberships.get().pk},
        label="role_revoke:ask",
    ),
    Row(
        "role_revoke",
        {"congress"},
        lambda w: {**body(w), "pk": w.cast.west_staff.memberships.get().pk},
        post=lambda w: {"confirm": "yes"},
    ),
    Row("action_log", READERS, body),
    Row("action_log_download", READERS, body),
    Row(
        "session_import",
        {"congress"},
        body,
        post=lambda w: {"file": SimpleUploadedFile("s.json", SESSION_FILE)},
    ),
    Row("session_detail", READERS, lambda w: {**body(w), "code": w.session.code}),
    Row(
        "session_checkin",
        {"congress"},
        lambda w: {**body(w), "code": w.session.code},
        post=lambda w: {"voter": "V006"},
    ),
    Row("session_checkin_all", {"congress"}, lambda w: {**body(w), "code": w.session.code}),
    Row(
        "session_checkin_all",
        {"congress"},
        lambda w: {**body(w), "code": w.session.code},
        post=lambda w: {"confirm": "yes"},
        label="session_checkin_all:post",
    ),
    Row(
        "session_checkin_undo",
        {"congress"},
        # A session of its own, checked in, no cards yet: the world's has cards, so no undo.
        lambda w: {
            **body(w),
            "code": (
                voters_check_in(
                    session=(s := make_session(w.cast.body, seats=1, code="UNDO")), codes=None
                ),
                s,
            )[1].code,
        },
        post=lambda w: {"voter": "V001"},
    ),
    Row(
        "round_new",
        {"congress"},
        lambda w: {**body(w), "code": w.session.code},
        post=lambda w: {"year": "2027", "secrecy": "secret", "to_select": "1"},
    ),
    Row("round_detail", READERS, round_of("draft_round")),
    Row("round_cards", {"congress"}, round_of("open_round"), label="round_cards:ask"),
    Row("round_cards", {"congress"}, round_of("open_round"), post=lambda w: {"confirm": "yes"}),
    Row("round_revoke", {"congress"}, round_of("draft_round"), post=lambda w: {"serial": "1"}),
    Row(
        "round_act",
        {"congress"},
        lambda w: {**round_of("draft_round")(w), "action": "open"},
        post=lambda w: {},
    ),
    Row(
        "round_act",
        {"congress"},
        lambda w: {**round_of("open_round")(w), "action": "close"},
        label="round_act:ask-close",
    ),
    Row(
        "round_act",
        {"congress"},
        lambda w: {**round_of("open_round")(w), "action": "close"},
        post=lambda w: {"confirm": "yes", "acknowledge": "5"},  # five present, none has voted
        label="round_act:close",
    ),
    Row(
        "round_act",
        {"congress"},
        lambda w: {**round_of("closed_round")(w), "action": "publish"},
        label="round_act:ask-publish",
    ),
    # -- evaluation and rectification --
    # Congress staff build an evaluation round (asked first) and close (销号) a project (asked
    # first); the project's unit and congress staff write its explanation and measures.
    Row("evaluation_build", {"congress"}, _evaluable, label="evaluation_build:form"),
    Row(
        "evaluation_build",
        {"congress"},
        _evaluable,
        post=lambda w: {
            "confirm": "yes",
            "session": str(w.session.pk),
            "year": "2027",
            "projects": [_unit_project(w).code],
            "code": "EVAL-MATRIX",
        },
    ),
    Row("project_close", {"congress"}, _completed, label="project_close:form"),
    Row(
        "project_close",
        {"congress"},
        _completed,
        post=lambda w: {"confirm": "yes", "verification": "现场验收合格"},
    ),
    Row("project_explanation", {"congress", "unit"}, _unit_plan),
    Row(
        "project_explanation",
        {"congress", "unit"},
        _unit_plan,
        post=lambda w: {"explanation": "受汛期影响，管网末段顺延至明年三月完工。"},
        label="project_explanation:save",
    ),
    # -- public voice: ratings, problem reports, QR signs --
    # Residents rate and report on a public project without an account; a report's status is
    # public to its reference's holder. The project's readers see ratings, reports and photos;
    # congress staff hide a comment and answer a report (each asked first).
    Row("project_rate", ALL, _voice_project, post=lambda w: {"stars": "4", "comment": "不错"}),
    Row("problem_report_new", ALL, _voice_project, post=lambda w: {"text": "夜间无警示灯"}),
    Row("report_lookup", ALL, lambda w: {}),
    Row("report_status", ALL, lambda w: {"reference": _report_on_unit_project(w).reference}),
    Row(
        "report_status",
        set(),
        lambda w: {"reference": "P-2345-6789"},
        label="report_status:unknown",
    ),
    Row(
        "report_photo",
        STAFF | {"unit", "representative"},
        lambda w: {"token": _report_on_unit_project(w).photo_token},
    ),
    Row("project_ratings", STAFF | {"unit", "representative"}, _ledgers_of),
    Row("rating_hide", {"congress"}, _rating_at, label="rating_hide:ask"),
    Row(
        "rating_hide", {"congress"}, _rating_at, post=lambda w: {"confirm": "yes", "reason": "辱骂"}
    ),
    Row("project_reports", STAFF | {"unit", "representative"}, _ledgers_of),
    Row("report_answer", {"congress"}, _report_at, label="report_answer:ask"),
    Row(
        "report_answer",
        {"congress"},
        _report_at,
        post=lambda w: {"confirm": "yes", "state": "answered", "answer": "已设置警示灯"},
    ),
    # Site signs (码上监督): congress staff print them, one project's or a whole year's.
    Row("project_signs", {"congress"}, _with_projects),
    Row("project_sign", {"congress"}, _unit_plan),
    # -- station suggestions --
    # A station's page and a suggestion's status are public (anyone may file); the inbox, adopting
    # and declining (each asked first) belong to the station's own staff and congress staff.
    Row("station_page", ALL, lambda w: {"pk": w.cast.east.pk}),
    Row(
        "station_page",
        ALL,
        _station_to_file,
        post=lambda w: {"text": "建议在东区修一座公共厕所"},
        label="station_page:file",
    ),
    Row("suggestion_status", ALL, lambda w: {"reference": _east_suggestion(w).reference}),
    Row("suggestion_inbox", {"congress", "east_staff", "west_staff"}, body),
    Row("suggestion_adopt", EAST_WRITERS, _suggestion_at_east, label="suggestion_adopt:ask"),
    Row(
        "suggestion_adopt",
        EAST_WRITERS,
        _suggestion_at_east,
        post=lambda w: {"confirm": "yes", "name": "东区公共厕所", "category": "urban"},
    ),
    Row("suggestion_decline", EAST_WRITERS, _suggestion_at_east, label="suggestion_decline:ask"),
    Row(
        "suggestion_decline",
        EAST_WRITERS,
        _suggestion_at_east,
        post=lambda w: {"confirm": "yes", "answer": "已列入镇区市政计划"},
    ),
    Row("station_sign", EAST_WRITERS, lambda w: {**body(w), "pk": w.cast.east.pk}),
    # -- annual report --
    # Public once the year's evaluation has closed; before, the work area sees a marked preview.
    Row("annual_report", ALL, _annual(evaluated=True)),
    Row("annual_report", STAFF, _annual(evaluated=False), label="annual_report:preview"),
    Row("annual_report_pdf", ALL, _annual(evaluated=True)),
    Row("annual_report_pdf", STAFF, _annual(evaluated=False), label="annual_report_pdf:preview"),
    Row("annual_report_latest", STAFF, lambda w: {"body": _annual(evaluated=False)(w)["body"]}),
]


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Round.objects.order_by("code").values_list("code", "status")),
        list(Credential.objects.order_by("pk").values_list("pk", "revoked", "used")),
        list(Voter.objects.order_by("pk").values_list("pk", "present")),
        Session.objects.count(),
        Ballot.objects.count(),
        list(Candidate.objects.order_by("pk").values_list("pk", "status", "list_position")),
        Transition.objects.count(),
        Attachment.objects.count(),
        list(CandidateList.objects.values_list("year", "published_at")),
        sum(c.sources.count() for c in Candidate.objects.all()),
        list(User.objects.order_by("pk").values_list("pk", "password")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role")),
        list(ProgressUpdate.objects.order_by("pk").values_list("pk", "state")),
        list(LedgerEntry.objects.order_by("pk").values_list("pk", "closed_at")),
        list(Boundary.objects.order_by("pk").values_list("pk", "name", "uploaded_at")),
        list(
            TrackedProject.objects.order_by("pk").values_list(
                "pk", "status", "draft_plan", "plan_set_at", "explanation"
            )
        ),
        PlanChange.objects.count(),
        list(SupervisionPolicy.objects.values_list("policy_kind", "warn_days", "yellow", "red")),
        list(SupervisionTask.objects.order_by("pk").values_list("pk", "owner", "due", "closed_at")),
        list(GroupMember.objects.order_by("pk").values_list("pk", "representative_id", "leads")),
        list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        list(Rating.objects.order_by("pk").values_list("pk", "stars", "hidden_at")),
        list(ProblemReport.objects.order_by("pk").values_list("pk", "state", "answer")),
        list(Suggestion.objects.order_by("pk").values_list("pk", "state", "answer")),
    )


def _refused(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and str(response["Location"]).startswith(reverse("login"))


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("row", MATRIX, ids=[r.id for r in MATRIX])
def test_it_allows_exactly_the_roles_in_the_matrix(world: World, row: Row, role: str) -> None:
    client = client_for(world.cast.by_role()[role])
    url = reverse(row.name, kwargs=row.kwargs(world))
    before = _snapshot()
    response = client.get(url) if row.post is None else client.post(url, row.post(world))
    if role in row.allowed:
        assert not _refused(response), f"{role} was refused {row.id}: {response.status_code}"
        assert response.status_code < 400
        if row.post is not None:
            assert _snapshot() != before, f"{role}'s {row.id} changed nothing"
    else:
        assert _refused(response), f"{role} reached {row.id}: {response.status_code}"
        assert _snapshot() == before


def _names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin",) or "i18n" in str(pattern.pattern):
                continue  # Django's own: the admin checks itself; set_language is public
            names |= _names(pattern.url_patterns)
        elif pattern.name:
            names.add(pattern.name)
    return names


def test_it_covers_every_url_of_the_app() -> None:
    covered = {row.name for row in MATRIX} | {"login", "logout"}
    assert _names(get_resolver().url_patterns) == covered


@pytest.mark.parametrize("role", ["anonymous", "east_staff", "auditor", "representative"])
def test_it_keeps_the_admin_to_congress_staff(world: World, role: str) -> None:
    response = client_for(world.cast.by_role()[role]).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_it_shows_congress_staff_only_their_own_bodys_candidates_in_the_admin(
    world: World,
) -> None:
    mine = client_for(world.cast.congress).get(reverse("admin:projects_candidate_changelist"))
    theirs = client_for(world.cast.stranger_staff).get(
        reverse("admin:projects_candidate_changelist")
    )
    assert mine.status_code == theirs.status_code == 200
    assert "草稿项目" in mine.content.decode()
    assert "草稿项目" not in theirs.content.decode()
