"""Last year in the demo township: a closed vote whose ten selected projects are being implemented.

Everything goes through the product's own services (the vote is cast and closed, plans and progress
are imported, a unit's update is reviewed, the sweep runs), so the demo shows what a real year
leaves behind. Plan dates are set around the day the demo is made, so its colours stay spread out
(red, yellow, green, a paused and a completed project) whenever someone tries it.
"""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from ballots.models import Round, Session
from ballots.rules.terms import Secrecy
from ballots.services.cards import credentials_issue
from ballots.services.casting import ballot_cast
from ballots.services.rounds import round_close, round_create_from_list, round_open, round_publish
from ballots.services.sessions import session_create, voters_check_in
from projects.models import (
    Body,
    Candidate,
    CandidateList,
    CandidateSource,
    SourceKind,
    Station,
    Status,
)
from tracking.models import (
    GroupMember,
    Ledger,
    LedgerEntry,
    PlanChangeKind,
    TrackedProject,
)
from tracking.plan_file import check_plans
from tracking.progress_file import check_progress
from tracking.services.boundary import boundary_upload
from tracking.services.plan_changes import plan_change_record
from tracking.services.plans import plans_import
from tracking.services.progress import progress_import
from tracking.services.sweep import sweep
from tracking.services.updates import update_post, update_review

LAST_YEAR = 2026
SESSION = "qingshan-2026"
ROUND = "qingshan-2026-r1"
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """One of last year's candidates and, if selected, how its implementation has gone."""

    name: str
    category: str
    unit: str
    amount: str  # 万元
    station: int
    lat: float
    lng: float
    yes: int  # of the 58 present; 31 is a majority of the 60 seated
    months: int  # planned length, ending this many months after the plan's start
    shape: str  # red, yellow, green, ahead, paused, completed; "" for one not selected


PLANS = [
    Plan("下溪村供水管网延伸", "environment", "镇水务站", "260", 1, 29.301, 121.418, 55, 11, "red"),
    Plan(
        "青山社区老旧小区改造", "housing", "镇城建办", "420", 0, 29.2912, 121.4322, 53, 12, "yellow"
    ),
    Plan("镇敬老院消防提升", "elderly", "镇民政办", "68", 0, 29.2925, 121.428, 52, 9, "completed"),
    Plan("梅林幼儿园扩班", "education", "镇教育办", "180", 2, 29.2855, 121.4395, 50, 12, "green"),
    Plan("溪口村道路硬化", "transport", "镇交通办", "150", 1, 29.2978, 121.4201, 49, 10, "ahead"),
    Plan("镇卫生院智慧药房", "health", "镇卫生院", "85", 0, 29.2918, 121.4268, 47, 10, "green"),
    Plan("公厕提升改造", "urban", "镇城建办", "96", 2, 29.2868, 121.4372, 45, 11, "yellow"),
    Plan("文化礼堂数字影院", "culture", "镇文化站", "40", 1, 29.2962, 121.4222, 42, 10, "paused"),
    Plan("集贸市场雨棚", "urban", "镇市场监管所", "55", 2, 29.2881, 121.4355, 40, 11, "green"),
    Plan("独居老人智能呼叫", "elderly", "镇民政办", "30", 0, 29.2908, 121.4302, 38, 12, "red"),
    Plan("山塘水库除险加固", "environment", "镇水务站", "380", 1, 29.31, 121.405, 27, 12, ""),
    Plan("镇区共享单车投放", "transport", "镇交通办", "25", 0, 29.2899, 121.4318, 20, 12, ""),
]

# The congress's area, drawn on the map when no tile source is set (a simplified outline).
BOUNDARY = {
    "type": "Feature",
    "properties": {"name": "青山镇"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [121.398, 29.279],
                [121.421, 29.276],
                [121.447, 29.281],
                [121.452, 29.294],
                [121.441, 29.309],
                [121.418, 29.316],
                [121.401, 29.311],
                [121.394, 29.296],
                [121.398, 29.279],
            ]
        ],
    },
}


def last_year(body: Body, congress: User, unit: User) -> bool:
    """Make last year's vote and its tracked projects once; False when they already exist."""
    if Session.objects.filter(code=SESSION).exists():
        return False
    today = timezone.localdate()
    stations = list(Station.objects.filter(body=body).order_by("pk"))
    _candidates(body, stations, congress)
    round_ = _vote(body, congress)
    projects = {
        p.candidate.name: p
        for p in TrackedProject.objects.filter(source_round=round_).select_related("candidate")
        if p.candidate is not None
    }
    chosen = [(plan, projects[plan.name]) for plan in PLANS if plan.shape]
    _plans(chosen, today, congress)
    _progress(chosen, today, congress)
    _unit_updates(projects[PLANS[0].name], today, unit, congress)
    _pause(projects[PLANS[7].name], congress)
    _groups(body, [project for _plan, project in chosen])
    _ledgers(projects[PLANS[0].name], congress)
    boundary_upload(body=body, actor=congress, name="qingshan.geojson", geojson=BOUNDARY)
    for days_ago in (60, 30, 0):  # a colour history, as a daily cron would have left it
        sweep(today - days_ago * DAY)
    return True


def _candidates(body: Body, stations: list[Station], congress: User) -> None:
    for position, plan in enumerate(PLANS, start=1):
        station = stations[plan.station]
        candidate = Candidate.objects.create(
            body=body,
            station=station,
            year=LAST_YEAR,
            name=plan.name,
            category=plan.category,
            background=f"{station.name}收集的群众建议，经代表走访核实。",
            content=f"{plan.name}：{plan.unit}实施，计划投资{plan.amount}万元。",
            implementing_unit=plan.unit,
            investment_wan=Decimal(plan.amount),
            funding_source="镇级财政",
            feasibility="已完成现场踏勘，用地和资金有保障。",
            address=station.address,
            latitude=Decimal(str(plan.lat)),
            longitude=Decimal(str(plan.lng)),
            status=Status.CANDIDATE,
            list_position=position,
            created_by=congress,
        )
        CandidateSource.objects.create(
            candidate=candidate,
            kind=SourceKind.RESIDENT,
            name="群众来信来访",
            raised_on=datetime.date(LAST_YEAR - 1, 9, 12),
            station=station,
        )
    CandidateList.objects.create(
        body=body, year=LAST_YEAR, published_at=timezone.now(), published_by=congress
    )


def _vote(body: Body, congress: User) -> Round:
    """Last January's session: 58 of 60 present, the first ten items pass, two fail."""
    session = session_create(
        body=body,
        code=SESSION,
        title="青山镇第十八届人民代表大会第二次会议",
        date=datetime.date(LAST_YEAR, 1, 14),
        rules_text=(
            "对 12 个候选项目逐项票决，应选 10 个；获全体代表过半数赞成票的项目按得票多少入选。"
        ),
        actor=congress,
    )
    codes = list(session.voters.order_by("code").values_list("code", flat=True))
    voters_check_in(session=session, codes=codes[:-2], actor=congress)
    round_ = round_create_from_list(
        session=session,
        code=ROUND,
        year=LAST_YEAR,
        secrecy=Secrecy.SECRET,
        to_select=10,
        max_yes=10,
    )
    cards = credentials_issue(round_=round_, actor=congress)
    round_open(round_=round_, actor=congress)
    by_name = {plan.name: plan for plan in PLANS}
    items = [(item.code, by_name[item.title]) for item in round_.items.order_by("number")]
    for n, card in enumerate(cards[: len(codes) - 2]):
        ballot_cast(round_code=round_.code, code=card.code, choices=_choices(items, n), key=None)
    round_ = round_close(round_=round_, actor=congress)  # its selected items become projects
    return round_publish(round_=round_, actor=congress)


def _choices(items: list[tuple[str, Plan]], voter: int) -> dict[str, str]:
    """Voter n says yes to an item while n < its planned yes count, never to more than ten."""
    marks: dict[str, str] = {}
    for item, plan in items:
        if voter < plan.yes:
            marks[item] = "yes"
        else:
            marks[item] = "abstain" if voter % 3 == 0 else "no"
    yeses = [item for item, mark in marks.items() if mark == "yes"]
    for item in yeses[10:]:
        marks[item] = "abstain"
    return marks


def _window(plan: Plan, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Start and completion around today, by the shape the project should have now."""
    start = datetime.date(LAST_YEAR, 3, 1)
    completion = start + datetime.timedelta(days=30 * plan.months)
    if plan.shape == "yellow":  # completion or a milestone falls due within the 15-day window
        completion = today + 40 * DAY
    if completion <= today and plan.shape not in ("completed", "paused"):
        completion = today + 60 * DAY
    return min(start, today - 200 * DAY), completion


def _milestones(
    plan: Plan, start: datetime.date, completion: datetime.date, today: datetime.date
) -> list[dict[str, Any]]:
    span = (completion - start).days
    titles = ["完成立项和设计", "完成招标", "主体施工完成", "竣工验收"]
    days = [span // 6, span // 3, span * 2 // 3, span]
    if plan.shape == "yellow":
        days[2] = (today - start).days + 9  # 主体施工 due in nine days
    if plan.shape == "red":
        days[2] = (today - start).days - 12  # 主体施工 twelve days overdue
    return [
        {
            "id": f"M{n}",
            "title": title,
            "planned": (start + datetime.timedelta(days=offset)).isoformat(),
            "weight": weight,
        }
        for n, (title, offset, weight) in enumerate(zip(titles, days, (1, 1, 3, 1), strict=True), 1)
    ]


def _plans(chosen: list[tuple[Plan, TrackedProject]], today: datetime.date, congress: User) -> None:
    records = []
    for plan, project in chosen:
        start, completion = _window(plan, today)
        records.append(
            {
                "id": project.code,
                "unit": plan.unit,
                "leader": "陈副镇长" if plan.station == 1 else "吴副镇长",
                "budget_wan": float(plan.amount),
                "funding_source": "镇级财政、上级补助",
                "start": start.isoformat(),
                "completion": completion.isoformat(),
                "location": {"lat": plan.lat, "lng": plan.lng},
                "urgent": plan.shape == "red" and plan.category == "elderly",
                "milestones": _milestones(plan, start, completion, today),
            }
        )
    plans_import(check_plans({"projects": records}), congress, subject="demo")
    water = chosen[0][1]  # the water main is built in two lots by two units (子项)
    for n, (unit, share) in enumerate([("镇水务站", 2), ("下溪村村委会", 1)], start=1):
        TrackedProject.objects.create(
            code=f"{water.code}-{n}",
            body=water.body,
            year=water.year,
            title=f"{water.title}（{'主管' if n == 1 else '入户'}）",
            parent=water,
            share=Decimal(share),
            unit=unit,
            start=water.start,
            completion=water.completion,
            latitude=water.latitude,
            longitude=water.longitude,
            plan_set_at=timezone.now(),
        )


def _progress(
    chosen: list[tuple[Plan, TrackedProject]], today: datetime.date, congress: User
) -> None:
    """Staff's monthly figures, imported as reviewed: milestones done as each shape needs."""
    updates = []
    for plan, project in chosen:
        project.refresh_from_db()
        milestones = list(project.milestones.order_by("planned"))
        done = [m for m in milestones if m.planned < today - 20 * DAY]
        if plan.shape == "red":
            done = [m for m in done if m.code != "M3"]
        figures = {
            "red": 38,
            "yellow": 62,
            "green": 85,
            "ahead": 97,
            "paused": 30,
            "completed": 100,
        }
        progress = figures[plan.shape]
        for days_ago, share in ((75, 0.4), (40, 0.7), (7, 1.0)):
            on = today - days_ago * DAY
            updates.append(
                {
                    "project": project.code,
                    "on": on.isoformat(),
                    "progress": round(progress * share, 1),
                    "milestones_done": [
                        {"id": m.code, "done": (m.planned - DAY).isoformat()}
                        for m in done
                        if m.planned - DAY <= on
                    ],
                    "note": "按月报送，经人大办审核。",
                }
            )
        if plan.shape == "completed":
            updates.append(
                {
                    "project": project.code,
                    "on": (today - 10 * DAY).isoformat(),
                    "progress": 100,
                    "milestones_done": [
                        {"id": m.code, "done": min(m.planned, today - 10 * DAY).isoformat()}
                        for m in milestones
                    ],
                    "status": "completed",
                    "note": "已竣工验收，投入使用。",
                }
            )
    for n, share in ((1, 45), (2, 20)):  # the water main's lots report their own progress
        code = f"{chosen[0][1].code}-{n}"
        updates.append({"project": code, "on": (today - 15 * DAY).isoformat(), "progress": share})
    progress_import(check_progress({"updates": updates}), congress, subject="demo")


def _photo(colour: str, text: str) -> SimpleUploadedFile:
    """A site photo stand-in: sky, ground and a label, as a JPEG with camera metadata to strip."""
    image = Image.new("RGB", (1600, 1200), "#9cc3e6")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 700, 1600, 1200), fill=colour)
    draw.rectangle((500, 420, 1100, 760), fill="#d8d2c4", outline="#555", width=8)
    draw.text((60, 60), text, fill="#123")
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "DemoCam"  # Make: one of the tags the product strips
    image.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def _unit_updates(
    project: TrackedProject, today: datetime.date, unit: User, congress: User
) -> None:
    """The water unit's own reports: one reviewed with photos, one still awaiting review."""
    main = TrackedProject.objects.get(code=f"{project.code}-1")
    reviewed = update_post(
        author=unit,
        project=main,
        on=today - 5 * DAY,
        progress=Decimal(50),
        milestones_done=[],
        note="主管铺设过半，溪口段已通水试压。",
        spent_wan=Decimal("96.5"),
        photos=[_photo("#7a6a4f", "trench"), _photo("#5d7b4a", "pipes")],
    )
    update_review(reviewer=congress, update=reviewed, approve=True)
    update_post(
        author=unit,
        project=main,
        on=today - DAY,
        progress=Decimal(55),
        milestones_done=[],
        note="下溪段开挖，预计两周完成。",
        spent_wan=Decimal("104"),
    )


def _pause(project: TrackedProject, congress: User) -> None:
    plan_change_record(
        project=project,
        actor=congress,
        kind=PlanChangeKind.PAUSE,
        meeting="镇人大主席团第六次会议",
        decided_on=timezone.localdate() - 20 * DAY,
        reason="放映设备采购纳入县级统一招标，需等待县级招标结果。",
        notice="经镇人大主席团研究，文化礼堂数字影院项目暂缓实施，待县级统一招标完成后恢复。",
    )


def _groups(body: Body, projects: list[TrackedProject]) -> None:
    """Three representatives supervise each project; the demo representative leads the first."""
    reps = list(body.representatives.order_by("code"))
    for n, project in enumerate(projects):
        for k in range(3):
            GroupMember.objects.get_or_create(
                project=project,
                representative=reps[(n * 3 + k) % len(reps)],
                defaults={"leads": k == 0},
            )


def _ledgers(project: TrackedProject, congress: User) -> None:
    entries = [
        (Ledger.PROBLEM, "下溪段管道穿越农田，青苗补偿未谈妥，影响施工。", "下溪村村委会"),
        (Ledger.RESPONSIBILITY, "镇水务站负责协调补偿，分管领导督促。", "镇水务站"),
        (Ledger.RECTIFICATION, "两周内完成青苗补偿并恢复施工。", "镇水务站"),
    ]
    for ledger, text, owner in entries:
        LedgerEntry.objects.create(
            project=project,
            ledger=ledger,
            text=text,
            owner=owner,
            due=timezone.localdate() + 14 * DAY,
            created_by=congress,
        )
