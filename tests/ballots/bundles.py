"""Helpers to take a bundle apart, alter it, and put it back together."""

import json
import zipfile
from pathlib import Path
from typing import Any

from ballots.audit import archive
from ballots.rules.canonical import canonical_json, sha256_hex
from ballots.rules.verify import Outcome


def read(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def write(path: Path, content: dict[str, bytes]) -> Path:
    path.write_bytes(archive(content))
    return path


def board(content: dict[str, bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content["ballots.jsonl"].splitlines()]


def with_board(content: dict[str, bytes], records: list[dict[str, Any]]) -> dict[str, bytes]:
    lines = b"".join(canonical_json(r) + b"\n" for r in records)
    return {**content, "ballots.jsonl": lines}


def rehash(record: dict[str, Any]) -> dict[str, Any]:
    """Give an altered record the id and receipt its new content calls for."""
    body = {k: v for k, v in record.items() if k not in ("id", "receipt")}
    identifier = sha256_hex(canonical_json(body))
    return {**body, "id": identifier, "receipt": identifier[:16]}


def first_failure(outcomes: list[Outcome]) -> tuple[int, str, str]:
    failed = next(o for o in outcomes if not o.passed)
    return failed.number, failed.name, failed.reason
