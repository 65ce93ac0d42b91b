"""manage.py import_progress FILE — store staff's progress updates, reviewed, from a file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracking.management.file_import import imported
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
        updates = imported(options["file"], lambda raw: progress_import(read_progress_file(raw)))
        projects = sorted({u.project.code for u in updates})
        self.stdout.write(
            f"Imported {len(updates)} progress updates of {len(projects)} projects: "
            + ", ".join(projects)
        )
