"""A round's ballot box on the server: its key at rest, and sealing or opening its records."""

import json
from typing import Any

from django.conf import settings

from ballots import sealing
from ballots.models import Round
from ballots.rules.canonical import canonical_json


def give_box_key(round_: Round) -> None:
    sealed = sealing.new_box_key(settings.SIGNING_KEK, round_.code)
    round_.box_salt, round_.sealed_box_key = sealed.salt, sealed.sealed


def box_key(round_: Round) -> bytes:
    if round_.box_salt is None or round_.sealed_box_key is None:
        raise LookupError(f"round {round_.code} has no ballot box key (not open, or closed)")
    sealed = sealing.SealedBoxKey(bytes(round_.box_salt), bytes(round_.sealed_box_key))
    return sealing.open_box_key(settings.SIGNING_KEK, round_.code, sealed)


def destroy_box_key(round_: Round) -> None:
    round_.box_salt = round_.sealed_box_key = None


def seal_record(round_code: str, key: bytes, record: dict[str, Any], size: int) -> bytes:
    return sealing.seal(key, canonical_json(record), size=size, round_id=round_code)


def open_record(round_code: str, key: bytes, box: bytes | memoryview) -> dict[str, Any]:
    opened: dict[str, Any] = json.loads(sealing.unseal(key, bytes(box), round_id=round_code))
    return opened
