"""The rest of the demo year: residents rate and report, a station suggestion becomes a candidate,
the representatives evaluate last year's projects at this year's session, and the year's report.

Run after the demo's open vote exists (its session holds the evaluation round); everything goes
through the product's services, as people would do it.
"""

import hashlib
import secrets

from django.contrib.auth.models import User

from ballots.models import Round, Session
from ballots.services.cards import credentials_issue
from ballots.services.casting import ballot_cast
from ballots.services.rounds import round_close, round_open, round_publish
from projects.models import Body, Station
from projects.services_suggestions import suggestion_adopt, suggestion_file
from tracking.models import ReportState, TrackedProject
from tracking.services.evaluation import evaluation_round_build
from tracking.services.ratings import rating_submit
from tracking.services.reports import problem_report_answer, problem_report_submit

EVALUATION = "qingshan-2027-e1"
DISSATISFIED = "独居老人智能呼叫"  # red all year: the representatives send it to rectification
LOW_RATED = "公厕提升改造"  # residents' average falls below 3 stars: a follow-up task


def year_close(
    body: Body, congress: User, station_staff: User, session_code: str, year: int
) -> bool:
    """Once: ratings, reports, a suggestion adopted, the evaluation round cast and closed."""
    if Round.objects.filter(code=EVALUATION).exists():
        return False
    projects = list(
        TrackedProject.objects.filter(body=body, year=year, parent=None)
        .select_related("candidate")
        .order_by("code")
    )
    _ratings(projects)
    _reports(projects, congress)
    _suggestion(body, station_staff)
    _evaluate(Session.objects.get(code=session_code), year, projects, congress)
    return True


def _rater(n: int) -> str:
    return hashlib.sha256(f"demo-resident-{n}".encode()).hexdigest()


def _ratings(projects: list[TrackedProject]) -> None:
    comments = ["施工很规范，点赞！", "进度可以再快一点。", "希望早日完工。", ""]
    for p_index, project in enumerate(projects):
        low = project.title == LOW_RATED
        for n in range(12 if low else 6 + p_index % 5):
            stars = (1 + n % 3) if low else (5 - n % 3 if p_index % 2 else 4 + n % 2)
            comment = (
                "公厕还是很脏，没看到改造。" if low and n == 0 else comments[n % len(comments)]
            )
            rating_submit(project=project, rater=_rater(n), stars=stars, comment=comment)


def _reports(projects: list[TrackedProject], congress: User) -> None:
    by_title = {p.title: p for p in projects}
    water = by_title["下溪村供水管网延伸"]
    answered = problem_report_submit(
        project=water, text="下溪村口施工后路面没有恢复，老人出行不便。"
    )
    problem_report_answer(
        report=answered,
        actor=congress,
        state=ReportState.ANSWERED,
        answer="已责成施工单位一周内恢复路面，镇水务站负责跟踪。",
    )
    problem_report_submit(project=by_title[LOW_RATED], text="青山路公厕夜间无照明。")


def _suggestion(body: Body, station_staff: User) -> None:
    station = Station.objects.filter(body=body).order_by("pk").first()
    if station is None:
        return
    suggestion = suggestion_file(
        station=station,
        text="青山社区缺少口袋公园，老人孩子没有地方活动，建议利用拆违空地建设。",
        name="青山社区居民",
        address=f"seed-demo-{secrets.token_hex(4)}",  # not a resident's connection: no limit
    )
    suggestion_adopt(
        actor=station_staff,
        suggestion=suggestion,
        name="青山社区口袋公园建设",
        category="urban",
        answer="已转为明年候选项目，进入筛选。",
    )


def _evaluate(session: Session, year: int, projects: list[TrackedProject], congress: User) -> None:
    """58 representatives grade each project; most are satisfied, one is sent to rectification."""
    round_ = evaluation_round_build(
        session=session, year=year, projects=projects, code=EVALUATION, actor=congress
    )
    cards = credentials_issue(round_=round_, actor=congress)
    round_open(round_=round_, actor=congress)
    items = [(item.code, item.title) for item in round_.items.order_by("number")]
    for n, card in enumerate(cards):
        choices = {code: _grade(title, n) for code, title in items}
        ballot_cast(round_code=round_.code, code=card.code, choices=choices, key=None)
    round_publish(round_=round_close(round_=round_, actor=congress), actor=congress)


def _grade(title: str, voter: int) -> str:
    if DISSATISFIED in title:
        return "dissatisfied" if voter < 34 else "basically_satisfied"
    if voter % 11 == 0:
        return "abstain"
    return "satisfied" if voter % 4 else "basically_satisfied"
