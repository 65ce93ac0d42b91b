"""The voting API of interfaces.md: JSON in, JSON out, every error as {"error", "detail"}."""

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ballots.credentials import normalize_receipt
from ballots.hall_state import round_state_async, round_state_now
from ballots.json_input import JsonRefused, strict_loads
from ballots.models import Ballot, Bundle, Round, RoundStatus
from ballots.selectors import BAD_CREDENTIAL, card_check
from ballots.services.casting import ballot_cast_async
from ballots.session_file import CODE
from projects.errors import Refused

# A ballot names at most 999 items by ids of at most 64 characters: far below this.
MAX_BALLOT_BYTES = 256 * 1024
RECEIPT = re.compile(r"\A[0-9a-f]{1,64}\Z")

# The one place a refusal's code becomes an HTTP status (interfaces.md).
STATUS_OF_CODE = {
    "invalid_ballot": 400,
    "too_many_yes": 400,
    "bad_credential": 401,
    "not_present": 403,
    "unknown_round": 404,
    "unknown_receipt": 404,
    "already_voted": 409,
    "round_not_open": 409,
    "round_not_closed": 409,
}


def error(code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=STATUS_OF_CODE[code])


def refused(refusal: Refused) -> JsonResponse:
    return error(refusal.code, refusal.detail)


@dataclass(frozen=True)
class ApiCall:
    """A request as the fast endpoints read it, from Django's request or straight from ASGI."""

    headers: Mapping[str, str]  # names in lower case
    body: bytes | None  # None: too large to be read at all


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class LeanRoute:
    """An endpoint the lean ASGI stack may serve itself (config/lean_api.py), by URL name."""

    endpoint: Callable[..., Awaitable[ApiAnswer]]
    methods: frozenset[str]


def _answer(code: str, detail: str) -> ApiAnswer:
    return ApiAnswer(STATUS_OF_CODE[code], {"error": code, "detail": detail})


def _bearer(headers: Mapping[str, str]) -> str:
    scheme, _sep, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _round(code: str) -> Round | None:
    if not CODE.fullmatch(code):
        return None  # not an id at all (a NUL, a newline…): never sent to the database
    return Round.objects.select_related("session").filter(code=code).first()


def _unknown_round() -> JsonResponse:
    return error("unknown_round", _("There is no such round."))


async def cast_call(call: ApiCall, round_code: str) -> ApiAnswer:
    token = _bearer(call.headers)
    if not token:
        return _answer("bad_credential", _("A voting card is required (Authorization: Bearer)."))
    if not CODE.fullmatch(round_code):
        return _answer("unknown_round", _("There is no such round."))
    raw = call.body
    if raw is None or len(raw) > MAX_BALLOT_BYTES:
        return _answer(
            "invalid_ballot",
            _("The request body is too large (at most %(n)d bytes).") % {"n": MAX_BALLOT_BYTES},
        )
    try:
        # Repeated keys, NaN, endless numbers and deep nesting are refused, not guessed at.
        body = strict_loads(raw)
    except JsonRefused as problem:
        return _answer("invalid_ballot", problem.detail)
    if not isinstance(body, dict) or "choices" not in body:
        return _answer("invalid_ballot", _('The body must be {"choices": {...}}.'))
    try:
        result = await ballot_cast_async(
            round_code=round_code,
            code=token,
            choices=body["choices"],
            key=call.headers.get("idempotency-key"),
        )
    except Refused as refusal:
        return _answer(refusal.code, refusal.detail)
    return ApiAnswer(200 if result.replayed else 201, {"receipt": result.receipt})


async def status_call(call: ApiCall, round_code: str) -> ApiAnswer:
    state = await round_state_async(round_code) if CODE.fullmatch(round_code) else None
    if state is None:
        return _answer("unknown_round", _("There is no such round."))
    state.pop("tally", None)
    return ApiAnswer(200, state)


def _call_of(request: HttpRequest) -> ApiCall:
    try:
        body: bytes | None = request.body
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE: not even read
        body = None
    return ApiCall({name.lower(): value for name, value in request.headers.items()}, body)


@csrf_exempt  # bearer credentials, no cookies: a cross-site form cannot cast
@require_POST
async def cast(request: HttpRequest, round_code: str) -> JsonResponse:
    answer = await cast_call(_call_of(request), round_code)
    return JsonResponse(answer.payload, status=answer.status)


@require_GET
def status(request: HttpRequest, round_code: str) -> JsonResponse:
    state = round_state_now(round_code) if CODE.fullmatch(round_code) else None
    if state is None:
        return _unknown_round()
    state.pop("tally", None)
    return JsonResponse(state)


# Served by the lean stack under the ASGI server; by these views through Django's full stack
# otherwise (the test client, a method the route does not take, a host Django must judge).
LEAN_ROUTES = {
    "api_cast": LeanRoute(cast_call, frozenset({"POST"})),
    "api_round": LeanRoute(status_call, frozenset({"GET"})),
}


@require_GET
def tally(request: HttpRequest, round_code: str) -> JsonResponse:
    round_ = _round(round_code)
    if round_ is None:
        return _unknown_round()
    if not round_.is_closed or round_.tally is None:
        return error("round_not_closed", _("The round is not closed yet."))
    return JsonResponse(round_.tally)


@require_GET
def credential(request: HttpRequest, round_code: str) -> JsonResponse:
    """For tablets: is this card good for this round, and is it still unused?"""
    round_ = _round(round_code)
    if round_ is None:
        return _unknown_round()
    card = card_check(code=_bearer(request.headers), round_=round_).card
    if card is None:
        return error("bad_credential", str(BAD_CREDENTIAL))
    return JsonResponse(
        {
            "round": round_.code,
            "status": round_.status,
            "used": card.used,
            "voter": card.voter.name if card.voter else None,
        }
    )


@require_GET
def audit_zip(request: HttpRequest, round_code: str) -> HttpResponse:
    round_ = _round(round_code)
    if round_ is None:
        return _unknown_round()
    bundle = Bundle.objects.filter(round=round_).first()
    if bundle is None:
        return error("round_not_closed", _("The round is not closed yet."))
    response = HttpResponse(bytes(bundle.archive), content_type="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{round_.code}.zip"'
    response.headers["X-Content-SHA256"] = bundle.archive_sha256
    return response


@require_GET
def receipt(request: HttpRequest, receipt: str) -> JsonResponse:
    """Which closed round's board a receipt stands on."""
    wanted = normalize_receipt(receipt)
    found = (
        Ballot.objects.filter(receipt=wanted, round__status=RoundStatus.CLOSED)
        .values_list("round__code", flat=True)
        .first()
        if RECEIPT.fullmatch(wanted)
        else None
    )
    if found is None:
        return error("unknown_receipt", _("No closed round's board has this receipt."))
    return JsonResponse({"round": found})
