"""The demo township the README's run command loads."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from ballots.models import Round
from projects.models import Body, Candidate, CandidateList, Membership, Representative, Role, Status


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_builds_a_township_with_a_published_12_to_10_style_list() -> None:
    printed = _seed()
    body = Body.objects.get()
    assert body.level == "township" and body.stations.count() == 3
    assert Representative.objects.filter(body=body).count() == 60
    assert Candidate.objects.filter(body=body, status=Status.CANDIDATE).count() == 14
    assert Candidate.objects.filter(body=body, year=2028, status=Status.SUBMITTED).count() == 2
    assert CandidateList.objects.get(body=body, year=2027).is_published
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert Membership.objects.filter(role=Role.STATION_STAFF).count() == 3
    for login in ("renda", "station1", "station2", "station3", "jianpiao", "shuiwu", "daibiao1"):
        assert login in printed
    demo_round = Round.objects.get(code="qingshan-2027-r1")
    assert demo_round.is_open and demo_round.items.count() == 14
    assert demo_round.credentials.count() == 58  # two representatives are away
    shown = re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", printed)
    assert len(shown) == 5 and (settings.BASE_DIR / "var" / "demo-cards.pdf").exists()


@pytest.mark.django_db
def test_running_it_again_changes_nothing() -> None:
    _seed()
    counts = (Candidate.objects.count(), Representative.objects.count(), Membership.objects.count())
    _seed()
    assert (
        Candidate.objects.count(),
        Representative.objects.count(),
        Membership.objects.count(),
    ) == counts
