"""Three years of a congress's projects, each evaluated at the next year's session through the
real ballot services (cards, casts, close), for the annual report's tests and its browser test.

2024's evaluation, ten representatives, items naming projects (a sub-item counting for its parent):
  P-WATER   镇水务站  8 satisfied, 1 basically, 1 abstain           → satisfied,   90.0%
  P-SEWER   镇水务站  4 satisfied, 3 basically, 2 dissatisfied, 1 unmarked → basically, 70.0%
  P-SCHOOL  镇教办    2 satisfied, 2 basically, 6 dissatisfied      → dissatisfied, 40.0%
  P-ROAD-1  镇建设办  6 satisfied, 2 basically, 2 dissatisfied      → satisfied,   80.0%
  P-ROAD-2  镇交通站  5 satisfied, 4 basically, 1 dissatisfied      → basically,   90.0%
  (P-CARE, stopped, is not evaluated.)  The year: 37 of 50 valid ballots, 74.0%.
2023: Q-WATER (镇水务站) 60.0%, Q-SCHOOL (镇教办) 100.0%. 2022: R-WATER (镇水务站) 80.0%.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ballots.models import Item, Round
from ballots.services.rounds import round_close, round_create
from ballots.services.sessions import session_create
from projects.models import Body
from tests.voting import cast_ballot, open_with_cards
from tracking.models import (
    ColourChange,
    ProgressUpdate,
    ProjectStatus,
    Rating,
    TrackedProject,
    UpdateState,
)

D = datetime.date
S, B, X, A, U = "satisfied", "basically_satisfied", "dissatisfied", "abstain", None


def votes(s: int, b: int = 0, d: int = 0, a: int = 0, u: int = 0) -> list[str | None]:
    return [S] * s + [B] * b + [X] * d + [A] * a + [U] * u


@dataclass
class Years:
    body: Body
    projects: dict[str, TrackedProject]
    rounds: dict[int, Round]  # by the year evaluated


def project(
    body: Body, code: str, title: str, unit: str, year: int, **fields: Any
) -> TrackedProject:
    defaults: dict[str, Any] = {
        "start": D(year, 3, 1),
        "completion": D(year, 10, 31),
        "status": ProjectStatus.COMPLETED,
        "plan_set_at": timezone.now(),
    }
    return TrackedProject.objects.create(
        code=code, body=body, year=year, title=title, unit=unit, **{**defaults, **fields}
    )


def spent(on: D, target: TrackedProject, wan: str, progress: int = 100) -> None:
    ProgressUpdate.objects.create(
        project=target,
        on=on,
        progress=Decimal(progress),
        spent_wan=Decimal(wan),
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )


def evaluation(
    body: Body,
    year: int,
    marks: dict[str, list[str | None]],
    *,
    close: bool = True,
    code: str = "",
) -> Round:
    """An evaluation round at the next year's session, one item per project code, cast and (unless
    told not to) closed; the grades then reach the projects as the contract says (整改)."""
    seats = len(next(iter(marks.values())))
    session = session_create(
        body=body,
        code=f"S-{code or year + 1}",
        title=f"青山镇第十八届人民代表大会第{year - 2020}次会议",
        date=D(year + 1, 1, 15),
        voters=[(f"V{n:03d}", f"代表{n}") for n in range(1, seats + 1)],
    )
    round_ = round_create(
        session=session,
        code=code or f"E{year}",
        kind="evaluation",
        secrecy="secret",
        to_select=None,
        max_yes=None,
        items=[(f"I{n}", n, c, None) for n, c in enumerate(marks, start=1)],
    )
    # Named after the fact: the round's builder that sets them is another change's work.
    for n, target in enumerate(marks, start=1):
        Item.objects.filter(round=round_, code=f"I{n}").update(project_code=target)
    for index, card in enumerate(open_with_cards(round_)):
        choices = {
            f"I{n}": column[index]
            for n, column in enumerate(marks.values(), start=1)
            if column[index] is not None
        }
        cast_ballot(round_.code, card.code, choices)
    if not close:
        return round_  # cast, still open: nothing counted yet
    round_ = round_close(round_=round_)
    grades_reach_projects(round_)
    return round_


def grades_reach_projects(round_: Round) -> None:
    """What the evaluation wiring does on close, done here so these tests do not wait for it."""
    codes = dict(round_.items.values_list("code", "project_code"))
    for result in (round_.tally or {})["results"]:
        target = TrackedProject.objects.get(code=codes[result["item"]])
        target.evaluation = result["grade"]
        target.evaluated_in = round_
        if result["grade"] == X and target.status in (
            ProjectStatus.COMPLETED,
            ProjectStatus.IMPLEMENTING,
        ):
            target.status = ProjectStatus.RECTIFYING
        target.save()


def three_years(body: Body, *, close_2024: bool = True) -> Years:
    made: dict[str, TrackedProject] = {}
    made["P-WATER"] = project(
        body,
        "P-WATER",
        "溪口村饮用水管网改造",
        "镇水务站",
        2024,
        budget_wan=Decimal("320"),
        completed_on=D(2024, 10, 21),  # ten days early
    )
    spent(D(2024, 6, 30), made["P-WATER"], "100", 40)
    spent(D(2024, 10, 21), made["P-WATER"], "288")
    ProgressUpdate.objects.create(  # sent, never reviewed: not counted
        project=made["P-WATER"], on=D(2024, 11, 1), progress=100, spent_wan=Decimal("999")
    )
    for on, colour in [
        (D(2024, 3, 1), "green"),
        (D(2024, 5, 1), "yellow"),
        (D(2024, 5, 16), "green"),
        (D(2024, 10, 21), ""),
    ]:
        ColourChange.objects.create(project=made["P-WATER"], on=on, to_colour=colour)
    for rater, stars in [("a", 5), ("b", 4), ("c", 4)]:
        Rating.objects.create(project=made["P-WATER"], period="2024", rater=rater, stars=stars)
    made["P-SEWER"] = project(
        body,
        "P-SEWER",
        "镇区污水管网改造",
        "镇水务站",
        2024,
        completion=D(2024, 9, 30),
        completed_on=D(2024, 11, 9),  # forty days late
        budget_wan=Decimal("100"),
    )
    made["P-SCHOOL"] = project(
        body,
        "P-SCHOOL",
        "镇中心小学食堂改造",
        "镇教办",
        2024,
        completion=D(2024, 12, 31),
        status=ProjectStatus.IMPLEMENTING,
    )
    ColourChange.objects.create(project=made["P-SCHOOL"], on=D(2024, 12, 1), to_colour="yellow")
    made["P-CARE"] = project(
        body, "P-CARE", "老年食堂建设", "镇民政办", 2024, status=ProjectStatus.STOPPED
    )
    made["P-ROAD"] = project(
        body, "P-ROAD", "村道硬化与路灯", "镇建设办", 2024, budget_wan=Decimal("120")
    )
    for code, title, unit, wan in [
        ("P-ROAD-1", "村道硬化", "镇建设办", "40"),
        ("P-ROAD-2", "路灯安装", "镇交通站", "50"),
    ]:
        made[code] = project(body, code, title, unit, 2024, parent=made["P-ROAD"])
        spent(D(2024, 10, 1), made[code], wan)
    rounds = {
        2024: evaluation(
            body,
            2024,
            {
                "P-WATER": votes(8, 1, a=1),
                "P-SEWER": votes(4, 3, 2, u=1),
                "P-SCHOOL": votes(2, 2, 6),
                "P-ROAD-1": votes(6, 2, 2),
                "P-ROAD-2": votes(5, 4, 1),
            },
            close=close_2024,
        )
    }
    made["Q-WATER"] = project(body, "Q-WATER", "上年度供水", "镇水务站", 2023)
    made["Q-SCHOOL"] = project(body, "Q-SCHOOL", "上年度校舍", "镇教办", 2023)
    rounds[2023] = evaluation(body, 2023, {"Q-WATER": votes(6, 0, 4), "Q-SCHOOL": votes(10)})
    made["R-WATER"] = project(body, "R-WATER", "前年度供水", "镇水务站", 2022)
    rounds[2022] = evaluation(body, 2022, {"R-WATER": votes(7, 1, 2)})
    return Years(body, made, rounds)
