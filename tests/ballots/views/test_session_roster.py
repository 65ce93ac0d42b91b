"""A session from the staff page, with its roster from Excel: a bad file or row stores nothing."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ballots.models import Session, Voter
from tests import workbooks
from tests.conftest import Cast, client_for

HEADER = ["代表编号", "姓名"]


def _create(cast: Cast, roster: bytes | None = None, lang: str = "en", **fields: str) -> Any:
    data: dict[str, Any] = {"title": "第三次会议", "date": "2027-01-15", "rules_text": "", **fields}
    if roster is not None:
        data["roster"] = SimpleUploadedFile("roster.xlsx", roster)
    return client_for(cast.congress, language=lang).post(
        reverse("session_index", kwargs={"body": cast.body.slug}), data
    )


def test_a_good_roster_seats_its_representatives(cast: Cast) -> None:
    response = _create(cast, workbooks.workbook(HEADER, ["V001", "张三"], ["V002", "李四"]))
    assert response.status_code == 302
    assert list(Voter.objects.values_list("code", "name")) == [("V001", "张三"), ("V002", "李四")]


@pytest.mark.parametrize("kind", sorted(workbooks.BROKEN_FILE_MESSAGES))
def test_a_broken_or_protected_roster_is_refused_with_its_reason(cast: Cast, kind: str) -> None:
    good = workbooks.workbook(HEADER, ["V001", "张三"])
    response = _create(cast, workbooks.broken_files(good)[kind])
    page = response.content.decode()
    assert response.status_code == 200
    assert workbooks.BROKEN_FILE_MESSAGES[kind] in page
    assert Session.objects.count() == Voter.objects.count() == 0


def test_a_roster_zip_bomb_is_refused(cast: Cast) -> None:
    good = workbooks.workbook(HEADER, ["V001", "张三"])
    xml = workbooks.sheet_xml(good)
    bomb = workbooks.rezip(
        good, replace={"xl/worksheets/sheet1.xml": xml.replace("张三".encode(), b"A" * 25_000_000)}
    )
    response = _create(cast, bomb)
    assert "The workbook unpacks to more than 20.0\xa0MB" in response.content.decode()
    assert Session.objects.count() == Voter.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("张\x85三", "Row 3: This text contains an invisible control character (U+0085)"),
        ("张\n三", "Row 3: This must be a single line"),
        ("长" * 61, "Row 3: the name is longer than 60 characters."),
    ],
)
def test_a_bad_name_on_the_roster_is_refused_with_its_row(
    cast: Cast, name: str, message: str
) -> None:
    response = _create(cast, workbooks.workbook(HEADER, ["V001", "李四"], ["V002", name]))
    assert message in response.content.decode()
    assert Session.objects.count() == Voter.objects.count() == 0


def test_too_many_representatives_are_refused(cast: Cast, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 2
    rows = [[f"V00{n}", f"代表{n}"] for n in range(3)]
    response = _create(cast, workbooks.workbook(HEADER, *rows))
    assert (
        "The sheet has more than 2 rows; split it into several files." in response.content.decode()
    )
    assert Session.objects.count() == 0


def test_an_oversized_roster_is_refused_by_the_form(cast: Cast, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    response = _create(cast, b"PK" + bytes(5000))
    assert "the limit is 2.0\xa0KB." in response.content.decode()
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "第三次\x1b会议", "This text contains an invisible control character (U+001B)"),
        ("rules_text", "第一条\x07", "This text contains an invisible control character (U+0007)"),
    ],
)
def test_a_control_character_in_the_session_form_is_refused(
    cast: Cast, field: str, value: str, message: str
) -> None:
    response = _create(cast, None, **{field: value})
    assert message in response.content.decode()
    assert Session.objects.count() == 0


def test_the_voting_rules_keep_their_line_breaks(cast: Cast) -> None:
    response = _create(cast, rules_text="第一条 ……\r\n第二条 ……")
    assert response.status_code == 302
    assert Session.objects.get().rules_text == "第一条 ……\r\n第二条 ……"
