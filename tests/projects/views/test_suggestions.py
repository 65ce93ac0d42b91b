"""群众提: a resident files a suggestion from a station's page and reads its state by reference
number; the station's staff adopt it as a draft candidate (the resident kept as its source) or
decline it with an answer. Bad input and bursts are refused with nothing stored."""

import re
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    ActionEntry,
    Candidate,
    CollectionAction,
    SourceKind,
    Status,
    Suggestion,
    SuggestionState,
)
from projects.services_suggestions import PER_ADDRESS, suggestion_file
from tests.conftest import Cast, client_for

pytestmark = pytest.mark.django_db
TEXT = "东区菜市场门口没有公共厕所，老人买菜很不方便，建议就近建一座。"
REFERENCE = re.compile(r"SG-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


@pytest.fixture(autouse=True)
def _empty_rate_counts() -> None:
    cache.clear()  # the cache outlives each test's rolled-back database


def station_url(cast: Cast) -> str:
    return reverse("station_page", kwargs={"pk": cast.east.pk})


def filed(cast: Cast, *, station: str = "east", name: str = "", text: str = TEXT) -> Suggestion:
    return suggestion_file(
        station=getattr(cast, station), text=text, name=name, contact="", address="10.9.9.9"
    )


def inbox(cast: Cast) -> str:
    return reverse("suggestion_inbox", kwargs={"body": cast.body.slug})


def adopt_url(cast: Cast, suggestion: Suggestion) -> str:
    return reverse("suggestion_adopt", kwargs={"body": cast.body.slug, "pk": suggestion.pk})


def decline_url(cast: Cast, suggestion: Suggestion) -> str:
    return reverse("suggestion_decline", kwargs={"body": cast.body.slug, "pk": suggestion.pk})


def status_page(suggestion: Suggestion) -> str:
    url = reverse("suggestion_status", kwargs={"reference": suggestion.reference})
    return client_for(None).get(url).content.decode()


def test_the_station_page_shows_the_station_and_a_form(cast: Cast) -> None:
    cast.east.address = "青山镇东区文化礼堂一楼"
    cast.east.save()
    page = client_for(None).get(station_url(cast)).content.decode()
    assert "东区联络站" in page and "青山镇人民代表大会" in page
    assert "青山镇东区文化礼堂一楼" in page
    assert f"为{timezone.localdate().year + 1}年度民生实事项目提建议" in page
    assert 'name="text"' in page and 'name="contact"' in page


def test_an_unknown_station_is_not_found() -> None:
    assert Client().get(reverse("station_page", kwargs={"pk": 999999})).status_code == 404


def test_a_resident_files_a_suggestion_and_is_given_its_reference(cast: Cast) -> None:
    response = client_for(None).post(
        station_url(cast),
        {"text": f"  {TEXT}\n", "name": "王阿姨", "contact": "138 0000 1234"},
        follow=True,
    )
    suggestion = Suggestion.objects.get()
    assert REFERENCE.fullmatch(suggestion.reference)
    assert (suggestion.station, suggestion.text) == (cast.east, TEXT)
    assert (suggestion.name, suggestion.contact) == ("王阿姨", "138 0000 1234")
    assert suggestion.state == SuggestionState.NEW
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"/s/suggestions/{suggestion.reference}/")
    assert f"您的回执编号是 {suggestion.reference}" in page
    assert "待处理" in page and TEXT in page
    # Who raised it and their phone stay with the station's staff.
    assert "王阿姨" not in page and "138 0000 1234" not in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"text": ""}, "请先写下您的建议。"),
        ({"text": "   \n  "}, "请先写下您的建议。"),
        ({"text": "长" * 2001}, "2000"),
        ({"text": "建议\x00修路"}, "控制字符"),
        ({"text": TEXT, "contact": "找我老王"}, "请填写数字电话号码"),
        ({"text": TEXT, "name": "王" * 61}, "60"),
        ({"text": TEXT, "name": "王\n阿姨"}, "只能填写一行"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_stored(
    cast: Cast, form: dict[str, str], message: str
) -> None:
    response = client_for(None).post(station_url(cast), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Suggestion.objects.count() == 0


def test_a_burst_from_one_address_is_throttled_and_nothing_more_is_stored(cast: Cast) -> None:
    client = client_for(None)
    for n in range(PER_ADDRESS):
        assert client.post(station_url(cast), {"text": f"建议{n}"}).status_code == 302
    refused = client.post(station_url(cast), {"text": "再来一条"})
    assert refused.status_code == 429
    page = refused.content.decode()
    assert f"每小时最多{PER_ADDRESS}条" in page and "本次未保存" in page
    assert "再来一条" in page  # what they wrote is still in the form, to send later
    assert Suggestion.objects.count() == PER_ADDRESS
    # Another address is not held back by this one.
    other = client.post(station_url(cast), {"text": "别处的建议"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302
    assert Suggestion.objects.count() == PER_ADDRESS + 1


def test_an_unknown_reference_says_so(cast: Cast) -> None:
    url = reverse("suggestion_status", kwargs={"reference": "SG-AAAA-AAAA"})
    response = client_for(None).get(url)
    assert response.status_code == 404
    assert "没有编号为“SG-AAAA-AAAA”的建议" in response.content.decode()


def test_a_reference_typed_loosely_finds_the_suggestion(cast: Cast) -> None:
    suggestion = filed(cast)
    typed = suggestion.reference.lower().replace("-", " ")
    response = client_for(None).get(station_url(cast), {"ref": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/s/suggestions/{suggestion.reference}/"


def test_station_staff_see_their_own_stations_suggestions_and_congress_staff_all(
    cast: Cast,
) -> None:
    east = filed(cast, text="东区：菜市场公厕")
    west = filed(cast, station="west", text="西区：河道护栏")
    for user, shown, hidden in (
        (cast.east_staff, [east], [west]),
        (cast.west_staff, [west], [east]),
        (cast.congress, [east, west], []),
    ):
        page = client_for(user).get(inbox(cast)).content.decode()
        assert all(s.text in page for s in shown)
        assert not any(s.text in page for s in hidden)


def test_the_inbox_shows_staff_the_residents_name_and_phone(cast: Cast) -> None:
    suggestion_file(
        station=cast.east, text=TEXT, name="王阿姨", contact="13800001234", address="10.1.1.1"
    )
    filed(cast, text="没留名字的建议")
    page = client_for(cast.east_staff).get(inbox(cast)).content.decode()
    assert "王阿姨" in page and 'href="tel:13800001234"' in page
    assert "建议人 群众" in page


def test_roles_without_a_station_have_no_inbox(cast: Cast) -> None:
    for user in (cast.auditor, cast.representative, cast.unit, cast.stranger_staff, None):
        assert client_for(user).get(inbox(cast)).status_code in (302, 403)


def test_another_stations_suggestion_is_refused(cast: Cast) -> None:
    east = filed(cast)
    west_staff = client_for(cast.west_staff)
    assert west_staff.get(adopt_url(cast, east)).status_code == 404
    posted = west_staff.post(
        adopt_url(cast, east), {"confirm": "yes", "name": "公厕", "category": "urban"}
    )
    assert posted.status_code == 404
    declined = west_staff.post(decline_url(cast, east), {"confirm": "yes", "answer": "不办"})
    assert declined.status_code == 404
    east.refresh_from_db()
    assert east.state == SuggestionState.NEW and not Candidate.objects.exists()


def test_adoption_is_asked_first_and_says_what_will_happen(cast: Cast) -> None:
    suggestion = filed(cast, name="王阿姨")
    staff = client_for(cast.east_staff)
    page = staff.get(adopt_url(cast, suggestion)).content.decode()
    next_year = timezone.localdate().year + 1
    assert f"将在东区联络站登记一个{next_year}年度候选项目草稿，建议人（王阿姨）记为来源" in page
    assert 'value="东区菜市场门口没有公共厕所' in page  # a name to start from
    # A bare POST, without the confirmation form, does nothing.
    staff.post(adopt_url(cast, suggestion), {"name": "公厕", "category": "urban"})
    assert not Candidate.objects.exists()


def test_adopting_files_a_draft_candidate_with_the_resident_as_its_source(cast: Cast) -> None:
    suggestion = filed(cast, name="王阿姨")
    response = client_for(cast.east_staff).post(
        adopt_url(cast, suggestion),
        {"confirm": "yes", "name": "东区菜市场公共厕所", "category": "urban", "answer": "已采纳"},
    )
    candidate = Candidate.objects.get()
    assert response["Location"] == reverse(
        "candidate_detail", kwargs={"body": cast.body.slug, "pk": candidate.pk}
    )
    assert candidate.status == Status.DRAFT
    assert candidate.year == timezone.localdate().year + 1
    assert (candidate.station, candidate.name, candidate.content) == (
        cast.east,
        "东区菜市场公共厕所",
        TEXT,
    )
    assert candidate.created_by == cast.east_staff
    source = candidate.sources.get()
    assert (source.kind, source.name, source.station) == (SourceKind.RESIDENT, "王阿姨", cast.east)
    assert source.raised_on == timezone.localdate(suggestion.created_at)
    assert source.note == suggestion.reference
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ADOPTED
    assert (suggestion.candidate, suggestion.handled_by) == (candidate, cast.east_staff)
    logged = ActionEntry.objects.get(action=CollectionAction.SUGGESTION_ADOPTED)
    assert logged.actor == "east" and logged.detail["candidate"] == candidate.pk
    assert logged.detail["reference"] == suggestion.reference
    page = status_page(suggestion)
    assert "已转为候选项目" in page and "已采纳" in page
    assert f"已在东区联络站登记为{candidate.year}年度候选项目" in page
    assert "东区菜市场公共厕所" not in page  # a draft's name is not public yet


def test_a_resident_who_gave_no_name_is_kept_as_the_residents(cast: Cast) -> None:
    suggestion = filed(cast)
    client_for(cast.congress).post(
        adopt_url(cast, suggestion), {"confirm": "yes", "name": "公厕", "category": "urban"}
    )
    assert Candidate.objects.get().sources.get().name == "群众"


def test_adoption_needs_a_name_and_a_category(cast: Cast) -> None:
    suggestion = filed(cast)
    response = client_for(cast.east_staff).post(
        adopt_url(cast, suggestion), {"confirm": "yes", "name": "", "category": ""}
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not Candidate.objects.exists()


def test_declining_needs_an_answer_that_the_resident_then_reads(cast: Cast) -> None:
    suggestion = filed(cast)
    staff = client_for(cast.east_staff)
    empty = staff.post(decline_url(cast, suggestion), {"confirm": "yes", "answer": "  "})
    assert "请填写群众将看到的答复" in empty.content.decode()
    answer = "该处已列入县住建局2026年公厕建设计划，不再重复立项。"
    response = staff.post(decline_url(cast, suggestion), {"confirm": "yes", "answer": answer})
    assert response["Location"] == inbox(cast)
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.answer) == (SuggestionState.DECLINED, answer)
    logged = ActionEntry.objects.get(action=CollectionAction.SUGGESTION_DECLINED)
    assert logged.detail == {
        "reference": suggestion.reference,
        "station": "东区联络站",
        "answer": answer,
    }
    page = status_page(suggestion)
    assert "不予采纳" in page and answer in page


def test_a_handled_suggestion_is_not_handled_twice(cast: Cast) -> None:
    suggestion = filed(cast)
    staff = client_for(cast.east_staff)
    staff.post(decline_url(cast, suggestion), {"confirm": "yes", "answer": "不办"})
    again = staff.post(
        adopt_url(cast, suggestion), {"confirm": "yes", "name": "公厕", "category": "urban"}
    )
    assert "这条建议已经处理过：不予采纳" in again.content.decode()
    assert not Candidate.objects.exists()
    assert ActionEntry.objects.filter(action=CollectionAction.SUGGESTION_ADOPTED).count() == 0


def test_station_staff_print_their_own_stations_sign(cast: Cast, tmp_path: Path) -> None:
    cast.east.address = "青山镇东区文化礼堂一楼"
    cast.east.save()
    url = reverse("station_sign", kwargs={"body": cast.body.slug, "pk": cast.east.pk})
    response = client_for(cast.east_staff).get(url)
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "station.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "联络站码" in text and "东区联络站" in text and "青山镇东区文化礼堂一楼" in text
    assert f"http://testserver/s/{cast.east.pk}/" in text
    assert client_for(cast.west_staff).get(url).status_code == 403
