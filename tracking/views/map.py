"""The public project map, its boundaries, and the boundary upload in the work area.

The map page holds only the filters and the words; tracking/static/tracking/map.js reads the
projects from the public projects API and each congress's boundary from its small JSON address,
so the map shows exactly what the API says, and a filter never reloads the page.
"""

import datetime
import json
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import last_modified, require_safe

from projects.access import access_for, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest
from projects.models import Body, Category
from tracking.models import Boundary, ColourChoice, ProjectStatus, TrackedProject
from tracking.rules.geojson import MAX_BYTES, InvalidBoundary, Shape, read_boundary
from tracking.services.boundary import boundary_shape, boundary_upload, problems_in_words

NO_COLOUR = "none"  # paused, stopped, completed, closed: the API's colour null


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool = False
    boundary: str = ""  # the body's boundary address, for the script


@dataclass
class Filter:
    name: str
    label: str
    everything: str  # the empty option: no filter
    options: list[Option] = field(default_factory=list)


def _filter(
    request: HttpRequest,
    name: str,
    label: str,
    everything: str,
    choices: list[tuple[str, str]],
    boundaries: dict[str, str] | None = None,
) -> Filter:
    """A select preset from the address; a value not among the choices selects nothing."""
    chosen = request.GET.get(name, "")
    return Filter(
        name,
        label,
        everything,
        [
            Option(value, label, value == chosen, (boundaries or {}).get(value, ""))
            for value, label in choices
        ],
    )


def _words() -> dict[str, object]:
    """What the script says, in the page's language (the script itself holds no words)."""
    return {
        "colours": {
            ColourChoice.RED: _("Red"),
            ColourChoice.YELLOW: _("Yellow"),
            ColourChoice.GREEN: _("Green"),
            NO_COLOUR: _("No colour"),
        },
        "statuses": {value: str(label) for value, label in ProjectStatus.choices},
        "categories": {value: str(label) for value, label in Category.choices},
        "urgent": _("Urgent (绿色通道)"),
        "progress": _("Progress %(progress)s · schedule progress %(expected)s"),
        "summary": _("%(count)s projects, %(located)s of them on the map"),
        "no_location": _("No location: not on the map"),
        "show": _("Show on the map"),
        "empty": _("No project matches these filters."),
        "loading": _("Loading the projects…"),
        "failed": _("The projects could not be loaded. Check the connection and try again."),
        "legend": _("Warning colours"),
        "no_colour_note": _("No colour: paused, stopped, completed or closed projects."),
    }


@require_safe
def project_map(request: HttpRequest) -> HttpResponse:
    """GET /map/?body=&year=&category=&status=&colour=: the filters, preset from the address."""
    projects = TrackedProject.objects.filter(parent__isnull=True)
    boundaries = {
        slug: reverse("map_boundary_json", kwargs={"body": slug})
        for slug in Boundary.objects.values_list("body__slug", flat=True)
    }
    bodies = Body.objects.filter(
        Q(pk__in=projects.values("body")) | Q(boundary__isnull=False)
    ).order_by("name")
    years = projects.values_list("year", flat=True).distinct().order_by("-year")
    present = set(projects.values_list("candidate__category", flat=True).distinct())
    filters = [
        _filter(
            request,
            "body",
            _("congress"),
            _("All congresses"),
            [(b.slug, b.name) for b in bodies],
            boundaries,
        ),
        _filter(request, "year", _("year"), _("All years"), [(str(y), str(y)) for y in years]),
        _filter(
            request,
            "category",
            _("category"),
            _("All categories"),
            [(value, str(label)) for value, label in Category.choices if value in present],
        ),
        _filter(
            request,
            "status",
            _("status"),
            _("All statuses"),
            [(value, str(label)) for value, label in ProjectStatus.choices],
        ),
        _filter(
            request,
            "colour",
            _("warning colour"),
            _("All colours"),
            [(value, str(label)) for value, label in ColourChoice.choices]
            + [(NO_COLOUR, _("No colour"))],
        ),
    ]
    return render(
        request,
        "tracking/map.html",
        {"filters": filters, "words": _words(), "today": timezone.localdate()},
    )


def _boundary_changed(request: HttpRequest, body: str) -> datetime.datetime | None:
    """When the boundary was last stored: a browser that has it gets 304, not 2 MB again."""
    return Boundary.objects.filter(body__slug=body).values_list("uploaded_at", flat=True).first()


@require_safe
@last_modified(_boundary_changed)
def boundary_json(request: HttpRequest, body: str) -> JsonResponse:
    """A congress's boundary, as stored (checked and normalised): public, like the map."""
    boundary = Boundary.objects.filter(body__slug=body).first()
    if boundary is None:
        raise Http404
    response = JsonResponse(boundary.geojson, content_type="application/geo+json")
    response.headers["Cache-Control"] = "no-cache"  # a replaced boundary shows at once
    return response


class BoundaryFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("GeoJSON file"),
        help_text=gettext_lazy(
            "A Polygon or MultiPolygon, alone, in a Feature or in a FeatureCollection; "
            "longitude/latitude in degrees; at most 2 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".geojson,.json,application/geo+json,application/json"}
        ),
    )
    shape: Shape | None = None

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            # One byte more than allowed is enough to know the file is too large.
            self.shape = read_boundary(upload.read(MAX_BYTES + 1))
        except InvalidBoundary as invalid:
            raise ValidationError(problems_in_words(invalid)) from None
        return upload


class BoundaryConfirmForm(forms.Form):
    """The checked file, carried back by the confirmation: checked again before it is stored."""

    name = forms.CharField(max_length=200, required=False)
    geojson = forms.CharField(widget=forms.HiddenInput, strip=False)

    def clean_geojson(self) -> object:
        # Normalising can lengthen a file of whole degrees ("121" → "121.0"): room for that.
        raw = self.cleaned_data["geojson"].encode()
        if len(raw) > 2 * MAX_BYTES:
            raise ValidationError(_("The boundary is too large."))
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            again = _("The boundary could not be read: upload the file again.")
            raise ValidationError(again) from None


def _facts(boundary: Boundary | None, shape: Shape | None) -> dict[str, object] | None:
    if shape is None:
        return None
    west, south, east, north = shape.bbox
    return {
        "name": boundary.name if boundary is not None else "",
        "areas": shape.features,
        "polygons": shape.polygons,
        "positions": shape.positions,
        "extent": f"{west:.4f}, {south:.4f} — {east:.4f}, {north:.4f}",
    }


@login_required
def map_boundary(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Staff, auditors and stations see the boundary; congress staff upload one, asked first."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.has_work_area)
    current = Boundary.objects.filter(body=access.body).select_related("uploaded_by").first()
    current_shape = boundary_shape(current) if current is not None else None
    upload = BoundaryFileForm()
    confirm: BoundaryConfirmForm | None = None
    preview: Shape | None = None
    name = ""
    if request.method == "POST":
        require(access.is_congress_staff)
        if request.POST.get("confirm") == "yes":
            confirm = BoundaryConfirmForm(request.POST)
            if confirm.is_valid():
                try:
                    boundary_upload(
                        body=access.body,
                        actor=request.user,
                        name=confirm.cleaned_data["name"],
                        geojson=confirm.cleaned_data["geojson"],
                    )
                except Refused as refused:
                    confirm.add_error(None, refused.detail)
                else:
                    stored = _("The map boundary is stored; the public map draws it now.")
                    messages.success(request, stored)
                    return redirect("map_boundary", body=body)
        else:
            upload = BoundaryFileForm(request.POST, request.FILES)
            if upload.is_valid() and upload.shape is not None:
                preview = upload.shape
                name = upload.cleaned_data["file"].name or ""
                confirm = BoundaryConfirmForm(
                    initial={
                        "name": name,
                        "geojson": json.dumps(preview.geojson, separators=(",", ":")),
                    }
                )
    failed = bool(upload.errors or (confirm is not None and confirm.errors))
    return render(
        request,
        "tracking/map_boundary.html",
        {
            "access": access,
            "body": access.body,
            "current": current,
            "current_facts": _facts(current, current_shape),
            "current_geojson": current.geojson if current is not None else None,
            "upload": upload,
            "confirm": confirm,
            "preview": preview,
            "preview_facts": _facts(None, preview),
            "preview_name": name,
            "limit_mb": MAX_BYTES // (1024 * 1024),
        },
        status=400 if failed else 200,
    )
