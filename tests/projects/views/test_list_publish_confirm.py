"""Publishing a candidate list asks first: how many candidates, that they freeze, and, while
proposals still await screening, a second deliberate step."""

from django.urls import reverse

from projects.models import Candidate, CandidateList, Status
from tests.conftest import Cast, advance, client_for


def _url(cast: Cast) -> str:
    return reverse("list_publish", kwargs={"body": cast.body.slug, "year": 2027})


def _published(cast: Cast) -> bool:
    return CandidateList.objects.filter(
        body=cast.body, year=2027, published_at__isnull=False
    ).exists()


def test_the_page_says_how_many_candidates_will_freeze(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE)
    page = client_for(cast.congress, "en").get(_url(cast)).content.decode()
    assert "1 candidate will be published" in page
    assert "frozen" in page
    assert 'name="acknowledge"' not in page
    assert not _published(cast)


def test_publishing_without_the_confirmation_does_nothing(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE)
    response = client_for(cast.congress, "en").post(_url(cast), {})
    assert response.status_code == 302 and response["Location"] == _url(cast)
    assert not _published(cast)
    client_for(cast.congress, "en").post(_url(cast), {"confirm": "yes"})
    assert _published(cast)


def test_proposals_awaiting_screening_need_acknowledging(cast: Cast, draft: Candidate) -> None:
    advance(cast, draft, Status.SUBMITTED, Status.SCREENED, Status.CANDIDATE)
    from projects.services import candidate_create
    from tests.conftest import SOURCE, candidate_data

    waiting = candidate_create(
        actor=cast.east_staff, station=cast.east, data=candidate_data(name="待审"), source=SOURCE
    )
    advance(cast, waiting, Status.SUBMITTED)
    client = client_for(cast.congress, "en")
    page = client.get(_url(cast)).content.decode()
    assert "1 proposal of this year still awaits screening" in page
    assert 'name="acknowledge"' in page
    client.post(_url(cast), {"confirm": "yes"})
    assert not _published(cast)
    client.post(_url(cast), {"confirm": "yes", "acknowledge": "1"})
    assert _published(cast)
