"""tracking_sweep: colour changes recorded once, each new red or yellow a task and its notices."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from projects.models import ActionEntry, Level, Representative
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import (
    ColourChange,
    GroupMember,
    Milestone,
    Notification,
    ProgressUpdate,
    SupervisionTask,
    TaskKind,
    TrackedProject,
    UpdateState,
)
from tracking.rules.colours import Assessment, Code, Reason
from tracking.services import sweep as sweep_module
from tracking.services.assess import assess as assess_project
from tracking.services.assess import reason_words
from tracking.services.sweep import (
    ON_SITE_DAYS,
    SPECIAL_REPORT_DAYS,
    SweepReport,
    sweep,
)

FEB_20 = datetime.date(2027, 2, 20)  # the milestone is due in 9 days: yellow
MAR_02 = datetime.date(2027, 3, 2)  # the milestone is a day overdue: red
MAR_06 = datetime.date(2027, 3, 6)


def project(cast: Cast, code: str = "P-1", title: str = "", **fields: object) -> TrackedProject:
    """Planned for 2027 with one milestone on 1 March, not done."""
    made = TrackedProject.objects.create(
        code=code,
        body=cast.body,
        year=2027,
        title=title or f"项目{code}",
        unit="镇水务站",
        start=datetime.date(2027, 1, 1),
        completion=datetime.date(2027, 12, 31),
        **fields,
    )
    Milestone.objects.create(
        project=made,
        code="M1",
        title="管网开挖",
        planned=datetime.date(2027, 3, 1),
        weight=Decimal(1),
    )
    return made


def with_group(cast: Cast, tracked: TrackedProject) -> Representative:
    """A supervision group led by the cast's representative, signed in as cast.representative."""
    leader = Representative.objects.create(
        body=cast.body, code="D01", name="李代表", user=cast.representative
    )
    other = Representative.objects.create(body=cast.body, code="D02", name="王代表")  # no account
    GroupMember.objects.create(project=tracked, representative=leader, leads=True)
    GroupMember.objects.create(project=tracked, representative=other)
    return leader


@pytest.fixture
def addresses(cast: Cast) -> Cast:
    for user, email in [(cast.representative, "rep@example.cn"), (cast.congress, "rd@example.cn")]:
        user.email = email
        user.save()
    return cast


def counts() -> tuple[int, int, int, int]:
    return (
        ColourChange.objects.count(),
        SupervisionTask.objects.count(),
        Notification.objects.count(),
        ActionEntry.objects.filter(action="colours_swept").count(),
    )


def test_a_milestone_due_soon_is_recorded_yellow_with_on_site_supervision_and_notices(
    addresses: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    cast = addresses
    tracked = project(cast)
    with_group(cast, tracked)
    report = sweep(FEB_20)
    assert report.assessed == 1 and report.changes == {"yellow": 1}
    assert report.tasks == 1 and report.notifications == 2 and report.emails == 2
    change = ColourChange.objects.get()
    assert (change.project, change.on, change.from_colour, change.to_colour) == (
        tracked,
        FEB_20,
        "",
        "yellow",
    )
    with translation.override(settings.LANGUAGE_CODE):
        words = reason_words(Reason(Code.MILESTONE_DUE, "M1", 9, None), {"M1": "管网开挖"})
    assert change.reasons == [
        {"code": "milestone_due", "milestone": "M1", "days": 9, "points": None, "text": words}
    ]
    task = SupervisionTask.objects.get()
    assert task.change == change and task.kind == "on_site" and task.project == tracked
    assert task.owner == "李代表" and task.due == FEB_20 + datetime.timedelta(days=ON_SITE_DAYS)
    assert task.outcome == "" and task.closed_at is None
    # The group's user and the congress's staff; not other roles, not another congress's staff.
    notified = {n.user for n in Notification.objects.all()}
    assert notified == {cast.representative, cast.congress}
    notice = Notification.objects.first()
    assert notice is not None and notice.project == tracked
    assert tracked.title in notice.text and words in notice.text and "现场督办" in notice.text
    assert sorted(m.to[0] for m in mailoutbox) == ["rd@example.cn", "rep@example.cn"]
    assert all(len(m.to) == 1 for m in mailoutbox)
    message = mailoutbox[0]
    assert tracked.title in message.subject and cast.body.name in message.subject
    assert words in message.body and "2027-03-07" in message.body and "李代表" in message.body
    entry = ActionEntry.objects.get(action="colours_swept")
    assert entry.body == cast.body and entry.subject == "2027-02-20" and entry.actor == "manage.py"
    assert entry.detail == {
        "on": "2027-02-20",
        "red": 0,
        "yellow": 1,
        "green": 0,
        "none": 0,
        "tasks": 1,
        "notifications": 2,
    }


def test_the_same_day_again_adds_nothing(
    addresses: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    with_group(addresses, project(addresses))
    sweep(FEB_20)
    before, sent = counts(), len(mailoutbox)
    report = sweep(FEB_20)
    assert counts() == before and len(mailoutbox) == sent
    assert report.assessed == 1 and report.changed() == 0 and report.notifications == 0
    # A later day with the same colour adds nothing either.
    sweep(FEB_20 + datetime.timedelta(days=3))
    assert counts() == before and len(mailoutbox) == sent


def test_overdue_turns_red_with_a_special_report_then_done_turns_green_without_a_task(
    addresses: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    cast = addresses
    tracked = project(cast)
    with_group(cast, tracked)
    sweep(FEB_20)
    mailoutbox.clear()
    report = sweep(MAR_02)
    assert report.changes == {"red": 1} and report.tasks == 1 and report.notifications == 2
    red = ColourChange.objects.get(on=MAR_02)
    assert (red.from_colour, red.to_colour) == ("yellow", "red")
    assert [r["code"] for r in red.reasons] == ["milestone_overdue"]
    assert red.reasons[0]["days"] == 1
    task = SupervisionTask.objects.get(change=red)
    assert task.kind == "special_report"
    assert task.due == MAR_02 + datetime.timedelta(days=SPECIAL_REPORT_DAYS)
    # A township congress has no standing committee: its presidium hears the report.
    assert task.owner.startswith(cast.body.name) and task.owner != cast.body.name
    assert Notification.objects.filter(text__contains="常委会专题听取汇报").count() == 2
    assert len(mailoutbox) == 2

    Milestone.objects.filter(project=tracked).update(done=datetime.date(2027, 3, 5))
    ProgressUpdate.objects.create(
        project=tracked, on=datetime.date(2027, 3, 5), progress=Decimal(30), state="approved"
    )
    before = Notification.objects.count()
    mailoutbox.clear()
    report = sweep(MAR_06)
    assert report.changes == {"green": 1} and report.tasks == 0 and report.notifications == 0
    green = ColourChange.objects.get(on=MAR_06)
    assert (green.from_colour, green.to_colour) == ("red", "green")
    assert [r["code"] for r in green.reasons] == ["on_track"]
    assert not SupervisionTask.objects.filter(change=green).exists()
    assert Notification.objects.count() == before and mailoutbox == []
    history = list(
        ColourChange.objects.filter(project=tracked).values_list("from_colour", "to_colour")
    )
    assert history == [("", "yellow"), ("yellow", "red"), ("red", "green")]


def test_a_pending_update_does_not_count(cast: Cast) -> None:
    tracked = project(cast, policy_kind="progress")
    ProgressUpdate.objects.create(
        project=tracked, on=datetime.date(2027, 3, 1), progress=Decimal(100), state="pending"
    )
    sweep(datetime.date(2027, 7, 1))  # the schedule says 100 by now; nothing reviewed: far behind
    assert ColourChange.objects.get().to_colour == "red"
    ProgressUpdate.objects.update(state=UpdateState.APPROVED, reviewed_at=timezone.now())
    sweep(datetime.date(2027, 7, 2))
    assert ColourChange.objects.get(on=datetime.date(2027, 7, 2)).to_colour == "green"


def test_a_paused_project_is_recorded_without_a_colour_and_calls_for_nothing(
    addresses: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    tracked = project(addresses, status="paused")
    with_group(addresses, tracked)
    report = sweep(MAR_02)
    assert report.changes == {"none": 1} and report.tasks == 0 and report.notifications == 0
    change = ColourChange.objects.get()
    assert (change.from_colour, change.to_colour, change.reasons) == ("", "", [])
    assert not SupervisionTask.objects.exists() and not Notification.objects.exists()
    assert mailoutbox == []
    assert ActionEntry.objects.get(action="colours_swept").detail["none"] == 1
    before = counts()
    sweep(MAR_02)
    sweep(MAR_06)
    assert counts() == before
    # Implementing again: the colour it has now is a change, from no colour.
    TrackedProject.objects.filter(pk=tracked.pk).update(status="implementing")
    sweep(MAR_06)
    latest = ColourChange.objects.order_by("pk").last()
    assert latest is not None and (latest.from_colour, latest.to_colour) == ("", "red")
    assert SupervisionTask.objects.get().change == latest


def test_without_a_group_only_the_staff_are_told_and_they_own_the_visit(
    addresses: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    project(addresses)
    sweep(FEB_20)
    assert [n.user for n in Notification.objects.all()] == [addresses.congress]
    assert [m.to for m in mailoutbox] == [["rd@example.cn"]]
    assert SupervisionTask.objects.get().owner == "人大工作人员"  # the role's name


def test_a_group_without_a_leader_owns_the_visit_as_a_group_and_no_address_no_email(
    cast: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    tracked = project(cast)
    with_group(cast, tracked)
    GroupMember.objects.update(leads=False)
    sweep(FEB_20)
    assert SupervisionTask.objects.get().owner not in {"李代表", ""}
    assert Notification.objects.count() == 2 and mailoutbox == []  # nobody has an address


def test_a_county_s_special_report_goes_to_its_standing_committee(cast: Cast) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        presidium = sweep_module._owner(cast.body, TaskKind.SPECIAL_REPORT, [])
    cast.body.level = Level.COUNTY
    cast.body.save()
    project(cast)
    sweep(MAR_02)
    owner = SupervisionTask.objects.get().owner
    assert owner.startswith(cast.body.name) and owner not in {cast.body.name, presidium}


def test_an_earlier_day_never_rewrites_the_history_after_it(cast: Cast) -> None:
    tracked = project(cast)
    sweep(MAR_02)
    report = sweep(FEB_20)  # someone re-runs an earlier day
    assert report.skipped == 1 and report.changed() == 0
    assert list(ColourChange.objects.values_list("on", "to_colour")) == [(MAR_02, "red")]
    # A project never seen before is recorded on that day: its first sight.
    newcomer = project(cast, code="P-2")
    report = sweep(FEB_20)
    assert report.skipped == 1 and report.changes == {"yellow": 1}
    assert ColourChange.objects.get(project=newcomer).on == FEB_20
    assert ColourChange.objects.filter(project=tracked).count() == 1


def test_two_sweeps_at_once_record_a_change_once(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's read is only a hint: under the project's lock the rows are read again."""
    project(cast)
    sweep(MAR_02)
    stale = sweep_module._batch_facts

    def as_read_before_the_other_sweep_wrote(
        projects: list[TrackedProject],
    ) -> sweep_module._Batch:
        facts = stale(projects)
        facts.last.clear()
        return facts

    monkeypatch.setattr(sweep_module, "_batch_facts", as_read_before_the_other_sweep_wrote)
    report = sweep(MAR_02)
    assert report.changed() == 0 and ColourChange.objects.count() == 1
    assert SupervisionTask.objects.count() == 1
    report = sweep(FEB_20)
    assert report.skipped == 1 and ColourChange.objects.count() == 1


def test_one_failing_project_does_not_stop_the_others(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken, fine = project(cast, code="P-1"), project(cast, code="P-2")
    real = assess_project

    def assess(tracked: TrackedProject, on: datetime.date) -> Assessment:
        if tracked.pk == broken.pk:
            raise RuntimeError("bad data")
        return real(tracked, on)

    monkeypatch.setattr("tracking.services.sweep.assess", assess)
    report = sweep(MAR_02)
    assert report.failed == 1 and report.changes == {"red": 1}
    assert list(ColourChange.objects.values_list("project", flat=True)) == [fine.pk]
    assert "P-1" in caplog.text
    # A failure while writing rolls back that project alone.
    monkeypatch.setattr("tracking.services.sweep.assess", real)

    def no_task(**_kwargs: object) -> None:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(SupervisionTask.objects, "create", no_task)
    report = sweep(MAR_02)
    assert report.failed == 1
    assert not ColourChange.objects.filter(project=broken).exists()
    monkeypatch.undo()
    assert sweep(MAR_02).changes == {"red": 1}
    assert ColourChange.objects.filter(project=broken).count() == 1


def test_a_mail_server_down_keeps_the_notices(
    addresses: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(addresses)

    def down(*_args: object, **_kwargs: object) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr("tracking.services.sweep.send_mass_mail", down)
    report = sweep(FEB_20)
    assert report.emails == 0 and report.emails_failed == 1 and report.failed == 0
    assert Notification.objects.count() == 1


def test_projects_of_rounds_closed_before_tracking_are_made_first(cast: Cast) -> None:
    voted(cast, listed(cast, 2), [{"P1": "yes"}, {"P1": "yes"}], to_select=1)
    TrackedProject.objects.all().delete()  # as if the round closed before tracking existed
    report = sweep(MAR_02)
    assert report.projects_made == 1 and report.assessed == 1
    assert ColourChange.objects.get().project.code == "R1-P1"


def test_queries_do_not_grow_with_the_projects(cast: Cast) -> None:
    def run(how_many: int, start: int) -> int:
        for n in range(start, start + how_many):
            tracked = project(cast, code=f"Q-{n}")
            with_group_member(cast, tracked, n)
            ProgressUpdate.objects.create(
                project=tracked, on=FEB_20, progress=Decimal(1), state="approved"
            )
        sweep(FEB_20)  # the first sight of each: written
        with CaptureQueriesContext(connection) as queries:
            sweep(FEB_20)  # nothing changed: read only
        return len(queries)

    few = run(2, 0)
    assert run(6, 2) == few


def with_group_member(cast: Cast, tracked: TrackedProject, n: int) -> None:
    member = Representative.objects.create(body=cast.body, code=f"R{n}", name=f"代表{n}")
    GroupMember.objects.create(project=tracked, representative=member, leads=True)


def test_the_command_prints_a_summary_and_refuses_a_bad_date(
    addresses: Cast, mailoutbox: list[mail.EmailMessage]
) -> None:
    with_group(addresses, project(addresses))
    out = StringIO()
    call_command("tracking_sweep", "--on", "2027-02-20", stdout=out)
    printed = out.getvalue().splitlines()
    assert "2027-02-20" in printed[0] and len(printed) == 5 and len(mailoutbox) == 2
    assert printed[1].count("1") == 1 and printed[3].count("1") == 1  # assessed, tasks
    assert "2" in printed[4]  # notices in the app and by email
    assert ColourChange.objects.get().on == FEB_20
    again = StringIO()
    call_command("tracking_sweep", "--on", "2027-02-20", stdout=again)
    assert ColourChange.objects.count() == 1 and len(mailoutbox) == 2
    for bad in ["2027-02-30", "20270220", "2027/02/20", "tomorrow"]:
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("tracking_sweep", "--on", bad)
    assert ColourChange.objects.count() == 1


def test_the_command_sweeps_today_by_default_and_fails_loudly_after_a_failure(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(cast)
    call_command("tracking_sweep", stdout=StringIO())
    assert ColourChange.objects.get().on == timezone.localdate()

    def broken(on: datetime.date) -> SweepReport:
        return SweepReport(on=on, failed=1)

    monkeypatch.setattr("tracking.management.commands.tracking_sweep.sweep", broken)
    with pytest.raises(CommandError, match="1"):
        call_command("tracking_sweep", "--on", "2027-03-02", stdout=StringIO())
