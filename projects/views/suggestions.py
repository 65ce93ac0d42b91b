"""联络站码 and 群众提: a station's public page where residents file suggestions, each suggestion's
status by its reference number, the station's printable sign, and its inbox in the work area."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.access import Access, access_for, is_public, require
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest, confirmed
from projects.models import Body, Station, Suggestion, SuggestionState
from projects.pdf.qr import public_url
from projects.pdf.signs import sign_for_station, signs_pdf
from projects.services_suggestions import (
    next_year,
    raised_on,
    reference_normalise,
    source_name,
    suggestion_adopt,
    suggestion_decline,
    suggestion_file,
)
from projects.suggestion_forms import AdoptForm, DeclineForm, SuggestionForm

INBOX_ROWS = 100  # the newest of a state; older ones wait behind them
ALL = "all"


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def station_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What a station's code opens: the station, and a form to suggest next year's projects."""
    station = get_object_or_404(Station.objects.select_related("body"), pk=pk)
    typed = request.GET.get("ref", "")
    if reference_normalise(typed):
        return redirect("suggestion_status", reference=reference_normalise(typed))
    form = SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = suggestion_file(
                station=station, address=_client_address(request), **form.cleaned_data
            )
        except Refused as refusal:
            form.add_error(None, refusal.detail)
            status = 429 if refusal.code == "rate_limited" else 400
        else:
            messages.success(
                request,
                _("Sent. Your reference number is %(ref)s: keep it to read the answer.")
                % {"ref": suggestion.reference},
            )
            return redirect("suggestion_status", reference=suggestion.reference)
    return render(
        request,
        "projects/station_page.html",
        {"station": station, "form": form, "year": next_year()},
        status=status,
    )


def _explanation(suggestion: Suggestion) -> str:
    if suggestion.state == SuggestionState.ADOPTED and suggestion.candidate is not None:
        return _(
            "It became a draft candidate project for %(year)s at %(station)s. It is screened "
            "with the other proposals; if it reaches the published candidate list, the people's "
            "congress votes on it at its session."
        ) % {"year": suggestion.candidate.year, "station": suggestion.station.name}
    if suggestion.state == SuggestionState.DECLINED:
        return _("The station's staff did not take it up; their answer is above.")
    return _("The station's staff have not answered yet. Come back later with your number.")


def suggestion_status(request: HttpRequest, reference: str) -> HttpResponse:
    """Anyone with the reference number reads the state and the answer; nothing else of theirs."""
    wanted = reference_normalise(reference)
    suggestion = (
        Suggestion.objects.select_related("station__body", "candidate")
        .filter(reference=wanted)
        .first()
    )
    if suggestion is None:
        return render(request, "projects/suggestion_status.html", {"reference": wanted}, status=404)
    candidate = suggestion.candidate
    return render(
        request,
        "projects/suggestion_status.html",
        {
            "reference": wanted,
            "suggestion": suggestion,
            "explanation": _explanation(suggestion),
            # Linked only once the public may see it: on a published candidate list.
            "public_candidate": candidate
            if candidate is not None and is_public(candidate)
            else None,
        },
    )


def _inbox_access(request: HttpRequest, slug: str) -> Access:
    access = access_for(request.user, get_object_or_404(Body, slug=slug))
    require(access.is_congress_staff or access.is_station_staff)
    return access


def _own(access: Access) -> QuerySet[Suggestion]:
    """The suggestions this person handles: every station's for congress staff, else their own."""
    rows = Suggestion.objects.filter(station__body=access.body)
    return rows if access.is_congress_staff else rows.filter(station_id__in=access.station_ids)


def _visible(access: Access, pk: int) -> Suggestion:
    # Another station's suggestion answers like one that does not exist.
    return get_object_or_404(_own(access).select_related("station__body"), pk=pk)


def _own_stations(access: Access) -> QuerySet[Station]:
    stations = access.body.stations.order_by("name")
    return stations if access.is_congress_staff else stations.filter(pk__in=access.station_ids)


@dataclass(frozen=True)
class InboxRow:
    suggestion: Suggestion
    is_new: bool
    resident: str


@login_required
def suggestion_inbox(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _inbox_access(request, body)
    state = request.GET.get("state", SuggestionState.NEW)
    state = state if state in (*SuggestionState.values, ALL) else SuggestionState.NEW
    mine = _own(access)
    counts = dict(mine.values_list("state").annotate(n=Count("pk")).order_by())
    shown = mine if state == ALL else mine.filter(state=state)
    rows = [
        InboxRow(s, s.state == SuggestionState.NEW, source_name(s))
        for s in shown.select_related("station", "candidate")[:INBOX_ROWS]
    ]
    tabs = [(value, label, counts.get(value, 0)) for value, label in SuggestionState.choices] + [
        (ALL, _("All"), sum(counts.values()))
    ]
    return render(
        request,
        "projects/suggestion_inbox.html",
        {
            "access": access,
            "body": access.body,
            "rows": rows,
            "more": shown.count() - len(rows),
            "tabs": tabs,
            "state": state,
            "stations": _own_stations(access),
        },
    )


def _handled_words(suggestion: Suggestion) -> str:
    if suggestion.state == SuggestionState.NEW:
        return ""
    return _("This suggestion has already been handled: %(state)s.") % {
        "state": suggestion.get_state_display()
    }


def _first_words(text: str) -> str:
    """A starting point for the candidate's name: the first line, shortened."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:30].rstrip("。，,.;；:： ")


@login_required
def suggestion_adopt_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    """Asked first: what the candidate will be and that the resident stays its source."""
    access = _inbox_access(request, body)
    suggestion = _visible(access, pk)
    form = AdoptForm(request.POST or None, initial={"name": _first_words(suggestion.text)})
    if request.method == "POST" and confirmed(request) and form.is_valid():
        try:
            candidate = suggestion_adopt(
                actor=request.user,
                suggestion=suggestion,
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Draft candidate filed; the resident is kept as its source. Check it, then "
                    "submit it for screening."
                ),
            )
            return redirect("candidate_detail", body=body, pk=candidate.pk)
    return render(
        request,
        "projects/suggestion_adopt.html",
        {
            "access": access,
            "body": access.body,
            "suggestion": suggestion,
            "form": form,
            "year": next_year(),
            "resident": source_name(suggestion),
            "raised_on": raised_on(suggestion),
            "blocked": _handled_words(suggestion),
            "back": reverse("suggestion_inbox", kwargs={"body": body}),
        },
    )


@login_required
def suggestion_decline_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    access = _inbox_access(request, body)
    suggestion = _visible(access, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and confirmed(request) and form.is_valid():
        try:
            suggestion_decline(
                actor=request.user, suggestion=suggestion, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Declined; the resident reads your answer under %(ref)s.")
                % {"ref": suggestion.reference},
            )
            return redirect("suggestion_inbox", body=body)
    return render(
        request,
        "projects/suggestion_decline.html",
        {
            "access": access,
            "body": access.body,
            "suggestion": suggestion,
            "form": form,
            "blocked": _handled_words(suggestion),
            "back": reverse("suggestion_inbox", kwargs={"body": body}),
        },
    )


@login_required
def station_sign(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    """联络站码 for the station's notice board: its own staff and congress staff print it."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    station = get_object_or_404(Station.objects.select_related("body"), pk=pk, body=access.body)
    require(access.is_congress_staff or station.pk in access.station_ids)
    url = public_url(request, reverse("station_page", kwargs={"pk": station.pk}))
    response = HttpResponse(
        signs_pdf([sign_for_station(station, url)], title=station.name),
        content_type="application/pdf",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="station-{station.pk}.pdf"'
    return response
