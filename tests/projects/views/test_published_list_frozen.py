"""Once its list is published (公示), a candidate is frozen everywhere, and the admin is logged."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import ActionEntry, Candidate, CandidateSource, CollectionAction, Status
from projects.services import candidate_create
from tests.conftest import SOURCE, Cast, advance, candidate_data, client_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _url(name: str, candidate: Candidate) -> str:
    return reverse(name, kwargs={"body": candidate.body.slug, "pk": candidate.pk})


def test_a_station_cannot_add_a_source_to_a_published_candidate(
    cast: Cast, published: Candidate
) -> None:
    sources = CandidateSource.objects.count()
    source = {"kind": "representative", "name": "李代表", "raised_on": "2026-09-02"}
    page = client_for(cast.east_staff).post(
        _url("candidate_source_new", published), source, follow=True
    )
    assert CandidateSource.objects.count() == sources
    assert "清单已公示" in page.content.decode()


def test_a_station_cannot_attach_a_file_to_a_published_candidate(
    cast: Cast, published: Candidate
) -> None:
    upload = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    client_for(cast.east_staff).post(_url("attachment_new", published), {"file": upload})
    assert not published.attachments.exists()


def test_the_detail_page_offers_no_form_that_would_change_it(
    cast: Cast, published: Candidate
) -> None:
    page = client_for(cast.east_staff).get(_url("candidate_detail", published)).content.decode()
    assert _url("candidate_source_new", published) not in page
    assert _url("attachment_new", published) not in page


def test_a_next_years_proposal_cannot_be_merged_into_a_published_candidate(
    cast: Cast, published: Candidate
) -> None:
    later = candidate_create(
        actor=cast.east_staff,
        station=cast.east,
        data=candidate_data(name="明年的同类建议", year=2028),
        source=SOURCE,
    )
    advance(cast, later, Status.SUBMITTED)
    client_for(cast.congress).post(
        _url("candidate_merge", later), {"into": published.pk, "reason": "重复"}
    )
    later.refresh_from_db()
    assert later.status == Status.SUBMITTED
    assert published.sources.count() == 1


def test_the_admin_shows_a_published_candidate_but_refuses_to_change_it(
    cast: Cast, published: Candidate
) -> None:
    url = reverse("admin:projects_candidate_change", args=[published.pk])
    client = client_for(cast.congress)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "改过的名字"}).status_code == 403
    published.refresh_from_db()
    assert published.name == "溪口村饮用水管网改造"


def test_every_admin_change_enters_the_action_log(cast: Cast, draft: Candidate) -> None:
    url = reverse("admin:projects_station_change", args=[cast.east.pk])
    client_for(cast.congress).post(url, {"body": cast.body.pk, "name": "东区代表联络站"})
    entry = ActionEntry.objects.filter(body=cast.body).order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor) == (CollectionAction.ADMIN_SAVED, "congress")
    assert entry.detail["fields"] == ["name"]


def test_admin_filters_do_not_name_other_congresses(cast: Cast, draft: Candidate) -> None:
    page = client_for(cast.congress).get(reverse("admin:projects_candidate_changelist"))
    assert "河口镇人民代表大会" not in page.content.decode()
    assert "河口联络站" not in page.content.decode()


def test_the_admin_refuses_control_characters_too(cast: Cast) -> None:
    url = reverse("admin:projects_station_change", args=[cast.east.pk])
    client_for(cast.congress).post(url, {"body": cast.body.pk, "name": "东区\x07联络站"})
    cast.east.refresh_from_db()
    assert cast.east.name == "东区联络站"
