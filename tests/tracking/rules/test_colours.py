"""The warning colours (三色督办) of tracking.md: each rule and edge by name, then properties."""

import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracking.rules.colours import (
    Assessment,
    Code,
    Colour,
    DeadlinePolicy,
    Milestone,
    MilestoneState,
    Policy,
    ProgressPolicy,
    ProjectFacts,
    Reason,
    Status,
    colour_on,
    expected_on,
    milestone_state,
    progress_on,
    round1,
    warning_window,
)

D = date(2025, 6, 15)  # "today" in every example
START = date(2025, 1, 1)
SEVERITY = {None: -1, Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


def day(n: int) -> date:
    return D + timedelta(days=n)


def ms(id: str, planned: date, weight: Decimal | float = 1, done: date | None = None) -> Milestone:
    return Milestone(id=id, title=f"节点{id}", planned=planned, weight=weight, done=done)


def project(
    *,
    status: str = Status.IMPLEMENTING,
    start: date = START,
    completion: date = date(2025, 12, 31),
    milestones: tuple[Milestone, ...] = (),
    updates: tuple[tuple[date, Decimal | float], ...] = (),
    urgent: bool = False,
    policy: Policy | None = None,
) -> ProjectFacts:
    return ProjectFacts(
        status=status,
        start=start,
        completion=completion,
        milestones=milestones,
        updates=updates,
        urgent=urgent,
        policy=DeadlinePolicy() if policy is None else policy,
    )


def colour(facts: ProjectFacts, d: date = D) -> Colour | None:
    return colour_on(facts, d).colour


# --- deadline policy (N = 15 by default) -------------------------------------------------------


def test_an_open_milestone_planned_yesterday_is_red() -> None:
    a = colour_on(project(milestones=(ms("m1", day(-1)),)), D)
    assert a.colour == Colour.RED
    assert a.reasons == (Reason(Code.MILESTONE_OVERDUE, "m1", 1, None),)


def test_an_open_milestone_planned_today_is_yellow_not_red() -> None:
    a = colour_on(project(milestones=(ms("m1", D),)), D)
    assert a.colour == Colour.YELLOW
    assert a.reasons == (Reason(Code.MILESTONE_DUE, "m1", 0, None),)


def test_an_open_milestone_planned_on_the_windows_last_day_is_yellow() -> None:
    a = colour_on(project(milestones=(ms("m1", day(15)),)), D)
    assert a.colour == Colour.YELLOW
    assert a.reasons == (Reason(Code.MILESTONE_DUE, "m1", 15, None),)


def test_an_open_milestone_planned_the_day_after_the_window_is_green() -> None:
    a = colour_on(project(milestones=(ms("m1", day(16)),)), D)
    assert a.colour == Colour.GREEN
    assert a.reasons == (Reason(Code.ON_TRACK, None, None, None),)


def test_a_milestone_done_on_d_counts_as_done() -> None:
    assert colour(project(milestones=(ms("m1", day(-1), done=D),))) == Colour.GREEN


def test_a_milestone_done_the_day_after_d_is_still_open_on_d() -> None:
    a = colour_on(project(milestones=(ms("m1", day(-1), done=day(1)),)), D)
    assert a.colour == Colour.RED
    assert a.reasons == (Reason(Code.MILESTONE_OVERDUE, "m1", 1, None),)


def test_a_milestone_done_late_is_done_once_it_is_done() -> None:
    late = project(milestones=(ms("m1", day(-10), done=day(-2)),))
    assert colour(late, day(-3)) == Colour.RED
    assert colour(late, day(-2)) == Colour.GREEN


def test_a_completion_before_d_is_red() -> None:
    a = colour_on(project(completion=day(-1)), D)
    assert a.colour == Colour.RED
    assert a.reasons == (Reason(Code.COMPLETION_OVERDUE, None, 1, None),)


def test_a_completion_before_d_is_red_even_with_every_milestone_done() -> None:
    facts = project(completion=day(-1), milestones=(ms("m1", day(-5), done=day(-5)),))
    assert colour(facts) == Colour.RED


def test_a_completion_today_is_yellow_not_red() -> None:
    a = colour_on(project(completion=D), D)
    assert a.colour == Colour.YELLOW
    assert a.reasons == (Reason(Code.COMPLETION_DUE, None, 0, None),)


def test_a_completion_on_the_windows_last_day_is_yellow_and_the_day_after_green() -> None:
    assert colour(project(completion=day(15))) == Colour.YELLOW
    assert colour(project(completion=day(16))) == Colour.GREEN


def test_a_project_s_own_window_replaces_the_default() -> None:
    facts = project(milestones=(ms("m1", day(4)),), policy=DeadlinePolicy(warn_days=3))
    assert colour(facts) == Colour.GREEN
    assert colour(replace(facts, policy=DeadlinePolicy(warn_days=4))) == Colour.YELLOW


def test_a_zero_day_window_warns_only_on_the_day_itself() -> None:
    policy = DeadlinePolicy(warn_days=0)
    assert colour(project(milestones=(ms("m1", D),), policy=policy)) == Colour.YELLOW
    assert colour(project(milestones=(ms("m1", day(1)),), policy=policy)) == Colour.GREEN


def test_every_reason_is_given_late_ones_first_in_planned_order() -> None:
    facts = project(
        completion=day(10),
        milestones=(
            ms("late2", day(-2)),
            ms("soon", day(3)),
            ms("late9", day(-9)),
            ms("done", day(-20), done=day(-19)),
            ms("later", day(40)),
        ),
    )
    a = colour_on(facts, D)
    assert a.colour == Colour.RED
    assert a.reasons == (
        Reason(Code.MILESTONE_OVERDUE, "late9", 9, None),
        Reason(Code.MILESTONE_OVERDUE, "late2", 2, None),
        Reason(Code.MILESTONE_DUE, "soon", 3, None),
        Reason(Code.COMPLETION_DUE, None, 10, None),
    )


def test_the_reason_codes_are_the_strings_the_django_layer_words() -> None:
    a = colour_on(project(completion=day(-3)), D)
    assert a.reasons[0].code == "completion_overdue"


# --- statuses and the urgent mark ------------------------------------------------------------


@pytest.mark.parametrize("status", ["paused", "stopped", "completed", "closed"])
def test_only_projects_being_delivered_have_a_colour(status: str) -> None:
    late = project(status=status, completion=day(-30), milestones=(ms("m1", day(-40)),))
    a = colour_on(late, D)
    assert a.colour is None
    assert a.reasons == ()
    for policy in (DeadlinePolicy(), ProgressPolicy()):
        assert colour(replace(late, policy=policy)) is None


@pytest.mark.parametrize("status", ["implementing", "rectifying"])
def test_implementing_and_rectifying_projects_have_a_colour(status: str) -> None:
    assert colour(project(status=status, milestones=(ms("m1", day(-1)),))) == Colour.RED


def test_a_project_without_a_colour_still_reports_its_numbers() -> None:
    facts = project(
        status=Status.COMPLETED,
        start=day(-50),
        completion=day(50),
        updates=((day(-1), 60.0),),
        urgent=True,
    )
    assert colour_on(facts, D) == Assessment(None, (), True, 60.0, 50.0)


def test_an_unknown_status_is_a_mistake_not_a_quiet_none() -> None:
    with pytest.raises(ValueError):
        colour_on(project(status="finished"), D)


def test_urgent_is_reported_and_never_changes_the_colour() -> None:
    for facts in (
        project(milestones=(ms("m1", day(-1)),)),
        project(milestones=(ms("m1", day(3)),)),
        project(),
    ):
        plain, urgent = colour_on(facts, D), colour_on(replace(facts, urgent=True), D)
        assert (plain.urgent, urgent.urgent) == (False, True)
        assert urgent.colour == plain.colour
        assert urgent.reasons == plain.reasons


# --- progress policy (Y = 10, R = 30 by default) ----------------------------------------------

HUNDRED = project(start=day(-50), completion=day(50), policy=ProgressPolicy())  # expected(D) = 50


def at(progress: Decimal | float, policy: ProgressPolicy | None = None) -> Assessment:
    facts = replace(HUNDRED, updates=((D, progress),), policy=policy or ProgressPolicy())
    return colour_on(facts, D)


def test_the_progress_examples_expect_half_way() -> None:
    assert expected_on(HUNDRED, D) == 50.0


def test_exactly_y_points_behind_is_yellow() -> None:
    a = at(40)
    assert a.colour == Colour.YELLOW
    assert a.reasons == (Reason(Code.BEHIND_SCHEDULE, None, None, 10.0),)


def test_a_hundredth_less_than_y_behind_is_green() -> None:
    a = at(40.01)
    assert a.colour == Colour.GREEN
    assert a.reasons == (Reason(Code.ON_TRACK, None, None, 9.99),)


def test_exactly_r_points_behind_is_yellow_not_red() -> None:
    assert at(20).colour == Colour.YELLOW


def test_a_hundredth_more_than_r_behind_is_red() -> None:
    a = at(19.99)
    assert a.colour == Colour.RED
    assert a.reasons == (Reason(Code.BEHIND_SCHEDULE, None, None, 30.01),)


def test_ahead_of_schedule_is_green_with_negative_points_behind() -> None:
    assert at(75).reasons == (Reason(Code.ON_TRACK, None, None, -25.0),)


def test_a_project_s_own_thresholds_replace_the_defaults() -> None:
    policy = ProgressPolicy(yellow=5, red=8)
    assert at(45.01, policy).colour == Colour.GREEN
    assert at(45, policy).colour == Colour.YELLOW
    assert at(42, policy).colour == Colour.YELLOW
    assert at(41.99, policy).colour == Colour.RED


def test_thresholds_compare_the_numbers_as_written_not_their_binary_neighbours() -> None:
    # In binary floats 50 - 40.1 is 9.899999999999999, which would make this green.
    assert at(40.1, ProgressPolicy(yellow=9.9, red=30)).colour == Colour.YELLOW
    assert at(Decimal("40.1"), ProgressPolicy(yellow=Decimal("9.9"), red=30)).colour == (
        Colour.YELLOW
    )


def test_thresholds_hold_where_the_schedule_is_a_repeating_decimal() -> None:
    facts = project(start=day(-1), completion=day(2), policy=ProgressPolicy())  # expected 100/3
    exactly_ten = replace(facts, updates=((D, Decimal(70) / 3),))
    assert colour(exactly_ten) == Colour.YELLOW


def test_the_progress_policy_ignores_deadlines() -> None:
    facts = replace(HUNDRED, milestones=(ms("m1", day(-1)),), updates=((D, 100.0),))
    assert colour(facts) == Colour.GREEN


# --- what is known on d: updates ---------------------------------------------------------------


def test_no_update_yet_means_progress_0() -> None:
    assert progress_on(project(), D) == 0.0
    assert progress_on(project(updates=((day(1), 40.0),)), D) == 0.0


def test_an_update_after_d_is_ignored() -> None:
    facts = project(updates=((day(-5), 30.0), (day(1), 90.0)))
    assert progress_on(facts, D) == 30.0
    assert progress_on(facts, day(1)) == 90.0


def test_the_latest_update_on_or_before_d_is_used_in_any_order() -> None:
    facts = project(updates=((day(-1), 45.0), (day(-30), 10.0), (D, 50.0), (day(-9), 20.0)))
    assert progress_on(facts, D) == 50.0
    assert progress_on(facts, day(-2)) == 20.0


def test_of_two_updates_on_one_day_the_last_handed_in_counts() -> None:
    assert progress_on(project(updates=((D, 40.0), (D, 35.0))), D) == 35.0


def test_progress_may_be_a_decimal() -> None:
    assert progress_on(project(updates=((D, Decimal("12.5")),)), D) == 12.5


def test_a_later_update_can_turn_a_colour_back() -> None:
    facts = replace(HUNDRED, updates=((day(-10), 10.0), (day(1), 60.0)))
    assert colour(facts, D) == Colour.RED
    assert colour(facts, day(1)) == Colour.GREEN


# --- expected progress (序时进度) ----------------------------------------------------------------


def test_expected_is_0_before_start_and_at_start() -> None:
    facts = project(start=day(0), completion=day(100))
    assert expected_on(facts, day(-1)) == 0.0
    assert expected_on(facts, day(-400)) == 0.0
    assert expected_on(facts, D) == 0.0


def test_expected_is_100_at_and_after_completion() -> None:
    facts = project(start=day(0), completion=day(100))
    assert expected_on(facts, day(100)) == 100.0
    assert expected_on(facts, day(101)) == 100.0
    assert expected_on(facts, day(999)) == 100.0


def test_without_milestones_expected_is_linear_from_start_to_completion() -> None:
    facts = project(start=day(0), completion=day(100))
    assert [expected_on(facts, day(n)) for n in (1, 25, 50, 99)] == [1.0, 25.0, 50.0, 99.0]


def test_at_a_milestone_date_expected_is_the_cumulative_weight_share() -> None:
    facts = project(
        start=day(0), completion=day(100), milestones=(ms("a", day(20), 1), ms("b", day(60), 3))
    )
    assert expected_on(facts, day(20)) == 25.0
    assert expected_on(facts, day(60)) == 100.0
    assert expected_on(facts, day(10)) == 12.5  # halfway from (start, 0) to (a, 25)
    assert expected_on(facts, day(40)) == 62.5  # halfway from (a, 25) to (b, 100)
    assert expected_on(facts, day(80)) == 100.0  # the last milestone owes everything


def test_milestones_on_one_date_make_one_point_with_their_cumulative_weight() -> None:
    facts = project(
        start=day(0),
        completion=day(100),
        milestones=(ms("a", day(20), 1), ms("b", day(60), 2), ms("c", day(20), 1)),
    )
    assert expected_on(facts, day(20)) == 50.0
    assert expected_on(facts, day(10)) == 25.0
    assert expected_on(facts, day(40)) == 75.0


def test_milestones_handed_in_any_order_give_the_same_curve() -> None:
    a, b, c = ms("a", day(10), 2), ms("b", day(30), 1), ms("c", day(70), 5)
    one = project(start=day(0), completion=day(100), milestones=(a, b, c))
    other = replace(one, milestones=(c, a, b))
    assert all(expected_on(one, day(n)) == expected_on(other, day(n)) for n in range(-2, 103))


def test_weights_may_be_decimals_or_floats() -> None:
    facts = project(
        start=day(0),
        completion=day(100),
        milestones=(ms("a", day(50), Decimal("0.1")), ms("b", day(100), 0.3)),
    )
    assert expected_on(facts, day(50)) == 25.0


def test_a_milestone_on_the_start_day_is_owed_on_that_day() -> None:
    # Two points on the start day, (start, 0) and (start, share): the day takes the last one.
    facts = project(
        start=day(0), completion=day(100), milestones=(ms("a", day(0), 1), ms("b", day(100), 1))
    )
    assert expected_on(facts, day(-1)) == 0.0
    assert expected_on(facts, day(0)) == 50.0
    assert expected_on(facts, day(50)) == 75.0


def test_start_equal_to_completion_is_0_before_and_100_on_and_after() -> None:
    facts = project(start=D, completion=D)
    assert [expected_on(facts, day(n)) for n in (-1, 0, 1)] == [0.0, 100.0, 100.0]


def test_facts_outside_the_window_are_clamped_into_it() -> None:
    # An early `completed` update moves the completion before a milestone's planned date.
    facts = project(
        start=day(0), completion=day(40), milestones=(ms("a", day(20), 1), ms("b", day(90), 1))
    )
    assert expected_on(facts, day(20)) == 50.0
    assert expected_on(facts, day(39)) == pytest.approx(97.5)
    assert expected_on(facts, day(40)) == 100.0
    # A completion before the start: the whole plan falls on the start day.
    backwards = project(start=day(0), completion=day(-5))
    assert [expected_on(backwards, day(n)) for n in (-6, -1, 0)] == [0.0, 0.0, 100.0]


# --- milestone states ------------------------------------------------------------------------


def test_milestone_states_on_d() -> None:
    assert milestone_state(ms("m", day(-1), done=D), D) == MilestoneState.DONE
    assert milestone_state(ms("m", day(-1), done=day(1)), D) == MilestoneState.OVERDUE
    assert milestone_state(ms("m", day(-1)), D) == MilestoneState.OVERDUE
    assert milestone_state(ms("m", D), D) == MilestoneState.DUE
    assert milestone_state(ms("m", day(15)), D) == MilestoneState.DUE
    assert milestone_state(ms("m", day(16)), D) == MilestoneState.UPCOMING
    assert milestone_state(ms("m", day(16), done=D), D) == MilestoneState.DONE
    assert milestone_state(ms("m", day(5)), D, warn_days=4) == MilestoneState.UPCOMING
    assert milestone_state(ms("m", day(5)), D) == "due"


def test_the_window_is_the_deadline_policy_s_and_else_the_default() -> None:
    assert warning_window(DeadlinePolicy(warn_days=7)) == 7
    assert warning_window(DeadlinePolicy()) == 15
    assert warning_window(ProgressPolicy(yellow=5, red=20)) == 15


# --- rounding at the API edge ------------------------------------------------------------------


def test_round1_rounds_halves_up_not_to_even() -> None:
    assert round1(0.25) == 0.3
    assert round1(0.35) == 0.4
    assert round1(2.675) == 2.7  # the float just below 2.675 still reads as 2.675
    assert round1(12.45) == 12.5
    assert round1(Decimal("12.25")) == 12.3
    assert round1(100 / 3) == 33.3
    assert round1(200 / 3) == 66.7
    assert round1(100) == 100.0


def test_round1_takes_negative_halves_away_from_zero_and_has_no_negative_zero() -> None:
    assert round1(-0.25) == -0.3
    assert math.copysign(1, round1(-0.04)) == 1.0


# --- properties --------------------------------------------------------------------------------

weights = st.one_of(
    st.integers(1, 100),
    st.decimals(Decimal("0.01"), Decimal("100"), places=2),
    st.floats(0.01, 100, allow_nan=False, allow_infinity=False),
)
percents = st.one_of(
    st.integers(0, 100),
    st.floats(0, 100, allow_nan=False, allow_infinity=False),
    st.decimals(Decimal(0), Decimal(100), places=1),
)
policies = st.one_of(
    st.builds(DeadlinePolicy, st.integers(0, 60)),
    st.builds(ProgressPolicy, st.integers(0, 40), st.integers(0, 60)),
)


@st.composite
def plans(draw: st.DrawFn, status: str = Status.IMPLEMENTING) -> ProjectFacts:
    """Facts within the plan file's rules: start <= completion, milestones inside the window."""
    start = D + timedelta(days=draw(st.integers(-400, 400)))
    span = draw(st.integers(0, 500))
    milestones = tuple(
        ms(
            f"m{n}",
            start + timedelta(days=draw(st.integers(0, span))),
            draw(weights),
            draw(st.none() | st.builds(lambda k: start + timedelta(days=k), st.integers(0, 700))),
        )
        for n in range(draw(st.integers(0, 6)))
    )
    updates = tuple(
        (start + timedelta(days=draw(st.integers(-10, 700))), draw(percents))
        for _ in range(draw(st.integers(0, 4)))
    )
    return project(
        status=status,
        start=start,
        completion=start + timedelta(days=span),
        milestones=milestones,
        updates=updates,
        urgent=draw(st.booleans()),
        policy=draw(policies),
    )


days = st.integers(-900, 900).map(day)


def expected_by_hand(facts: ProjectFacts, d: date) -> float:
    """tracking.md's words written out a second way: brute-force shares, then a walk of segments."""
    if d < facts.start:
        return 0.0
    if d >= facts.completion:
        return 100.0
    total = sum(float(m.weight) for m in facts.milestones)
    points = [(facts.start.toordinal(), 0.0)]
    for planned in sorted({m.planned for m in facts.milestones}):
        owed = sum(float(m.weight) for m in facts.milestones if m.planned <= planned)
        points.append((planned.toordinal(), 100.0 * owed / total))
    points.append((facts.completion.toordinal(), 100.0))
    x = d.toordinal()
    value = 0.0
    for (x0, y0), (x1, y1) in pairwise(points):
        if x0 <= x < x1:
            value = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return value


@given(plans(), days)
def test_expected_matches_a_recomputation_by_hand(facts: ProjectFacts, d: date) -> None:
    assert expected_on(facts, d) == pytest.approx(expected_by_hand(facts, d), abs=1e-9)


@given(plans(), days, days)
def test_expected_never_falls_and_stays_within_0_and_100(
    facts: ProjectFacts, d1: date, d2: date
) -> None:
    early, late = sorted((d1, d2))
    assert 0.0 <= expected_on(facts, early) <= expected_on(facts, late) <= 100.0


@given(plans(), days)
def test_the_assessment_reports_what_the_parts_compute(facts: ProjectFacts, d: date) -> None:
    a = colour_on(facts, d)
    assert (a.progress, a.expected, a.urgent) == (
        progress_on(facts, d),
        expected_on(facts, d),
        facts.urgent,
    )
    assert a.colour is not None and len(a.reasons) >= 1


@given(plans(), days, percents, percents)
def test_more_progress_never_makes_the_colour_worse(
    facts: ProjectFacts, d: date, p1: Decimal | float, p2: Decimal | float
) -> None:
    policy = facts.policy if isinstance(facts.policy, ProgressPolicy) else ProgressPolicy()
    less, more = sorted((p1, p2))
    worse = colour(replace(facts, policy=policy, updates=((d, less),)), d)
    better = colour(replace(facts, policy=policy, updates=((d, more),)), d)
    assert SEVERITY[better] <= SEVERITY[worse]


@given(plans(), days, st.data())
def test_marking_a_milestone_done_never_makes_the_deadline_colour_worse(
    facts: ProjectFacts, d: date, data: st.DataObject
) -> None:
    policy = facts.policy if isinstance(facts.policy, DeadlinePolicy) else DeadlinePolicy()
    before = replace(facts, policy=policy, milestones=(*facts.milestones, ms("x", d)))
    n = data.draw(st.integers(0, len(before.milestones) - 1))
    when = d - timedelta(days=data.draw(st.integers(0, 30)))
    milestones = tuple(
        replace(m, done=when) if i == n else m for i, m in enumerate(before.milestones)
    )
    after = replace(before, milestones=milestones)
    assert SEVERITY[colour(after, d)] <= SEVERITY[colour(before, d)]
    assert not any(r.milestone == before.milestones[n].id for r in colour_on(after, d).reasons)


@given(plans(), days)
def test_the_deadline_reasons_agree_with_the_milestone_states(facts: ProjectFacts, d: date) -> None:
    facts = replace(facts, policy=DeadlinePolicy(warning_window(facts.policy)))
    reasons = colour_on(facts, d).reasons
    by_state = {
        (m.id, milestone_state(m, d, warning_window(facts.policy))) for m in facts.milestones
    }
    said = {(r.milestone, r.code) for r in reasons if r.milestone is not None}
    assert said == {
        (id, Code.MILESTONE_OVERDUE if state == MilestoneState.OVERDUE else Code.MILESTONE_DUE)
        for id, state in by_state
        if state in (MilestoneState.OVERDUE, MilestoneState.DUE)
    }
    late = any(state == MilestoneState.OVERDUE for _, state in by_state) or facts.completion < d
    assert (colour(facts, d) == Colour.RED) == late


@given(plans(), days)
def test_urgent_never_changes_the_colour_or_its_reasons(facts: ProjectFacts, d: date) -> None:
    plain, urgent = (
        colour_on(replace(facts, urgent=False), d),
        colour_on(replace(facts, urgent=True), d),
    )
    assert (plain.colour, plain.reasons) == (urgent.colour, urgent.reasons)


@given(
    plans(status="paused")
    | plans(status="stopped")
    | plans(status="completed")
    | plans(status="closed"),
    days,
)
def test_projects_not_being_delivered_never_have_a_colour(facts: ProjectFacts, d: date) -> None:
    a = colour_on(facts, d)
    assert a.colour is None and a.reasons == ()


@given(plans(), st.integers(1, 2000))
def test_long_after_completion_all_done_at_100_is_green_by_progress_but_red_by_deadline(
    facts: ProjectFacts, later: int
) -> None:
    # Still `implementing` past the planned completion: the work is done, the record is not. Under a
    # deadline policy that is red until a `completed` update closes it; by schedule it is on track.
    d = facts.completion + timedelta(days=later)
    finished = replace(
        facts,
        milestones=tuple(replace(m, done=m.planned) for m in facts.milestones),
        updates=((facts.completion, 100),),
    )
    by_progress = colour_on(replace(finished, policy=ProgressPolicy()), d)
    assert (by_progress.colour, by_progress.expected, by_progress.progress) == (
        Colour.GREEN,
        100.0,
        100.0,
    )
    by_deadline = colour_on(replace(finished, policy=DeadlinePolicy()), d)
    assert by_deadline.colour == Colour.RED
    assert by_deadline.reasons == (Reason(Code.COMPLETION_OVERDUE, None, later, None),)
    assert colour(replace(finished, status=Status.COMPLETED), d) is None
