"""码上提: a resident reports a problem with text and a photo; it enters the project's problems
ledger, the resident gets a reference number to check the state and the answer; staff answer."""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from projects.models import ActionEntry, Representative
from tests.conftest import Cast, client_for
from tracking.models import (
    GroupMember,
    Ledger,
    LedgerEntry,
    ProblemReport,
    ReportState,
    TrackedProject,
    TrackingAction,
)
from tracking.rules.ratings import RateLimit
from tracking.services import ratings as ratings_service
from tracking.services.ratings import throttle_reset
from tracking.services.reports import REFERENCE, reference_new, reference_normalised

ADDRESSES = ("127.0.0.1", "10.0.0.9", "10.0.0.10")


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    for address in ADDRESSES:
        throttle_reset(address)
    yield
    for address in ADDRESSES:
        throttle_reset(address)


def _project(cast: Cast, code: str = "T-1", **fields: Any) -> TrackedProject:
    return TrackedProject.objects.create(
        code=code,
        body=cast.body,
        year=2027,
        title=f"溪口村管网改造{code}",
        unit="镇水务站",
        **fields,
    )


def _photo(
    size: tuple[int, int] = (3000, 2000), fmt: str = "JPEG", name: str = "site.jpg"
) -> SimpleUploadedFile:
    """A photo taken sideways (EXIF orientation 6) by a camera that writes its make."""
    image = Image.new("RGB", size, "#7a9cc6")
    exif = image.getexif()
    exif[0x010F] = "CameraMaker"
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes()) if fmt == "JPEG" else image.save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def _report(
    client: Client,
    project: TrackedProject,
    text: str = "管道开挖后未回填，夜间无警示灯",
    **files: Any,
) -> Any:
    url = reverse("problem_report_new", kwargs={"code": project.code})
    return client.post(url, {"text": text, **files})


def _text(response: Any) -> str:
    return str(response.content.decode())


def _nothing_stored(media: Path) -> bool:
    files = [p for p in media.rglob("*") if p.is_file()]
    return ProblemReport.objects.count() == 0 and LedgerEntry.objects.count() == 0 and not files


def test_a_report_with_a_photo_gets_a_reference_and_enters_the_problems_ledger(
    cast: Cast,
) -> None:
    project = _project(cast)
    browser = Client()
    response = _report(browser, project, photo=_photo())
    report = ProblemReport.objects.get()
    assert REFERENCE.fullmatch(report.reference)
    assert response.status_code == 302
    assert response["Location"] == reverse("report_status", kwargs={"reference": report.reference})
    page = _text(browser.get(response["Location"]))
    assert report.reference in page and "请记下编号" in page and "已受理" in page
    assert "管道开挖后未回填" in page
    entry = report.entry
    assert entry is not None
    assert (entry.project, entry.ledger, entry.owner, entry.created_by) == (
        project,
        Ledger.PROBLEM,
        "",
        None,
    )
    assert entry.text == f"[{report.reference}] 管道开挖后未回填，夜间无警示灯"
    ledger = _text(
        client_for(cast.congress).get(
            reverse("ledgers", kwargs={"body": "hill", "code": project.code})
        )
    )
    assert report.reference in ledger


def test_the_photo_is_upright_resized_without_exif_and_only_for_those_who_follow(
    cast: Cast,
) -> None:
    project = _project(cast)
    _report(Client(), project, photo=_photo())
    report = ProblemReport.objects.get()
    with Image.open(report.photo.path) as stored:
        assert stored.format == "JPEG" and stored.size == (1067, 1600)  # turned upright
        assert dict(stored.getexif()) == {}
    url = reverse("report_photo", kwargs={"token": report.photo_token})
    for user in (cast.congress, cast.auditor, cast.east_staff, cast.unit):
        assert client_for(user).get(url).status_code == 200
    for stranger in (None, cast.outsider, cast.stranger_staff):
        assert client_for(stranger).get(url).status_code == 404
    status = _text(Client().get(reverse("report_status", kwargs={"reference": report.reference})))
    assert url not in status and "照片" in status


def test_a_report_without_a_photo_is_taken_too(cast: Cast) -> None:
    project = _project(cast)
    assert _report(Client(), project).status_code == 302
    assert ProblemReport.objects.get().photo == ""


@pytest.mark.parametrize(
    ("text", "upload", "message"),
    [
        ("", None, "请描述问题"),
        ("   \n ", None, "请描述问题"),
        ("坏" * 10_000, None, "2000"),
        ("占道", "text", "不是照片"),
        ("占道", "gif", "JPEG"),
        ("占道", "huge", "文件过大"),
        ("占道", "empty", "空文件"),
    ],
    ids=["empty", "blank", "10000-characters", "not-an-image", "gif", "oversized", "empty-file"],
)
def test_bad_reports_are_refused_clearly_and_nothing_is_stored(
    cast: Cast, media_root: Path, settings: Any, text: str, upload: str | None, message: str
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 200_000
    project = _project(cast)
    files: dict[str, Any] = {}
    if upload == "text":
        files["photo"] = SimpleUploadedFile("site.jpg", b"not a photo at all", "image/jpeg")
    elif upload == "gif":
        files["photo"] = _photo((40, 40), "GIF", "site.gif")
    elif upload == "huge":
        files["photo"] = SimpleUploadedFile("site.jpg", b"\xff\xd8" + b"0" * 300_000, "image/jpeg")
    elif upload == "empty":
        files["photo"] = SimpleUploadedFile("site.jpg", b"", "image/jpeg")
    response = _report(Client(), project, text, **files)
    assert response.status_code == 400
    assert message in _text(response) and "未保存任何内容" in _text(response)
    assert _nothing_stored(media_root)


def test_a_sub_item_or_an_unknown_project_takes_no_report(cast: Cast, media_root: Path) -> None:
    parent = _project(cast)
    sub = _project(cast, "T-1-1", parent=parent)
    for code in (sub.code, "T-404"):
        response = Client().post(
            reverse("problem_report_new", kwargs={"code": code}), {"text": "占道"}
        )
        assert response.status_code == 404
    assert _nothing_stored(media_root)


def test_a_burst_of_reports_from_one_address_is_throttled_and_stores_nothing_more(
    cast: Cast, settings: Any
) -> None:
    settings.VOICE_RATE_LIMIT = 2
    project = _project(cast)
    browser = Client(REMOTE_ADDR="10.0.0.9")
    assert [_report(browser, project).status_code for _n in range(2)] == [302, 302]
    refused = _report(browser, project, "第三条", photo=_photo((200, 100)))
    assert refused.status_code == 429 and re.search(r"请在 \d+ 分钟后再试", _text(refused))
    assert ProblemReport.objects.count() == 2 and LedgerEntry.objects.count() == 2
    assert _report(Client(REMOTE_ADDR="10.0.0.10"), project).status_code == 302


def test_an_unknown_reference_is_a_clear_404_with_no_data(cast: Cast) -> None:
    project = _project(cast)
    _report(Client(), project, "只有提交人能看到的内容")
    for typed in ("P-2345-6789", "nonsense", "P-0000-0000"):
        response = Client().get(reverse("report_status", kwargs={"reference": typed}))
        page = _text(response)
        assert response.status_code == 404
        assert "找不到编号为" in page and "只有提交人能看到的内容" not in page
        assert project.title not in page


def test_a_reference_typed_loosely_still_finds_the_report(cast: Cast) -> None:
    project = _project(cast)
    _report(Client(), project)
    reference = ProblemReport.objects.get().reference
    loose = reference.lower().replace("-", " ")
    looked_up = Client().get(reverse("report_lookup"), {"reference": loose})
    assert looked_up.status_code == 302
    assert looked_up["Location"] == reverse("report_status", kwargs={"reference": reference})
    typed = Client().get(reverse("report_status", kwargs={"reference": reference.lower()}))
    assert typed.status_code == 302 and typed["Location"].endswith(f"/{reference}/")


def test_references_are_short_readable_and_drawn_at_random() -> None:
    drawn = {reference_new() for _n in range(2000)}
    assert len(drawn) == 2000
    for reference in drawn:
        assert REFERENCE.fullmatch(reference) and not re.search("[01ILO]", reference)
        assert reference_normalised(reference.lower().replace("-", "")) == reference


def test_lookups_in_vain_from_one_address_are_rate_limited(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratings_service, "LOOKUP_LIMIT", RateLimit(2, 600))
    url = reverse("report_status", kwargs={"reference": "P-2345-6789"})
    browser = Client(REMOTE_ADDR="10.0.0.9")
    assert [browser.get(url).status_code for _n in range(3)] == [404, 404, 429]


def _answer_url(report: ProblemReport) -> str:
    return reverse(
        "report_answer",
        kwargs={"body": report.project.body.slug, "code": report.project.code, "pk": report.pk},
    )


def test_staff_answer_a_report_after_confirming_and_the_resident_reads_it(cast: Cast) -> None:
    project = _project(cast)
    _report(Client(), project, photo=_photo((400, 300)))
    report = ProblemReport.objects.get()
    staff = client_for(cast.congress)
    listed = _text(
        staff.get(reverse("project_reports", kwargs={"body": "hill", "code": project.code}))
    )
    assert report.reference in listed and report.photo_token in listed
    ask = _text(staff.get(_answer_url(report)))
    assert "立即向持有编号的群众公开" in ask and 'name="confirm" value="yes"' in ask
    answer = {"state": "answered", "answer": "已督促施工单位当晚回填并设置警示灯。"}
    staff.post(_answer_url(report), answer)  # not confirmed: nothing happens
    assert ProblemReport.objects.get().state == ReportState.RECEIVED
    response = staff.post(_answer_url(report), {**answer, "confirm": "yes"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.answered_by) == (ReportState.ANSWERED, cast.congress)
    status = _text(Client().get(reverse("report_status", kwargs={"reference": report.reference})))
    assert "已答复" in status and "已督促施工单位当晚回填并设置警示灯" in status
    logged = ActionEntry.objects.get(action=TrackingAction.REPORT_ANSWERED)
    assert logged.subject == project.code and logged.detail["report"] == report.reference
    assert logged.detail["report_state"] == ["received", "answered"]
    assert report.entry is not None and report.entry.closed_at is None  # the ledger follows it


NOT_OURS = "不属于本项目建设内容，已转交镇文化站。"


def test_not_taken_up_closes_the_ledger_entry_with_the_answer(cast: Cast) -> None:
    project = _project(cast)
    _report(Client(), project, "希望增加健身器材")
    report = ProblemReport.objects.get()
    client_for(cast.congress).post(
        _answer_url(report),
        {
            "confirm": "yes",
            "state": "dismissed",
            "answer": "不属于本项目建设内容，已转交镇文化站。",
        },
    )
    entry = LedgerEntry.objects.get()
    assert entry.closed_at is not None and entry.outcome == "不属于本项目建设内容，已转交镇文化站。"
    assert "不予采纳" in _text(
        Client().get(reverse("report_status", kwargs={"reference": report.reference}))
    )


def test_an_answer_is_required_and_only_congress_staff_may_answer(cast: Cast) -> None:
    project = _project(cast)
    _report(Client(), project)
    report = ProblemReport.objects.get()
    empty = client_for(cast.congress).post(
        _answer_url(report), {"confirm": "yes", "state": "answered", "answer": ""}
    )
    assert empty.status_code == 400 and "这个字段是必填项" in _text(empty)
    rep = Representative.objects.create(
        body=cast.body, code="D01", name="李代表", user=cast.representative
    )
    GroupMember.objects.create(project=project, representative=rep)
    reports = reverse("project_reports", kwargs={"body": "hill", "code": project.code})
    for reader in (cast.unit, cast.representative, cast.auditor, cast.east_staff):
        assert client_for(reader).get(reports).status_code == 200
        client_for(reader).post(
            _answer_url(report), {"confirm": "yes", "state": "answered", "answer": "x"}
        )
    assert client_for(cast.outsider).get(reports).status_code == 403
    assert client_for(cast.stranger_staff).get(reports).status_code == 403
    assert ProblemReport.objects.get().state == ReportState.RECEIVED
