"""The tracking benchmark's world: one county congress with many tracked projects, as of today.

Built through the product's own interfaces wherever one exists: `setup_congress`, a plan file
(`import_plans`), a progress file (`import_progress`, reviewed as staff's entries are) and the
colour sweep (`tracking_sweep`, a month ago and today, so projects have a colour history). Only
the sub-items' link to their parent has no file field; it is set on the rows. Every project's shape
follows its number, so the first hundred projects look like any other hundred:

    n % 10   policy     colour today        other
    0        deadline   green               urgent, two sub-items
    1, 6     deadline   green
    2        progress   green (on schedule)
    3        deadline   yellow (a milestone due within 15 days)
    4        progress   yellow (15 points behind)
    5        deadline   red (a milestone a few weeks overdue)
    7        progress   red (40 points behind)
    8        deadline   none: completed today
    9        deadline   none: paused

Run only on a throwaway database: `manage.py bench_tracking` refuses any other.
"""

import datetime
import json
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import transaction

from tracking.models import TrackedProject
from tracking.rules import colours

BODY = "bench"
BODY_NAME = "基准县人民代表大会"
SPACING = 30  # days between two milestones of a plan
SUB_ITEMS = 2  # of every tenth project
CENTRE = (Decimal("29.290000"), Decimal("121.430000"))  # the map's default centre
TITLES = (
    "农村道路提升",
    "老旧小区改造",
    "污水管网延伸",
    "居家养老服务中心",
    "学校食堂改造",
    "农贸市场改造",
    "村道路灯安装",
    "公厕提升改造",
    "河道综合整治",
    "公共停车场建设",
)
BEHIND = {2: 0, 4: 15, 7: 40}  # points behind the schedule progress, for the progress policy
RED_BY_DEADLINE, YELLOW_BY_DEADLINE, COMPLETED, PAUSED = 5, 3, 8, 9


def code_of(n: int) -> str:
    return f"BENCH-{n:05d}"


@dataclass(frozen=True)
class Plan:
    """One project's plan, and the progress reported on it, as the two files write them."""

    code: str
    n: int
    start: datetime.date
    completion: datetime.date
    milestones: list[tuple[str, datetime.date]]  # (id, planned)
    open_past: str | None  # a milestone left undone after its date: overdue, red


def _plan(n: int, milestones: int, today: datetime.date, code: str | None = None) -> Plan:
    kind = n % 10
    past = milestones // 2  # milestones planned before today
    # Days from today to the next milestone: within the warning window for yellow, beyond it else.
    ahead = 3 + n % 10 if kind == YELLOW_BY_DEADLINE else 20 + n % 7
    start = today + datetime.timedelta(days=ahead - SPACING * (past + 1))
    planned = [start + datetime.timedelta(days=SPACING * (k + 1)) for k in range(milestones)]
    ids = [f"M{k + 1:02d}" for k in range(milestones)]
    return Plan(
        code=code or code_of(n),
        n=n,
        start=start,
        completion=start + datetime.timedelta(days=SPACING * (milestones + 1)),
        milestones=list(zip(ids, planned, strict=True)),
        open_past=ids[past - 1] if kind == RED_BY_DEADLINE and past > 0 else None,
    )


def _plan_record(plan: Plan, year: int, title: str) -> dict[str, Any]:
    n = plan.n
    lat, lng = CENTRE
    record: dict[str, Any] = {
        "id": plan.code,
        "title": title,
        "body": BODY,
        "year": year,
        "unit": f"第{n % 12 + 1}实施单位",
        "leader": f"负责人{n % 30 + 1}",
        "budget_wan": 50 + n % 400,
        "funding_source": "县级财政",
        "start": plan.start.isoformat(),
        "completion": plan.completion.isoformat(),
        # Spread over about 10 km around the centre; one project in 25 has no place on the map.
        "location": None
        if n % 25 == 24
        else {
            "lat": float(lat + Decimal((n * 37) % 101 - 50) / 1000),
            "lng": float(lng + Decimal((n * 53) % 101 - 50) / 1000),
        },
        "urgent": n % 10 == 0 or n % 7 == 0,
        "milestones": [
            {"id": mid, "title": f"节点{mid[1:]}", "planned": day.isoformat(), "weight": 1}
            for mid, day in plan.milestones
        ],
    }
    if n % 10 in BEHIND:
        record["policy"] = {"kind": "progress", "yellow": 10, "red": 30}
    return record


def _progress_records(plan: Plan, today: datetime.date) -> list[dict[str, Any]]:
    """Three reviewed updates (two months ago, a month ago, today), each reporting the milestones
    reached since the one before on their planned day; progress follows the schedule progress."""
    facts = colours.ProjectFacts(
        status=colours.Status.IMPLEMENTING,
        start=plan.start,
        completion=plan.completion,
        milestones=tuple(
            colours.Milestone(mid, mid, day, Decimal(1), None) for mid, day in plan.milestones
        ),
        updates=(),
        urgent=False,
        policy=colours.DeadlinePolicy(),
    )
    behind = BEHIND.get(plan.n % 10, 2)
    records: list[dict[str, Any]] = []
    since = datetime.date.min
    for on in (today - datetime.timedelta(days=60), today - datetime.timedelta(days=30), today):
        done = [
            {"id": mid, "done": day.isoformat()}
            for mid, day in plan.milestones
            if since < day <= on and mid != plan.open_past
        ]
        progress = min(100.0, max(0.0, colours.expected_on(facts, on) - behind))
        record: dict[str, Any] = {
            "project": plan.code,
            "on": on.isoformat(),
            "progress": round(progress, 1),
            "milestones_done": done,
            "note": f"截至{on.month}月{on.day}日按计划推进。",
        }
        records.append(record)
        since = on
    if plan.n % 10 == COMPLETED:
        records[-1].update(progress=100, status="completed", note="项目已完工。")
    elif plan.n % 10 == PAUSED:
        records[-1].update(status="paused", note="因汛期暂缓施工。")
    return records


def _import(command: str, name: str, data: dict[str, Any], folder: Path) -> None:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command(command, str(path), stdout=StringIO())


def world_build(*, first: int, count: int, milestones: int, today: datetime.date) -> None:
    """Add projects number `first` to `first + count - 1` (the congress too, before the first)."""
    year = today.year
    if first == 0:
        call_command(
            "setup_congress",
            code=BODY,
            name=BODY_NAME,
            station=["城关联络站", "东溪联络站"],
            username="bench-staff",
            staff_name="基准",
            stdout=StringIO(),
        )
    plans: list[Plan] = []
    records: list[dict[str, Any]] = []
    children: dict[str, list[str]] = {}
    for n in range(first, first + count):
        plan = _plan(n, milestones, today)
        plans.append(plan)
        records.append(_plan_record(plan, year, f"{TITLES[n % len(TITLES)]}（{n + 1}号）"))
        if n % 10 == 0:
            for s in range(1, SUB_ITEMS + 1):
                sub = _plan(n, min(milestones, 3), today, code=f"{plan.code}-S{s}")
                plans.append(sub)
                records.append(_plan_record(sub, year, f"{TITLES[n % len(TITLES)]}子项{s}"))
                children.setdefault(plan.code, []).append(sub.code)
    updates = [record for plan in plans for record in _progress_records(plan, today)]
    with tempfile.TemporaryDirectory(prefix="minsheng-bench-world-") as folder:
        _import("import_plans", "plans.json", {"projects": records}, Path(folder))
        _link_sub_items(children)
        _import("import_progress", "progress.json", {"updates": updates}, Path(folder))
    for day in (today - datetime.timedelta(days=30), today):
        call_command("tracking_sweep", on=day.isoformat(), stdout=StringIO())


@transaction.atomic
def _link_sub_items(children: dict[str, list[str]]) -> None:
    """The plan file has no parent field: sub-items are made as projects, then put under theirs."""
    parents = {p.code: p for p in TrackedProject.objects.filter(code__in=children)}
    subs = list(
        TrackedProject.objects.filter(code__in=[c for codes in children.values() for c in codes])
    )
    parent_of = {sub: parent for parent, codes in children.items() for sub in codes}
    for sub in subs:
        sub.parent = parents[parent_of[sub.code]]
        sub.share = Decimal(1)
    TrackedProject.objects.bulk_update(subs, ["parent", "share"])
