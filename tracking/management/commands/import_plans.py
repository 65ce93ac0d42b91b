"""manage.py import_plans FILE — create or replace implementation plans from a plan file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracking.management.file_import import imported
from tracking.models import TrackedProject
from tracking.plan_file import PlanSpec, read_plan_file
from tracking.services.plans import plans_import


def _checked_and_stored(raw: bytes) -> tuple[list[PlanSpec], list[TrackedProject]]:
    specs = read_plan_file(raw)
    return specs, plans_import(specs)


class Command(BaseCommand):
    help = (
        "Creates or replaces the plans of the projects a plan file names; stores nothing and "
        "exits 1, with one line per problem, if anything in it is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        specs, projects = imported(options["file"], _checked_and_stored)
        new = sum(1 for spec in specs if spec.new)
        milestones = sum(len(spec.milestones) for spec in specs)
        self.stdout.write(
            f"Imported the plans of {len(projects)} projects ({new} new, "
            f"{len(projects) - new} replaced) with {milestones} milestones: "
            + ", ".join(p.code for p in projects)
        )
