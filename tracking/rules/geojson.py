"""A congress's boundary as GeoJSON (RFC 7946): checked and normalised. Standard library only.

A boundary is one or more areas: a Polygon or MultiPolygon, alone, in a Feature, or in a
FeatureCollection of such Features. Positions are [longitude, latitude] in degrees (WGS 84, or
CGCS2000, which differs by centimetres); each ring is closed and has at least four positions.

What a file gets wrong comes back as data (`Problem`: a code, where in the file, what was found), at
most `MAX_PROBLEMS` of them; the Django layer puts them in the reader's language. A file that passes
becomes a `Shape`: a FeatureCollection with only what the map draws (the areas and their names),
positions rounded to six decimals (about 0.1 m), and a few figures to show before it is stored.
"""

import json
import math
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

MAX_BYTES = 2 * 1024 * 1024  # a county's outline fits many times over; a browser draws it at once
MAX_PROBLEMS = 20  # enough to fix a file by; a file of 10,000 bad positions needs no more
DECIMALS = 6
NAME_LENGTH = 200
AREAS = ("Polygon", "MultiPolygon")


class Code(StrEnum):
    TOO_LARGE = "too_large"  # found: the size in bytes
    NOT_UTF8 = "not_utf8"
    NOT_JSON = "not_json"  # line, column: where the parser stopped (none: empty or too deep)
    NOT_OBJECT = "not_object"  # where: a JSON value that should be an object
    NO_TYPE = "no_type"  # an object without a "type" member
    UNSUPPORTED_TYPE = "unsupported_type"  # found: the type (Point, LineString, …)
    NO_GEOMETRY = "no_geometry"  # a Feature whose geometry is null or missing
    NOT_A_LIST = "not_a_list"  # "features" or "coordinates" (or a level of them) is not an array
    BAD_POSITION = "bad_position"  # not [number, number] or [number, number, number]
    PROJECTED = "projected"  # found: a number far beyond any degree: metres, not degrees
    LONGITUDE_RANGE = "longitude_range"  # found: the longitude
    LATITUDE_RANGE = "latitude_range"  # found: the latitude (often: latitude written first)
    RING_TOO_SHORT = "ring_too_short"  # found: how many positions it has
    RING_NOT_CLOSED = "ring_not_closed"
    EMPTY = "empty"  # no area at all


@dataclass(frozen=True)
class Problem:
    code: Code
    where: str = ""  # a path in the file, as features[2].geometry.coordinates[0][5]; "" the file
    found: str = ""
    line: int | None = None
    column: int | None = None
    count: int = 1  # positions with this problem; one is listed, the first


class InvalidBoundary(ValueError):
    """The file is no boundary; `problems` say why, `more` how many others were not listed."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        super().__init__(", ".join(f"{p.where or 'file'}: {p.code}" for p in problems))
        self.problems = problems
        self.more = more


@dataclass(frozen=True)
class Shape:
    geojson: dict[str, Any]  # the normalised FeatureCollection, as stored and served
    features: int
    polygons: int
    positions: int
    bbox: tuple[float, float, float, float]  # west, south, east, north


class _Reader:
    """Walks a parsed file once, collecting problems and the normalised areas."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.more = 0
        self.features: list[dict[str, Any]] = []
        self.polygons = 0
        self.positions = 0
        self.west, self.south, self.east, self.north = math.inf, math.inf, -math.inf, -math.inf
        self.listed: dict[Code, int] = {}  # a position's problem, listed once: where it is first

    def problem(self, code: Code, where: str = "", found: object = "") -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(code, where, str(found)))
        else:
            self.more += 1

    def top(self, data: object) -> None:
        if not isinstance(data, dict):
            self.problem(Code.NOT_OBJECT, "", _kind(data))
            return
        kind = data.get("type")
        if kind == "FeatureCollection":
            features = data.get("features")
            if not isinstance(features, list):
                self.problem(Code.NOT_A_LIST, "features")
                return
            for n, feature in enumerate(features):
                self.feature(feature, f"features[{n}]")
        elif kind == "Feature":
            self.feature(data, "")
        else:
            self.geometry(data, "", None)

    def feature(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            self.problem(Code.NOT_OBJECT, where, _kind(data))
            return
        if data.get("type") != "Feature":
            self.problem(*_type_problem(data.get("type"), where))
            return
        geometry = data.get("geometry")
        at = _join(where, "geometry")
        if geometry is None:
            self.problem(Code.NO_GEOMETRY, where)
            return
        properties = data.get("properties")
        name = properties.get("name") if isinstance(properties, dict) else None
        self.geometry(geometry, at, name if isinstance(name, str) else None)

    def geometry(self, data: object, where: str, name: str | None) -> None:
        if not isinstance(data, dict):
            self.problem(Code.NOT_OBJECT, where, _kind(data))
            return
        kind = data.get("type")
        if kind not in AREAS:
            self.problem(*_type_problem(kind, where))
            return
        at = _join(where, "coordinates")
        coordinates = data.get("coordinates")
        if kind == "Polygon":
            polygons = [self.polygon(coordinates, at)]
        elif isinstance(coordinates, list):
            polygons = [self.polygon(p, f"{at}[{n}]") for n, p in enumerate(coordinates)]
        else:
            self.problem(Code.NOT_A_LIST, at)
            return
        kept = [p for p in polygons if p is not None]
        if len(kept) < len(polygons) or not kept:
            return
        self.polygons += len(kept)
        geometry: dict[str, Any] = (
            {"type": "Polygon", "coordinates": kept[0]}
            if kind == "Polygon"
            else {"type": "MultiPolygon", "coordinates": kept}
        )
        properties = {"name": name.strip()[:NAME_LENGTH]} if name and name.strip() else {}
        self.features.append({"type": "Feature", "properties": properties, "geometry": geometry})

    def polygon(self, data: object, where: str) -> list[list[list[float]]] | None:
        if not isinstance(data, list) or not data:
            self.problem(Code.NOT_A_LIST, where)
            return None
        rings = [self.ring(r, f"{where}[{n}]") for n, r in enumerate(data)]
        kept = [r for r in rings if r is not None]
        return kept if len(kept) == len(rings) else None

    def ring(self, data: object, where: str) -> list[list[float]] | None:
        if not isinstance(data, list):
            self.problem(Code.NOT_A_LIST, where)
            return None
        positions = [self.position(p, f"{where}[{n}]") for n, p in enumerate(data)]
        kept = [p for p in positions if p is not None]
        if len(kept) < len(positions):
            return None
        if len(kept) < 4:
            self.problem(Code.RING_TOO_SHORT, where, len(kept))
            return None
        if kept[0] != kept[-1]:
            self.problem(Code.RING_NOT_CLOSED, where)
            return None
        return kept

    def once(self, code: Code, where: str, found: object) -> None:
        """A position's problem is usually every position's (latitude first, metres): one line
        says it, with how many positions share it."""
        if code in self.listed:
            first = self.listed[code]
            self.problems[first] = replace(
                self.problems[first], count=self.problems[first].count + 1
            )
            return
        if len(self.problems) < MAX_PROBLEMS:
            self.listed[code] = len(self.problems)
        self.problem(code, where, found)

    def position(self, data: object, where: str) -> list[float] | None:
        if (
            not isinstance(data, list)
            or len(data) not in (2, 3)
            or not all(_is_number(v) for v in data)
        ):
            self.once(Code.BAD_POSITION, where, _short(data))
            return None
        lng, lat = float(data[0]), float(data[1])
        if abs(lng) > 360 or abs(lat) > 360:
            self.once(Code.PROJECTED, where, _short(data))
            return None
        if abs(lng) > 180:
            self.once(Code.LONGITUDE_RANGE, where, _number(data[0]))
            return None
        if abs(lat) > 90:
            self.once(Code.LATITUDE_RANGE, where, _number(data[1]))
            return None
        self.positions += 1
        self.west, self.east = min(self.west, lng), max(self.east, lng)
        self.south, self.north = min(self.south, lat), max(self.north, lat)
        return [round(lng, DECIMALS), round(lat, DECIMALS)]


def check_boundary(data: object) -> Shape:
    """The parsed file as a Shape, or InvalidBoundary with what is wrong and where."""
    reader = _Reader()
    reader.top(data)
    if not reader.problems and not reader.features:
        reader.problem(Code.EMPTY)
    if reader.problems:
        raise InvalidBoundary(reader.problems, reader.more)
    return Shape(
        geojson={"type": "FeatureCollection", "features": reader.features},
        features=len(reader.features),
        polygons=reader.polygons,
        positions=reader.positions,
        bbox=(
            round(reader.west, DECIMALS),
            round(reader.south, DECIMALS),
            round(reader.east, DECIMALS),
            round(reader.north, DECIMALS),
        ),
    )


def read_boundary(raw: bytes) -> Shape:
    """An uploaded file's bytes as a Shape: at most MAX_BYTES of UTF-8 JSON (a BOM is allowed)."""
    if len(raw) > MAX_BYTES:
        raise InvalidBoundary([Problem(Code.TOO_LARGE, found=str(len(raw)))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidBoundary([Problem(Code.NOT_UTF8)]) from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InvalidBoundary(
            [Problem(Code.NOT_JSON, line=error.lineno, column=error.colno)]
        ) from None
    except (ValueError, RecursionError):  # NaN or Infinity; nesting deeper than any GeoJSON
        raise InvalidBoundary([Problem(Code.NOT_JSON)]) from None
    return check_boundary(data)


def _refuse_constant(name: str) -> float:
    raise ValueError(name)


def _type_problem(kind: object, where: str) -> tuple[Code, str, str]:
    if kind is None:
        return Code.NO_TYPE, where, ""
    return Code.UNSUPPORTED_TYPE, where, _short(kind)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _join(where: str, member: str) -> str:
    return f"{where}.{member}" if where else member


def _kind(value: object) -> str:
    """A JSON value's kind in JSON's words (the reader sees JSON, not Python)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"
