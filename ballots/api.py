"""The voting API of interfaces.md: JSON in, JSON out, every error as {"error", "detail"}."""

import json
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ballots.credentials import code_hash
from ballots.models import Ballot, Bundle, Credential, Round, RoundStatus
from ballots.selectors import round_state
from ballots.services import CastRefused, CastResult, ballot_cast


def error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _round(code: str) -> Round | None:
    return Round.objects.select_related("session").filter(code=code).first()


def _unknown_round() -> JsonResponse:
    return error(404, "unknown_round", _("There is no such round."))


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
        return error(401, "bad_credential", _("A voting card is required (Authorization: Bearer)."))
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return error(400, "invalid_ballot", _("The request body is not valid JSON."))
    if not isinstance(body, dict) or "choices" not in body:
        return error(400, "invalid_ballot", _('The body must be {"choices": {...}}.'))
    try:
        # Off the shared sync thread: casts run side by side, each in its own transaction.
        result = await sync_to_async(_cast_in_worker, thread_sensitive=False)(
            round_code=round_code,
            code=token,
            choices=body["choices"],
            key=request.headers.get("Idempotency-Key"),
        )
    except CastRefused as refused:
        return error(refused.status, refused.code, refused.detail)
    return JsonResponse({"receipt": result.receipt}, status=result.status)


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
        return error(409, "round_not_closed", _("The round is not closed yet."))
    return JsonResponse(round_.tally)


@require_GET
def credential(request: HttpRequest, round_code: str) -> JsonResponse:
    """For tablets: is this card good for this round, and is it still unused?"""
    round_ = _round(round_code)
    if round_ is None:
        return _unknown_round()
    card = (
        Credential.objects.select_related("voter")
        .filter(round=round_, token_hash=code_hash(_bearer(request)), revoked=False)
        .first()
    )
    if card is None:
        return error(401, "bad_credential", _("This voting card is not valid for this round."))
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
        return error(409, "round_not_closed", _("The round is not closed yet."))
    response = HttpResponse(bytes(bundle.archive), content_type="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{round_.code}.zip"'
    response.headers["X-Content-SHA256"] = bundle.archive_sha256
    return response


@require_GET
def receipt(request: HttpRequest, receipt: str) -> JsonResponse:
    """Which closed round's board a receipt stands on."""
    found = (
        Ballot.objects.filter(receipt=receipt.lower(), round__status=RoundStatus.CLOSED)
        .values_list("round__code", flat=True)
        .first()
    )
    if found is None:
        return error(404, "unknown_receipt", _("No closed round's board has this receipt."))
    return JsonResponse({"round": found})
