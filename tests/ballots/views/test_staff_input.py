"""Staff pages given what a browser, a script or an attacker may send: a clear refusal, never a
crash, and nothing changed."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ballots.models import Round, Session, Voter
from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tests.voting import make_round, make_session


def _check_in(cast: Cast, voter: str, htmx: bool = True, client: Client | None = None) -> object:
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return (client or client_for(cast.congress, language="en")).post(
        reverse("session_checkin", kwargs={"body": cast.body.slug, "code": "S1"}),
        {"voter": voter},
        **headers,
    )


def test_htmx_check_in_of_a_voter_swaps_the_row(cast: Cast) -> None:
    make_session(cast.body)
    response = _check_in(cast, "V001")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert 'id="voter-V001"' in response.content.decode()  # type: ignore[attr-defined]
    assert Voter.objects.get(code="V001").present


@pytest.mark.parametrize("voter", ["NOPE", "V001\n", "V00\x00", "V001 ", "长" * 100])
def test_htmx_check_in_of_an_unknown_voter_is_refused_and_changes_nothing(
    cast: Cast, voter: str
) -> None:
    make_session(cast.body)
    entries = ActionEntry.objects.count()
    staff = client_for(cast.congress, language="en")
    response = _check_in(cast, voter, client=staff)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response["HX-Refresh"] == "true"  # type: ignore[index]  # the page shows the message
    assert "roster" in response.content.decode()  # type: ignore[attr-defined]
    assert not Voter.objects.filter(present=True).exists()
    assert ActionEntry.objects.count() == entries
    page = staff.get(reverse("session_detail", kwargs={"body": cast.body.slug, "code": "S1"}))
    assert "roster" in page.content.decode()  # the flashed message, after htmx reloads


def test_plain_check_in_of_an_unknown_voter_is_a_message(cast: Cast) -> None:
    make_session(cast.body)
    response = _check_in(cast, "V00\x00", htmx=False)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert not Voter.objects.filter(present=True).exists()


def _import(cast: Cast, content: bytes) -> str:
    upload = SimpleUploadedFile("s.json", content)
    answer = client_for(cast.congress, language="en").post(
        reverse("session_import", kwargs={"body": cast.body.slug}), {"file": upload}, follow=True
    )
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
        (b'{"session": ' + b"9" * 5_000 + b"}", "number"),
        (b'{"session": {}, "session": {}}', "twice"),
        (b"\xff", "UTF-8"),
    ],
    ids=["nested", "long-number", "repeated-key", "not-utf8"],
)
def test_a_pathological_session_file_is_a_message_and_stores_nothing(
    cast: Cast, content: bytes, words: str
) -> None:
    assert words in _import(cast, content)
    assert Session.objects.count() == Round.objects.count() == Voter.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "/work/hill/sessions/%00/",
        "/work/hill/sessions/S1%0A/",
        "/work/hill/rounds/%00/",
        "/work/hill/rounds/R1%0A/",
        "/hall/%00/",
        "/results/%00/",
        "/board/R1%0A/",
        "/results/R1%0A/result.pdf",
    ],
)
def test_a_code_in_a_page_address_that_is_not_one_is_not_found(cast: Cast, path: str) -> None:
    make_round(make_session(cast.body))
    assert client_for(cast.congress).get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/work/hill/rounds/%00/open/",
        "/work/hill/rounds/R1%0A/close/",
        "/work/hill/sessions/%00/checkin/",
    ],
)
def test_a_code_in_an_action_address_that_is_not_one_is_not_found(cast: Cast, path: str) -> None:
    make_round(make_session(cast.body))
    assert client_for(cast.congress).post(path).status_code == 404
    assert Round.objects.get().status == "draft"


def test_the_public_pages_need_no_sign_in_for_this(cast: Cast) -> None:
    assert Client().get("/board/%00/").status_code == 404


def test_htmx_check_in_of_everyone_with_a_stray_voter_field_is_not_a_crash(cast: Cast) -> None:
    make_session(cast.body)
    response = client_for(cast.congress).post(
        reverse("session_checkin", kwargs={"body": cast.body.slug, "code": "S1"}),
        {"voter": "NOPE", "all": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 302  # to the page that asks first: nobody checked in yet
    assert not Voter.objects.filter(present=True).exists()
