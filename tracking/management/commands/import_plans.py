"""manage.py import_plans FILE — create or replace implementation plans from a plan file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projects.errors import Refused
from tracking.plan_file import FileRefused, read_plan_file
from tracking.services.plans import plans_import


class Command(BaseCommand):
    help = (
        "Creates or replaces the plans of the projects a plan file names; stores nothing and "
        "exits 1, with one line per problem, if anything in it is invalid."
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
            specs = read_plan_file(raw)
            projects = plans_import(specs)
        except FileRefused as refused:
            raise CommandError("\n".join(refused.problems)) from None
        except Refused as refused:
            raise CommandError(refused.detail) from None
        new = sum(1 for spec in specs if spec.new)
        milestones = sum(len(spec.milestones) for spec in specs)
        self.stdout.write(
            f"Imported the plans of {len(projects)} projects ({new} new, "
            f"{len(projects) - new} replaced) with {milestones} milestones: "
            + ", ".join(p.code for p in projects)
        )
