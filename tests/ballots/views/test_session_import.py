"""A session file is imported only into the congress in the URL; the command line names one."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from ballots.models import Round, Session
from projects.models import ActionEntry, Body
from tests.ballots.commands.test_session_commands import session_file, write
from tests.conftest import Cast, client_for


def _upload(cast: Cast, named: str) -> str:
    data = session_file(session={"id": "S9", "title": "会议", "body": named, "date": "2027-01-15"})
    upload = SimpleUploadedFile("s.json", json.dumps(data, ensure_ascii=False).encode())
    answer = client_for(cast.congress).post(
        reverse("session_import", kwargs={"body": cast.body.slug}), {"file": upload}, follow=True
    )
    return answer.content.decode()


def test_a_file_naming_another_congress_writes_nothing_there(cast: Cast) -> None:
    river = Body.objects.get(slug="river")
    page = _upload(cast, river.name)
    assert "只导入到它所写明的人大" in page
    assert not Session.objects.exists() and not Round.objects.exists()
    assert not ActionEntry.objects.filter(body=river).exists()


def test_a_file_naming_an_unknown_congress_creates_none(cast: Cast) -> None:
    bodies = Body.objects.count()
    page = _upload(cast, "不存在的人民代表大会")
    assert "只导入到它所写明的人大" in page
    assert Body.objects.count() == bodies and not Session.objects.exists()


def test_the_congress_in_the_url_gets_its_own_file_by_name_or_code(cast: Cast) -> None:
    _upload(cast, cast.body.slug)
    assert Session.objects.get().body == cast.body


def test_the_command_line_refuses_a_congress_that_does_not_exist(
    cast: Cast, tmp_path: Path
) -> None:
    bodies = Body.objects.count()
    data = session_file(session={"id": "S9", "title": "会议", "body": "新镇", "date": "2027-01-15"})
    with pytest.raises(CommandError, match="No congress is named"):
        call_command("import_session", str(write(tmp_path, data)))
    assert Body.objects.count() == bodies and not Session.objects.exists()
