"""What the plan and progress commands share: read the file, and turn refusals into exit 1."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.core.management.base import CommandError

from projects.errors import Refused
from tracking.plan_file import FileRefused

T = TypeVar("T")


def imported(path: Path, store: Callable[[bytes], T]) -> T:
    """`store(the file's bytes)`, or a CommandError (exit 1) with one line per problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None
    try:
        return store(raw)
    except FileRefused as refused:
        raise CommandError("\n".join(refused.problems)) from None
    except Refused as refused:
        raise CommandError(refused.detail) from None
