"""A congress's boundary file: what passes, what it becomes, and each way a file can be wrong."""

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracking.rules.geojson import (
    MAX_BYTES,
    MAX_PROBLEMS,
    Code,
    InvalidBoundary,
    Problem,
    check_boundary,
    read_boundary,
)

SQUARE = [[121.3, 29.2], [121.5, 29.2], [121.5, 29.4], [121.3, 29.4], [121.3, 29.2]]
HOLE = [[121.35, 29.25], [121.4, 29.25], [121.4, 29.3], [121.35, 29.25]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}


def feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def problems(data: object) -> list[Problem]:
    with pytest.raises(InvalidBoundary) as invalid:
        check_boundary(data)
    return invalid.value.problems


def codes(data: object) -> list[tuple[Code, str]]:
    return [(p.code, p.where) for p in problems(data)]


def test_a_bare_polygon_becomes_a_feature_collection_of_one_area() -> None:
    shape = check_boundary(POLYGON)
    assert shape.geojson == {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": POLYGON}],
    }
    assert (shape.features, shape.polygons, shape.positions) == (1, 1, 5)
    assert shape.bbox == (121.3, 29.2, 121.5, 29.4)


def test_a_feature_collection_keeps_each_areas_name_and_nothing_else() -> None:
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [SQUARE]]}
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [
            feature(POLYGON, name=" 东区 ", population=12000),
            feature(multi, name=12),
        ],
    }
    shape = check_boundary(data)
    assert [f["properties"] for f in shape.geojson["features"]] == [{"name": "东区"}, {}]
    assert shape.geojson["features"][1]["geometry"] == multi
    assert (shape.features, shape.polygons, shape.positions) == (2, 3, 19)


def test_a_single_feature_is_accepted() -> None:
    assert check_boundary(feature(POLYGON, name="青山镇")).features == 1


def test_positions_lose_their_altitude_and_digits_beyond_a_tenth_of_a_metre() -> None:
    ring = [
        [121.123456789, 29.987654321, 12.5],
        [121.2, 29.9],
        [121.2, 30.0],
        [121.123456789, 29.987654321],
    ]
    shape = check_boundary({"type": "Polygon", "coordinates": [ring]})
    stored = shape.geojson["features"][0]["geometry"]["coordinates"][0]
    assert stored[0] == [121.123457, 29.987654]
    assert stored[0] == stored[-1]


def test_a_normalised_shape_reads_back_as_itself() -> None:
    shape = check_boundary({"type": "FeatureCollection", "features": [feature(POLYGON, name="甲")]})
    assert check_boundary(shape.geojson) == shape


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([POLYGON], [(Code.NOT_OBJECT, "")]),
        ({"coordinates": [SQUARE]}, [(Code.NO_TYPE, "")]),
        ({"type": "Point", "coordinates": [121.4, 29.3]}, [(Code.UNSUPPORTED_TYPE, "")]),
        (
            {"type": "GeometryCollection", "geometries": [POLYGON]},
            [(Code.UNSUPPORTED_TYPE, "")],
        ),
        ({"type": "FeatureCollection", "features": {}}, [(Code.NOT_A_LIST, "features")]),
        ({"type": "FeatureCollection", "features": []}, [(Code.EMPTY, "")]),
        ({"type": "MultiPolygon", "coordinates": []}, [(Code.EMPTY, "")]),
        (
            {"type": "FeatureCollection", "features": [POLYGON]},
            [(Code.UNSUPPORTED_TYPE, "features[0]")],
        ),
        (
            {"type": "FeatureCollection", "features": [feature(None)]},
            [(Code.NO_GEOMETRY, "features[0]")],
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    feature(POLYGON),
                    feature({"type": "LineString", "coordinates": SQUARE}),
                ],
            },
            [(Code.UNSUPPORTED_TYPE, "features[1].geometry")],
        ),
        ({"type": "Polygon", "coordinates": "x"}, [(Code.NOT_A_LIST, "coordinates")]),
        ({"type": "Polygon", "coordinates": []}, [(Code.NOT_A_LIST, "coordinates")]),
        (
            {"type": "Polygon", "coordinates": [SQUARE[:3]]},
            [(Code.RING_TOO_SHORT, "coordinates[0]")],
        ),
        (
            {"type": "Polygon", "coordinates": [SQUARE[:4]]},
            [(Code.RING_NOT_CLOSED, "coordinates[0]")],
        ),
        (
            {
                "type": "MultiPolygon",
                "coordinates": [[SQUARE], [[*SQUARE[:2], ["a", 1], *SQUARE[2:]]]],
            },
            [(Code.BAD_POSITION, "coordinates[1][0][2]")],
        ),
    ],
)
def test_a_file_that_is_not_a_boundary_says_what_and_where(
    data: object, expected: list[tuple[Code, str]]
) -> None:
    assert codes(data) == expected


@pytest.mark.parametrize("bad", [[1], [1, 2, 3, 4], [True, 29.0], [121.0, None], "121,29", 121.0])
def test_a_position_must_be_two_or_three_numbers(bad: object) -> None:
    ring = [*SQUARE[:2], bad, *SQUARE[2:]]
    (problem,) = problems({"type": "Polygon", "coordinates": [ring]})
    assert problem.code == Code.BAD_POSITION and problem.where == "coordinates[0][2]"


def test_latitude_written_first_is_named_once_with_how_many_positions_share_it() -> None:
    swapped = [[lat, lng] for lng, lat in SQUARE]
    found = problems({"type": "Polygon", "coordinates": [swapped]})
    assert found == [Problem(Code.LATITUDE_RANGE, "coordinates[0][0]", "121.3", count=5)]


def test_a_longitude_beyond_180_is_out_of_range() -> None:
    ring = [[181.5, 29.2], *SQUARE[1:4], [181.5, 29.2]]
    assert problems({"type": "Polygon", "coordinates": [ring]})[0] == Problem(
        Code.LONGITUDE_RANGE,
        "coordinates[0][0]",
        "181.5",
        count=2,  # the first and the last
    )


def test_projected_coordinates_in_metres_are_named_once_not_per_position() -> None:
    metres = [[40500000.0 + x * 1000, 3240000.0 + y * 1000] for x, y in SQUARE]
    found = problems({"type": "Polygon", "coordinates": [metres]})
    assert [(p.code, p.where, p.count) for p in found] == [(Code.PROJECTED, "coordinates[0][0]", 5)]


def test_a_file_with_many_problems_lists_the_first_and_counts_the_rest() -> None:
    features = [feature({"type": "Point", "coordinates": [121, 29]}) for _ in range(50)]
    with pytest.raises(InvalidBoundary) as invalid:
        check_boundary({"type": "FeatureCollection", "features": features})
    assert len(invalid.value.problems) == MAX_PROBLEMS
    assert invalid.value.more == 50 - MAX_PROBLEMS


def test_the_bytes_of_a_file_are_read_as_utf8_json_with_or_without_a_bom() -> None:
    raw = json.dumps(feature(POLYGON, name="青山镇"), ensure_ascii=False).encode()
    assert read_boundary(raw).features == 1
    assert read_boundary(b"\xef\xbb\xbf" + raw).features == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", Problem(Code.NOT_JSON, line=1, column=1)),
        (b'{"type": "Polygon",\n "coordinates": [}', Problem(Code.NOT_JSON, line=2, column=18)),
        (b'{"type": "Polygon", "coordinates": [[[NaN, 1]]]}', Problem(Code.NOT_JSON)),
        (b"[" * 100_000, Problem(Code.NOT_JSON)),
        ('{"name": "青山"}'.encode("gbk"), Problem(Code.NOT_UTF8)),
    ],
)
def test_a_file_that_is_not_utf8_json_is_refused_before_its_shape_is_read(
    raw: bytes, expected: Problem
) -> None:
    with pytest.raises(InvalidBoundary) as invalid:
        read_boundary(raw)
    assert invalid.value.problems == [expected]


def test_a_file_over_2_mb_is_refused_without_being_parsed() -> None:
    raw = b" " * (MAX_BYTES + 1)
    with pytest.raises(InvalidBoundary) as invalid:
        read_boundary(raw)
    assert invalid.value.problems == [Problem(Code.TOO_LARGE, found=str(MAX_BYTES + 1))]


LNG = st.floats(min_value=-180, max_value=180, allow_nan=False)
LAT = st.floats(min_value=-90, max_value=90, allow_nan=False)


@given(st.lists(st.tuples(LNG, LAT), min_size=3, max_size=30))
def test_any_closed_ring_of_valid_positions_is_a_boundary_inside_its_bbox(
    points: list[tuple[float, float]],
) -> None:
    ring = [[lng, lat] for lng, lat in points] + [[points[0][0], points[0][1]]]
    shape = check_boundary({"type": "Polygon", "coordinates": [ring]})
    west, south, east, north = shape.bbox
    assert shape.positions == len(ring)
    for lng, lat in shape.geojson["features"][0]["geometry"]["coordinates"][0]:
        assert west <= lng <= east and south <= lat <= north
    assert check_boundary(shape.geojson) == shape
