"""The voting API of interfaces.md: JSON in, JSON out, every error as {"error", "detail"}."""

import re
from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ballots.credentials import normalize_receipt
from ballots.json_input import JsonRefused, strict_loads
from ballots.models import Ballot, Bundle, Round, RoundStatus
from ballots.selectors import BAD_CREDENTIAL, card_check, round_state
from ballots.services.casting import CastResult, ballot_cast
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


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _round(code: str) -> Round | None:
    if not CODE.fullmatch(code):
        return None  # not an id at all (a NUL, a newline…): never sent to the database
    return Round.objects.select_related("session").filter(code=code).first()


def _unknown_round() -> JsonResponse:
    return error("unknown_round", _("There is no such round."))


def _cast_in_worker(**arguments: Any) -> CastResult:
    """A cast on a pool thread, with the connection care Django gives a request's own thread."""
    close_old_connections()
    try:
        return ballot_cast(**arguments)
    finally:
        close_old_connections()


@csrf_exempt  # bearer credentials, no cookies: a cross-site form cannot cast
@require_POST
async def cast(request: HttpRequest, round_code: str) -> JsonResponse:
    token = _bearer(request)
    if not token:
        return error("bad_credential", _("A voting card is required (Authorization: Bearer)."))
    if not CODE.fullmatch(round_code):
        return _unknown_round()
    try:
        raw: bytes | None = request.body
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE: not even read
        raw = None
    if raw is None or len(raw) > MAX_BALLOT_BYTES:
        return error(
            "invalid_ballot",
            _("The request body is too large (at most %(n)d bytes).") % {"n": MAX_BALLOT_BYTES},
        )
    try:
        # Repeated keys, NaN, endless numbers and deep nesting are refused, not guessed at.
        body = strict_loads(raw)
    except JsonRefused as problem:
        return error("invalid_ballot", problem.detail)
    if not isinstance(body, dict) or "choices" not in body:
        return error("invalid_ballot", _('The body must be {"choices": {...}}.'))
    try:
        # Off the shared sync thread: casts run side by side, each in its own transaction.
        result = await sync_to_async(_cast_in_worker, thread_sensitive=False)(
            round_code=round_code,
            code=token,
            choices=body["choices"],
            key=request.headers.get("Idempotency-Key"),
        )
    except Refused as refusal:
        return refused(refusal)
    return JsonResponse({"receipt": result.receipt}, status=200 if result.replayed else 201)


@require_GET
def status(request: HttpRequest, round_code: str) -> JsonResponse:
    round_ = _round(round_code)
    if round_ is None:
        return _unknown_round()
    return JsonResponse(round_state(round_))


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
    card = card_check(code=_bearer(request), round_=round_).card
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
