"""A final selection becomes tracked projects with nothing typed twice; its candidates settle."""

from decimal import Decimal

from django.urls import reverse

from ballots.services.rounds import round_close, round_follow_up
from projects.models import Candidate, Status
from tests.conftest import Cast, client_for
from tests.tracking.world import listed, voted
from tests.voting import cast_ballot, make_round, make_session, open_with_cards
from tracking.models import TrackedProject
from tracking.services.from_vote import projects_from_all_rounds, projects_from_round

YES_12 = {"P1": "yes", "P2": "yes"}


def test_a_final_result_makes_a_project_per_selected_item(cast: Cast) -> None:
    candidates = listed(cast, 4)
    round_ = voted(cast, candidates, [YES_12, YES_12, {"P1": "yes", "P3": "yes"}], to_select=2)
    projects = list(TrackedProject.objects.order_by("code"))
    assert [p.code for p in projects] == ["R1-P1", "R1-P2"]
    first = projects[0]
    assert first.title == "民生项目1" and first.unit == "单位1" and first.year == 2027
    assert first.budget_wan == Decimal(101) and first.latitude == Decimal("29.30")
    assert first.source_round == round_ and first.source_item == "P1"
    assert first.candidate == candidates[0] and first.status == "implementing"
    for candidate in candidates:
        candidate.refresh_from_db()
    assert [c.status for c in candidates] == [
        Status.SELECTED,
        Status.SELECTED,
        Status.RESERVE,
        Status.RESERVE,
    ]
    # Selected or not, each stays on the year's public list with its result.
    for candidate in candidates:
        url = reverse("public_candidate", kwargs={"body": cast.body.slug, "pk": candidate.pk})
        assert client_for(None).get(url).status_code == 200


def test_making_them_again_changes_nothing(cast: Cast) -> None:
    round_ = voted(cast, listed(cast, 2), [{"P1": "yes"}, {"P1": "yes"}], to_select=1)
    assert TrackedProject.objects.count() == 1
    assert projects_from_round(round_) == [] and projects_from_all_rounds() == 0
    assert TrackedProject.objects.count() == 1


def test_a_tie_waits_for_its_runoff_then_both_rounds_selections_are_tracked(cast: Cast) -> None:
    candidates = listed(cast, 3)
    # Five seats: P1 is selected outright (5 for); P2 and P3 tie for the second place (3 each).
    both = {"P1": "yes", "P2": "yes", "P3": "yes"}
    p2, p3 = {"P1": "yes", "P2": "yes"}, {"P1": "yes", "P3": "yes"}
    ballots = [p2, p2, p3, p3, both]
    first = voted(cast, candidates, ballots, to_select=2)
    assert first.tally is not None and first.tally["outcome"] == "runoff_required"
    assert not TrackedProject.objects.exists()
    assert Candidate.objects.get(pk=candidates[0].pk).status == Status.CANDIDATE
    runoff = round_follow_up(round_=first)

    second = [{"P3": "yes"}] * 3 + [{"P2": "yes"}] * 2
    for card, choices in zip(open_with_cards(runoff), second, strict=True):
        cast_ballot(runoff.code, card.code, choices)
    round_close(round_=runoff)
    projects = {p.source_item: p for p in TrackedProject.objects.all()}
    assert set(projects) == {"P1", "P3"}
    assert projects["P1"].source_round == first and projects["P3"].source_round == runoff
    statuses = [Candidate.objects.get(pk=c.pk).status for c in candidates]
    assert statuses == [Status.SELECTED, Status.RESERVE, Status.SELECTED]


def test_an_evaluation_round_makes_no_projects(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=1), kind="evaluation", to_select=None)
    assert projects_from_round(round_) == []
