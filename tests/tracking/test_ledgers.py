"""A project's three ledgers: congress staff add entries and close them with their outcome (asked
first; a mistaken closing can be undone); the unit, the supervision group, stations and auditors
read them; the implementation list counts the open entries of each."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import ActionEntry, Representative
from tests.conftest import Cast, client_for
from tracking.models import GroupMember, Ledger, LedgerEntry, TrackedProject, TrackingAction

UNIT = "镇水务站"  # the cast's implementing unit
DAY = datetime.timedelta(days=1)


def _project(cast: Cast, code: str = "T-1", unit: str = UNIT) -> TrackedProject:
    return TrackedProject.objects.create(
        code=code, body=cast.body, year=2026, title=f"溪口村管网改造{code}", unit=unit
    )


def _in_group(cast: Cast, project: TrackedProject) -> None:
    rep = Representative.objects.get_or_create(
        body=cast.body, code="D01", defaults={"name": "李代表", "user": cast.representative}
    )[0]
    GroupMember.objects.create(project=project, representative=rep)


def _url(project: TrackedProject, name: str = "ledgers", **extra: Any) -> str:
    return reverse(name, kwargs={"body": project.body.slug, "code": project.code, **extra})


def _entry(project: TrackedProject, **fields: Any) -> LedgerEntry:
    defaults: dict[str, Any] = {"ledger": Ledger.PROBLEM, "text": "施工围挡占用人行道"}
    return LedgerEntry.objects.create(project=project, **{**defaults, **fields})


def test_staff_add_an_entry_that_the_unit_the_group_and_auditors_read(cast: Cast) -> None:
    project = _project(cast)
    _in_group(cast, project)
    response = client_for(cast.congress).post(
        _url(project),
        {
            "ledger": "problem",
            "text": "施工围挡占用人行道",
            "owner": "镇城建办",
            "due": "2026-12-20",
        },
    )
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry.pk}")
    assert (entry.owner, entry.due, entry.created_by) == (
        "镇城建办",
        datetime.date(2026, 12, 20),
        cast.congress,
    )
    logged = ActionEntry.objects.get(action=TrackingAction.LEDGER_ENTRY_ADDED)
    assert logged.subject == project.code and logged.detail["ledger"] == "problem"
    for reader in (cast.unit, cast.representative, cast.auditor, cast.east_staff, cast.congress):
        page = client_for(reader).get(_url(project)).content.decode()
        assert "施工围挡占用人行道" in page and "镇城建办" in page and "2026年12月20日" in page
        assert "问题清单" in page and "责任清单" in page and "整改清单" in page


def test_an_open_entry_past_its_due_day_is_marked_overdue(cast: Cast) -> None:
    project = _project(cast)
    today = timezone.localdate()
    _entry(project, text="逾期未整改", due=today - DAY)
    _entry(project, text="今天到期", due=today)
    _entry(project, text="已办结", due=today - DAY, outcome="已恢复通行", closed_at=timezone.now())
    page = client_for(cast.auditor).get(_url(project)).content.decode()
    assert page.count("entry-overdue") == 1 and page.count("已逾期") == 1
    overdue = re.search(r'class="ledger-entry entry-overdue">.*?</li>', page, re.S)
    assert overdue and "逾期未整改" in overdue[0]
    assert "已恢复通行" in page  # a closed entry shows its outcome


def test_closing_asks_first_and_needs_an_outcome(cast: Cast) -> None:
    project = _project(cast)
    entry = _entry(project)
    staff = client_for(cast.congress)
    url = _url(project, "ledger_close", pk=entry.pk)
    ask = staff.get(url).content.decode()
    assert "施工围挡占用人行道" in ask and "销号将记录办理结果" in ask
    assert staff.post(url, {"outcome": "已恢复通行"}).status_code == 302  # not confirmed
    entry.refresh_from_db()
    assert entry.closed_at is None
    empty = staff.post(url, {"confirm": "yes", "outcome": "  "})
    assert empty.status_code == 400 and "这个字段是必填项" in empty.content.decode()
    entry.refresh_from_db()
    assert entry.closed_at is None and not ActionEntry.objects.filter(
        action=TrackingAction.LEDGER_ENTRY_CLOSED
    )
    staff.post(url, {"confirm": "yes", "outcome": "围挡已后移，人行道恢复通行"})
    entry.refresh_from_db()
    assert entry.closed_at is not None and entry.outcome == "围挡已后移，人行道恢复通行"
    logged = ActionEntry.objects.get(action=TrackingAction.LEDGER_ENTRY_CLOSED)
    assert logged.detail["outcome"] == "围挡已后移，人行道恢复通行"
    page = client_for(cast.unit).get(_url(project)).content.decode()
    assert "围挡已后移，人行道恢复通行" in page and "已销号" in page


def test_a_closing_made_by_mistake_is_undone_and_the_log_keeps_its_outcome(cast: Cast) -> None:
    project = _project(cast)
    entry = _entry(project, outcome="误填的结果", closed_at=timezone.now())
    response = client_for(cast.congress).post(_url(project, "ledger_reopen", pk=entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.closed_at is None and entry.outcome == ""
    logged = ActionEntry.objects.get(action=TrackingAction.LEDGER_ENTRY_CLOSED)
    assert logged.detail == {
        "ledger": "problem",
        "entry": entry.pk,
        "reopened": True,
        "outcome": "误填的结果",
    }
    page = client_for(cast.congress).get(_url(project)).content.decode()
    assert "误填的结果" not in page and "填写结果并销号" in page


@pytest.mark.parametrize("role", ["unit", "representative", "auditor", "east_staff"])
def test_readers_cannot_add_close_or_reopen(cast: Cast, role: str) -> None:
    project = _project(cast)
    _in_group(cast, project)
    open_entry = _entry(project)
    closed = _entry(project, outcome="已办结", closed_at=timezone.now())
    client = client_for(getattr(cast, role))
    page = client.get(_url(project)).content.decode()
    assert "添加事项" not in page and "撤销销号" not in page and "填写结果并销号" not in page
    assert client.post(_url(project), {"ledger": "problem", "text": "x"}).status_code == 403
    close = _url(project, "ledger_close", pk=open_entry.pk)
    assert client.post(close, {"confirm": "yes", "outcome": "x"}).status_code == 403
    assert client.post(_url(project, "ledger_reopen", pk=closed.pk)).status_code == 403
    assert LedgerEntry.objects.count() == 2 and LedgerEntry.objects.filter(closed_at=None).count()
    assert not ActionEntry.objects.filter(action__startswith="ledger_")


def test_people_outside_the_project_are_refused(cast: Cast) -> None:
    theirs = _project(cast, code="T-2", unit="镇交通办")  # another unit's; no group
    for user in (cast.unit, cast.representative, cast.stranger_staff, cast.outsider):
        assert client_for(user).get(_url(theirs)).status_code == 403
    anonymous = client_for(None).get(_url(theirs))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    mine = _project(cast)
    assert client_for(cast.unit).get(_url(mine)).status_code == 200
    unknown = reverse("ledgers", kwargs={"body": cast.body.slug, "code": "NO-SUCH"})
    assert client_for(cast.congress).get(unknown).status_code == 404


def test_the_implementation_list_counts_open_entries_per_ledger(cast: Cast) -> None:
    first = _project(cast, code="T-1")
    _entry(first)
    _entry(first, text="第二个问题")
    _entry(first, ledger=Ledger.RECTIFICATION, text="整改事项")
    _entry(first, ledger=Ledger.RECTIFICATION, text="已办", closed_at=timezone.now(), outcome="好")
    staff = client_for(cast.congress)
    url = reverse("implementation_index", kwargs={"body": cast.body.slug})
    with CaptureQueriesContext(connection) as one:
        page = staff.get(url).content.decode()
    assert "清单未销号：问题 2 · 责任 0 · 整改 1" in page
    for n in range(2, 6):
        _entry(_project(cast, code=f"T-{n}"), ledger=Ledger.RESPONSIBILITY)
    with CaptureQueriesContext(connection) as five:
        page = staff.get(url).content.decode()
    assert page.count("清单未销号：问题 0 · 责任 1 · 整改 0") == 4
    assert len(five) == len(one)  # counted in the list's own query, not one per project
