"""A congress's map boundary: stored from a checked GeoJSON file, logged, and put into words."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from projects.models import Body
from tracking.models import Boundary, TrackingAction
from tracking.rules.geojson import (
    MAX_BYTES,
    Code,
    InvalidBoundary,
    Problem,
    Shape,
    check_boundary,
)

NAME_LENGTH = 200  # Boundary.name


def boundary_upload(*, body: Body, actor: User | None, name: str, geojson: object) -> Boundary:
    """Store the body's boundary, replacing any earlier one; the shape is checked again here,
    whatever the form saw, so nothing but a valid boundary is ever stored or served."""
    try:
        shape = check_boundary(geojson)
    except InvalidBoundary as invalid:
        raise Refused("invalid_boundary", " ".join(problems_in_words(invalid))) from None
    name = name.strip()[:NAME_LENGTH]
    with transaction.atomic():
        earlier = Boundary.objects.select_for_update().filter(body=body).first()
        replaced = earlier.name if earlier is not None else None
        boundary = earlier or Boundary(body=body)
        boundary.name = name
        boundary.geojson = shape.geojson
        boundary.uploaded_by = actor
        boundary.full_clean()
        boundary.save()
        action_record(
            body=body,
            actor=actor,
            action=TrackingAction.BOUNDARY_UPLOADED,
            subject=name or body.slug,
            detail={
                "areas": shape.features,
                "polygons": shape.polygons,
                "positions": shape.positions,
                "bbox": list(shape.bbox),
                "replaced": replaced,
            },
        )
    return boundary


def boundary_shape(boundary: Boundary) -> Shape | None:
    """The stored boundary's figures; None if what is stored no longer reads (never expected)."""
    try:
        return check_boundary(boundary.geojson)
    except InvalidBoundary:
        return None


def problems_in_words(invalid: InvalidBoundary) -> list[str]:
    words = [_problem_in_words(p) for p in invalid.problems]
    if invalid.more:
        words.append(_("…and %(count)d more problems.") % {"count": invalid.more})
    return words


def _problem_in_words(problem: Problem) -> str:
    facts = {
        "where": problem.where or _("the file"),
        "found": problem.found,
        "line": problem.line,
        "column": problem.column,
        "limit": MAX_BYTES // (1024 * 1024),
    }
    if problem.code == Code.TOO_LARGE:
        facts["found"] = f"{int(problem.found) / (1024 * 1024):.1f}"
    if problem.code == Code.NOT_OBJECT:
        kinds = {
            "null": _("null (nothing)"),
            "boolean": _("true or false"),
            "number": _("a number"),
            "string": _("a text string"),
            "array": _("an array"),
        }
        facts["found"] = kinds.get(problem.found, problem.found)
    messages = {
        Code.TOO_LARGE: _(
            "The file is %(found)s MB; a boundary file may be at most %(limit)s MB. Simplify the "
            "outline (for example with mapshaper) and upload it again."
        ),
        Code.NOT_UTF8: _("The file is not UTF-8 text: save it as GeoJSON in UTF-8."),
        Code.NOT_JSON: (
            _("The file is not valid JSON (near line %(line)s, column %(column)s).")
            if problem.line is not None
            else _("The file is not valid JSON.")
        ),
        Code.NOT_OBJECT: _(
            "%(where)s: expected a GeoJSON object (a FeatureCollection, Feature, Polygon or "
            "MultiPolygon), found: %(found)s."
        ),
        Code.NO_TYPE: _("%(where)s: the GeoJSON “type” is missing."),
        Code.UNSUPPORTED_TYPE: _(
            "%(where)s: the type is %(found)s; a boundary is made of Polygon or MultiPolygon "
            "areas, alone, in a Feature or in a FeatureCollection."
        ),
        Code.NO_GEOMETRY: _("%(where)s: this Feature has no geometry."),
        Code.NOT_A_LIST: _("%(where)s: expected a non-empty array here."),
        Code.BAD_POSITION: _(
            "%(where)s: a position must be [longitude, latitude] in numbers, found %(found)s."
        ),
        Code.PROJECTED: _(
            "%(where)s: coordinates such as %(found)s are not degrees. The file seems to use a "
            "projected coordinate system (metres): export it in longitude/latitude "
            "(WGS 84 or CGCS2000, EPSG:4326 or EPSG:4490)."
        ),
        Code.LONGITUDE_RANGE: _("%(where)s: longitude %(found)s is outside −180 to 180."),
        Code.LATITUDE_RANGE: _(
            "%(where)s: latitude %(found)s is outside −90 to 90. GeoJSON writes the longitude "
            "first, then the latitude: check the order."
        ),
        Code.RING_TOO_SHORT: _(
            "%(where)s: a ring needs at least 4 positions (the first repeated at the end); this "
            "one has %(found)s."
        ),
        Code.RING_NOT_CLOSED: _(
            "%(where)s: the ring is not closed: its last position must repeat its first."
        ),
        Code.EMPTY: _("The file holds no area: no Polygon or MultiPolygon."),
    }
    words = messages[problem.code] % facts
    if problem.count > 1:
        words += _(" (%(count)s positions like this)") % {"count": problem.count}
    return words
