"""The demo township the README's run command loads."""

import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from ballots.models import Round
from ballots.services.casting import ballot_cast
from ballots.services.rounds import round_close
from projects.models import Body, Candidate, CandidateList, Membership, Representative, Role, Status
from tracking.models import (
    ProblemReport,
    ProgressUpdate,
    SupervisionTask,
    TrackedProject,
    UpdatePhoto,
    UpdateState,
)

VAR_CARDS = settings.BASE_DIR / "var" / "demo-cards.pdf"


@pytest.fixture(autouse=True)
def _cards_pdf(tmp_path: Path) -> Path:
    return tmp_path / "cards" / "demo-cards.pdf"


def _seed(cards_pdf: Path, *args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--cards-pdf", str(cards_pdf), *args, stdout=out)
    return out.getvalue()


def _stamp(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None


@pytest.mark.django_db
def test_it_builds_a_township_with_a_published_12_to_10_style_list(_cards_pdf: Path) -> None:
    before = _stamp(VAR_CARDS)
    printed = _seed(_cards_pdf)
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
    assert len(shown) == 5 and _cards_pdf.exists() and str(_cards_pdf) in printed
    assert _stamp(VAR_CARDS) == before  # the printed demo cards of the real database stay valid


@pytest.mark.django_db
def test_running_it_again_changes_nothing(_cards_pdf: Path) -> None:
    _seed(_cards_pdf)
    counts = (Candidate.objects.count(), Representative.objects.count(), Membership.objects.count())
    _seed(_cards_pdf)
    assert (
        Candidate.objects.count(),
        Representative.objects.count(),
        Membership.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_the_cards_point_to_the_port_the_server_runs_on(
    _cards_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PORT", "8123")
    printed = _seed(_cards_pdf)
    assert "http://127.0.0.1:8123/hall/qingshan-2027-r1/" in printed
    assert "8000" not in printed
    text = subprocess.run(
        ["pdftotext", str(_cards_pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "http://127.0.0.1:8123/vote/" in text and "8000" not in text


@pytest.mark.django_db
def test_a_site_url_names_the_server_behind_a_proxy(
    _cards_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_URL", "https://renda.example.gov.cn/")
    printed = _seed(_cards_pdf)
    assert "https://renda.example.gov.cn/hall/qingshan-2027-r1/" in printed
    text = subprocess.run(
        ["pdftotext", str(_cards_pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "https://renda.example.gov.cn/vote/" in text


@pytest.mark.django_db
def test_last_years_ten_projects_are_tracked_with_plans_progress_photos_and_every_colour(
    _cards_pdf: Path,
) -> None:
    printed = _seed(_cards_pdf)
    assert "10 projects being implemented" in printed
    features = Client(HTTP_HOST="127.0.0.1").get("/api/v1/projects?year=2026").json()["features"]
    shown = [f["properties"] for f in features]
    assert len(shown) == 10 and all(f["geometry"] for f in features)
    assert {p["colour"] for p in shown} == {"red", "yellow", "green", None}
    assert {p["status"] for p in shown} == {"implementing", "paused", "completed", "rectifying"}
    assert all(p["source"] and p["unit"] and p["completion"] for p in shown)
    projects = TrackedProject.objects.filter(year=2026, parent=None)
    assert all(p.plan_set_at and p.milestones.count() == 4 for p in projects)
    assert TrackedProject.objects.filter(year=2026, parent__isnull=False).count() == 2
    assert UpdatePhoto.objects.filter(update__state=UpdateState.APPROVED).count() == 2
    assert ProgressUpdate.objects.filter(state=UpdateState.PENDING).count() == 1  # to review
    red = [p for p in shown if p["colour"] == "red"]
    assert SupervisionTask.objects.filter(project__code__in=[p["id"] for p in red]).exists()
    _seed(_cards_pdf)  # again: nothing doubles
    assert TrackedProject.objects.filter(year=2026, parent=None).count() == 10


@pytest.mark.django_db
def test_closing_this_years_demo_vote_tracks_its_selected_projects(_cards_pdf: Path) -> None:
    _seed(_cards_pdf)
    text = subprocess.run(
        ["pdftotext", str(_cards_pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    codes = sorted(set(re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}", text)))
    round_ = Round.objects.get(code="qingshan-2027-r1")
    items = list(round_.items.order_by("number").values_list("code", flat=True))
    for code in codes:  # every present representative: yes to the first ten items
        choices = {item: "yes" if n < 10 else "no" for n, item in enumerate(items)}
        ballot_cast(round_code=round_.code, code=code, choices=choices, key=None)
    round_close(round_=round_)
    made = TrackedProject.objects.filter(year=2027, source_round=round_)
    assert made.count() == 10
    assert set(made.values_list("title", flat=True)) == set(
        round_.items.filter(code__in=items[:10]).values_list("title", flat=True)
    )


@pytest.mark.django_db
def test_the_demo_year_runs_to_its_close(_cards_pdf: Path) -> None:
    """Ratings and reports, a suggestion adopted, last year's projects evaluated at this year's
    session with one sent to rectification, and the year's report public."""
    printed = _seed(_cards_pdf)
    assert "qingshan-2027-e1" in printed
    client = Client(HTTP_HOST="127.0.0.1")
    shown = [f["properties"] for f in client.get("/api/v1/projects?year=2026").json()["features"]]
    assert all(p["rating"]["count"] > 0 for p in shown)
    grades = {p["title"]: (p["evaluation"], p["status"]) for p in shown}
    assert grades["独居老人智能呼叫"] == ("dissatisfied", "rectifying")
    assert {g for g, _ in grades.values()} == {"satisfied", "dissatisfied"}
    assert SupervisionTask.objects.filter(kind="low_rating").count() == 1
    assert ProblemReport.objects.filter(state="answered").count() == 1
    adopted = Candidate.objects.get(name="青山社区口袋公园建设")
    assert adopted.status == Status.DRAFT and adopted.sources.filter(kind="resident").exists()
    assert Round.objects.get(code="qingshan-2027-r1").is_open  # this year's vote still to try
    assert client.get("/b/qingshan/report/2026/").status_code == 200
    _seed(_cards_pdf)  # again: nothing doubles
    assert Round.objects.filter(code__startswith="qingshan-2027-e").count() == 1
