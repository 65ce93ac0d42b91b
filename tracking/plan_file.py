"""The plan file (docs/tracking-files.md): read with a guard, checked whole, nothing stored here.

Every problem is listed with where it is, as a path into the file ("projects[3].milestones[1].
planned: …"); the staff's Excel import of plans builds the same data from its two sheets and is
checked by the same rules here, its paths turned into sheets, rows and columns.

A plan names an existing project by its id, or a new one (added by a congress decision, with no
source), whose title, congress and year it must then give. What a plan leaves out of an existing
project stays as it is (unit, leader, budget, funding, location, title); `urgent` and `policy` are
part of the plan itself, so leaving them out means their defaults (not urgent; the congress's
policy).
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from ballots.json_input import JsonRefused, strict_loads
from projects.models import Body
from projects.validation import CONTROL, LINE_BREAK_OR_TAB
from tracking.models import PolicyKind, TrackedProject
from tracking.rules.colours import RED, WARN_DAYS, YELLOW

# A caller's id, whole: \A and \Z (`$` also matches before a final newline).
CODE = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
DATE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")

FIRST_YEAR, LAST_YEAR = 2000, 2100  # as a candidate's year
MAX_WARN_DAYS = 3650  # ten years ahead: more is no warning at all
MAX_BUDGET = Decimal("9999999999.99")  # what the budget column holds (12 digits, 2 decimals)
MAX_WEIGHT = Decimal("99999.999")  # what a milestone's weight holds (8 digits, 3 decimals)
COORDINATE = Decimal("0.000001")  # six decimals: about 0.1 m, what the project's point holds

Path = tuple[str | int, ...]


def json_path(path: Path) -> str:
    """("projects", 3, "milestones", 1, "planned") as projects[3].milestones[1].planned."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "$"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where: a path into the file, or None for the file as a whole."""

    path: Path | None
    message: str

    def __str__(self) -> str:
        return self.message if self.path is None else f"{json_path(self.path)}: {self.message}"


class FileRefused(Exception):
    """A plan or progress file refused whole; `problems` has one line per problem."""

    def __init__(self, found: list[Problem]) -> None:
        self.found = found
        self.problems = [str(problem) for problem in found]
        super().__init__("; ".join(self.problems))


def load_json(raw: bytes) -> Any:
    """The file's bytes as JSON, read with the session file's guard (ballots.json_input)."""
    try:
        return strict_loads(raw)
    except JsonRefused as refused:
        raise FileRefused([Problem(None, refused.detail)]) from None


def shown(text: str, limit: int = 64) -> str:
    """Text from the file, fit to quote in a one-line message."""
    text = LINE_BREAK_OR_TAB.sub(" ", CONTROL.sub("?", text))
    return text if len(text) <= limit else f"{text[:limit]}…"


def as_decimal(value: Any) -> Decimal | None:
    """A JSON number (or a sheet's) as the decimal it is written as; None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class Reader:
    """Checks values one by one, keeping every problem with its path."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.found.append(Problem(path, message))

    def obj(self, value: Any, path: Path) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.fail(path, _("must be an object"))
        return {}

    def is_obj(self, value: Any, path: Path) -> bool:
        """An object; if not, that one problem (nothing inside it is looked for)."""
        if isinstance(value, dict):
            return True
        self.fail(path, _("must be an object"))
        return False

    def items(self, value: Any, path: Path, *, non_empty: bool = False) -> list[Any]:
        if isinstance(value, list) and (value or not non_empty):
            return value
        self.fail(path, _("must be a non-empty list") if non_empty else _("must be a list"))
        return []

    def code(self, value: Any, path: Path) -> str:
        if isinstance(value, str) and CODE.fullmatch(value):
            return value
        self.fail(path, _("must be 1–64 letters, digits, '-' or '_'"))
        return ""

    def text(
        self, value: Any, path: Path, limit: int, *, non_empty: bool = True, lines: bool = False
    ) -> str | None:
        """A string (None if not one); `lines`: line breaks and tabs belong in it."""
        if not isinstance(value, str) or (non_empty and not value.strip()):
            self.fail(path, _("must be a non-empty string") if non_empty else _("must be a string"))
            return None
        text: str = value.strip()
        if len(text) > limit:
            self.fail(path, _("is longer than %(n)d characters") % {"n": limit})
        elif CONTROL.search(text) or (not lines and LINE_BREAK_OR_TAB.search(text)):
            self.fail(path, _("contains control characters or broken Unicode"))
        return text

    def date(self, value: Any, path: Path) -> datetime.date | None:
        if isinstance(value, str) and DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(path, _("must be a date written YYYY-MM-DD"))
        return None

    def whole(self, value: Any, path: Path, low: int, high: int) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.fail(
            path,
            _("must be a whole number from %(low)d to %(high)d") % {"low": low, "high": high},
        )
        return None

    def number(
        self, value: Any, path: Path, low: Decimal, high: Decimal, places: int
    ) -> Decimal | None:
        """A number in low..high with at most `places` decimals."""
        number = as_decimal(value)
        if number is None or not low <= number <= high:
            self.fail(
                path, _("must be a number from %(low)s to %(high)s") % {"low": low, "high": high}
            )
            return None
        return self.places(number, path, places)

    def places(self, number: Decimal, path: Path, places: int) -> Decimal | None:
        if decimals(number) > places:
            self.fail(path, _("has more than %(n)d decimal places") % {"n": places})
            return None
        return number

    def flag(self, value: Any, path: Path) -> bool:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        self.fail(path, _("must be true or false"))
        return False


# --- What the database already holds, read once for a whole file ---------------------------


@dataclass(frozen=True)
class KnownProject:
    code: str
    body_id: int
    body_slug: str
    body_name: str
    year: int
    start: datetime.date | None
    milestones: frozenset[str]


@dataclass(frozen=True)
class Known:
    projects: Mapping[str, KnownProject]
    bodies: Mapping[str, int]  # each congress by its name and by its code (the code wins)


def strings_in(data: Any, listed: str, key: str) -> set[str]:
    """The strings under data[listed][*][key] (stripped), whatever else the data holds."""
    entries = data.get(listed) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return set()
    return {
        entry[key].strip()
        for entry in entries
        if isinstance(entry, dict) and isinstance(entry.get(key), str)
    }


def ids_in(data: Any, listed: str, key: str) -> set[str]:
    """The well-formed ids under data[listed][*][key]: only those can name a project."""
    return {code for code in strings_in(data, listed, key) if CODE.fullmatch(code)}


def known_projects(codes: Iterable[str]) -> dict[str, KnownProject]:
    projects = (
        TrackedProject.objects.filter(code__in=set(codes))
        .select_related("body")
        .prefetch_related("milestones")
    )
    return {
        p.code: KnownProject(
            code=p.code,
            body_id=p.body_id,
            body_slug=p.body.slug,
            body_name=p.body.name,
            year=p.year,
            start=p.start,
            milestones=frozenset(m.code for m in p.milestones.all()),
        )
        for p in projects
    }


def known_bodies(names: Iterable[str]) -> dict[str, int]:
    names = set(names)
    rows = list(
        Body.objects.filter(Q(slug__in=names) | Q(name__in=names)).values_list("pk", "slug", "name")
    )
    found = {name: pk for pk, _slug, name in rows}
    found.update({slug: pk for pk, slug, _name in rows})
    return found


def congress_named(name: str) -> Body | None:
    """The congress a file names, by its code or its name as on its pages; never a new one."""
    return Body.objects.filter(slug=name).first() or Body.objects.filter(name=name).first()


# --- The plan, as read ----------------------------------------------------------------------


class Keep(Enum):
    """Left out of the plan: what the project has stays."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class MilestoneSpec:
    id: str
    title: str
    planned: datetime.date
    weight: Decimal


@dataclass(frozen=True)
class PolicySpec:
    kind: str  # PolicyKind
    warn_days: int
    yellow: Decimal
    red: Decimal


@dataclass(frozen=True)
class PlanSpec:
    id: str
    new: bool  # no project has this id yet: one is made by a congress decision
    body: str | None  # the congress as the file names it; None: not given (an existing project)
    year: int | None
    title: str | None  # None: left out (an existing project keeps its own)
    unit: str | None
    leader: str | None
    budget_wan: Decimal | Keep | None
    funding_source: str | None
    start: datetime.date
    completion: datetime.date
    location: tuple[Decimal, Decimal] | Keep | None  # (lat, lng)
    urgent: bool
    policy: PolicySpec | None  # None: the congress's policy
    milestones: tuple[MilestoneSpec, ...]


def read_plan_file(raw: bytes) -> list[PlanSpec]:
    """The file's bytes checked whole against the rules and the database; FileRefused if not."""
    return check_plans(load_json(raw))


def check_plans(data: Any) -> list[PlanSpec]:
    """JSON-shaped data (a plan file's, or built from the Excel sheets) checked whole."""
    known = Known(
        known_projects(ids_in(data, "projects", "id")),
        known_bodies(strings_in(data, "projects", "body")),
    )
    return parse_plans(data, known)


def parse_plans(data: Any, known: Known) -> list[PlanSpec]:
    """Check every project of the data; raise FileRefused listing every problem found."""
    r = Reader()
    top = r.obj(data, ())
    specs: list[PlanSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(r.items(top.get("projects"), ("projects",), non_empty=True)):
        path: Path = ("projects", index)
        if not r.is_obj(raw, path):
            continue
        spec = _plan(r, raw, path, known)
        code = raw.get("id")
        if isinstance(code, str) and CODE.fullmatch(code):
            if code in seen:
                r.fail((*path, "id"), _("repeats the project id %(id)s") % {"id": code})
            seen.add(code)
        if spec is not None:
            specs.append(spec)
    if r.found:
        raise FileRefused(r.found)
    return specs


def _plan(r: Reader, obj: dict[str, Any], path: Path, known: Known) -> PlanSpec | None:
    before = len(r.found)
    code = r.code(obj.get("id"), (*path, "id"))
    project = known.projects.get(code)
    new = bool(code) and project is None

    def required(key: str) -> bool:
        """Absent (or null); a problem if the project is new."""
        if obj.get(key) is not None:
            return False
        if new:
            r.fail((*path, key), _("is required for a new project"))
        return True

    title = None if required("title") else r.text(obj["title"], (*path, "title"), 200)
    body = None if required("body") else r.text(obj["body"], (*path, "body"), 120)
    if body is not None:
        _check_congress(r, (*path, "body"), body, project, known)
    year = None
    if not required("year"):
        year = r.whole(obj["year"], (*path, "year"), FIRST_YEAR, LAST_YEAR)
        if project is not None and year is not None and year != project.year:
            r.fail(
                (*path, "year"),
                _("the project is of the year %(year)d, not %(given)d")
                % {"year": project.year, "given": year},
            )
    unit, leader, funding = (
        _optional_text(r, obj, key, path, limit)
        for key, limit in (("unit", 120), ("leader", 60), ("funding_source", 120))
    )
    budget: Decimal | Keep | None = KEEP
    if "budget_wan" in obj:
        budget = None
        if obj["budget_wan"] is not None:
            budget = _budget(r, obj["budget_wan"], (*path, "budget_wan"))
    start = r.date(obj.get("start"), (*path, "start"))
    completion = r.date(obj.get("completion"), (*path, "completion"))
    if start and completion and start > completion:
        r.fail(
            (*path, "start"),
            _("is after the completion date %(date)s") % {"date": completion.isoformat()},
        )
    location = _location(r, obj, path)
    urgent = r.flag(obj.get("urgent"), (*path, "urgent"))
    policy = None if obj.get("policy") is None else _policy(r, obj["policy"], (*path, "policy"))
    milestones = _milestones(r, obj.get("milestones"), (*path, "milestones"), start, completion)
    if len(r.found) > before or start is None or completion is None:
        return None
    return PlanSpec(
        id=code,
        new=new,
        body=body,
        year=year,
        title=title,
        unit=unit,
        leader=leader,
        budget_wan=budget,
        funding_source=funding,
        start=start,
        completion=completion,
        location=location,
        urgent=urgent,
        policy=policy,
        milestones=milestones,
    )


def _check_congress(
    r: Reader, path: Path, name: str, project: KnownProject | None, known: Known
) -> None:
    body_id = known.bodies.get(name)
    if body_id is None:
        r.fail(
            path,
            _("no congress is named “%(name)s” (give its name as on its pages, or its code)")
            % {"name": shown(name)},
        )
    elif project is not None and project.body_id != body_id:
        r.fail(
            path,
            _("the project belongs to %(congress)s, not to “%(named)s”")
            % {"congress": project.body_name, "named": shown(name)},
        )


def _optional_text(r: Reader, obj: dict[str, Any], key: str, path: Path, limit: int) -> str | None:
    """Left out (None): the project keeps its own; "" empties it."""
    if obj.get(key) is None:
        return None
    return r.text(obj[key], (*path, key), limit, non_empty=False)


def _budget(r: Reader, value: Any, path: Path) -> Decimal | None:
    number = as_decimal(value)
    if number is None or not Decimal(0) <= number <= MAX_BUDGET:
        r.fail(path, _("must be a number from 0 to %(high)s, or null") % {"high": MAX_BUDGET})
        return None
    return r.places(number, path, 2)


def _location(r: Reader, obj: dict[str, Any], path: Path) -> tuple[Decimal, Decimal] | Keep | None:
    if "location" not in obj:
        return KEEP
    value = obj["location"]
    if value is None:
        return None
    if not isinstance(value, dict):
        r.fail((*path, "location"), _('must be an object with "lat" and "lng", or null'))
        return None
    lat = r.number(value.get("lat"), (*path, "location", "lat"), Decimal(-90), Decimal(90), 20)
    lng = r.number(value.get("lng"), (*path, "location", "lng"), Decimal(-180), Decimal(180), 20)
    if lat is None or lng is None:
        return None
    # A phone's position has more decimals than anyone can use; the point keeps six (~0.1 m).
    return lat.quantize(COORDINATE, ROUND_HALF_UP), lng.quantize(COORDINATE, ROUND_HALF_UP)


def _policy(r: Reader, value: Any, path: Path) -> PolicySpec | None:
    if not isinstance(value, dict):
        r.fail(path, _("must be an object"))
        return None
    obj: dict[str, Any] = value
    kind = obj.get("kind")
    if kind == PolicyKind.DEADLINE:
        warn_days = WARN_DAYS
        if obj.get("warn_days") is not None:
            warn_days = r.whole(obj["warn_days"], (*path, "warn_days"), 0, MAX_WARN_DAYS) or 0
        return PolicySpec(PolicyKind.DEADLINE, warn_days, Decimal(YELLOW), Decimal(RED))
    if kind == PolicyKind.PROGRESS:
        points: dict[str, Decimal | None] = {}
        for key, default in (("yellow", YELLOW), ("red", RED)):
            given = obj.get(key)
            points[key] = (
                Decimal(default)
                if given is None
                else r.number(given, (*path, key), Decimal(0), Decimal(100), 2)
            )
        yellow, red = points["yellow"], points["red"]
        if yellow is None or red is None:
            return None
        if yellow > red:
            r.fail(
                (*path, "yellow"),
                _("must not be more than red (%(red)s)") % {"red": f"{red.normalize():f}"},
            )
            return None
        return PolicySpec(PolicyKind.PROGRESS, WARN_DAYS, yellow, red)
    r.fail((*path, "kind"), _('must be "deadline" or "progress"'))
    return None


def _milestones(
    r: Reader,
    value: Any,
    path: Path,
    start: datetime.date | None,
    completion: datetime.date | None,
) -> tuple[MilestoneSpec, ...]:
    specs: list[MilestoneSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(r.items(value, path)):
        here: Path = (*path, index)
        if not r.is_obj(raw, here):
            continue
        obj: dict[str, Any] = raw
        code = r.code(obj.get("id"), (*here, "id"))
        if code in seen:
            r.fail((*here, "id"), _("repeats the milestone id %(id)s") % {"id": code})
        seen.add(code)
        title = r.text(obj.get("title"), (*here, "title"), 200)
        planned = r.date(obj.get("planned"), (*here, "planned"))
        if planned and start and completion and not start <= planned <= completion:
            r.fail(
                (*here, "planned"),
                _("lies outside the plan's start and completion (%(start)s to %(completion)s)")
                % {"start": start.isoformat(), "completion": completion.isoformat()},
            )
        weight = as_decimal(obj.get("weight"))
        if weight is None or not Decimal(0) < weight <= MAX_WEIGHT:
            r.fail(
                (*here, "weight"),
                _("must be a number greater than 0 and at most %(high)s") % {"high": MAX_WEIGHT},
            )
            weight = None
        else:
            weight = r.places(weight, (*here, "weight"), 3)
        if code and title and planned and weight:
            specs.append(MilestoneSpec(code, title, planned, weight))
    return tuple(specs)
