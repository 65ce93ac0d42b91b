"""manage.py import_progress FILE — store staff's progress updates, reviewed, from a file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.errors import Refused
from tracking.plan_file import FileRefused
from tracking.progress_file import read_progress_file
from tracking.services.progress import progress_import


class Command(BaseCommand):
    help = (
        "Stores the progress updates of a progress file as reviewed; stores nothing and exits 1, "
        "with one line per problem, if anything in it is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        try:
            updates = progress_import(read_progress_file(raw))
        except FileRefused as refused:
            raise CommandError("\n".join(refused.problems)) from None
        except Refused as refused:
            raise CommandError(refused.detail) from None
        projects = sorted({u.project.code for u in updates})
        self.stdout.write(
            f"Imported {len(updates)} progress updates of {len(projects)} projects: "
            + ", ".join(projects)
        )
