"""manage.py export_projects --out FILE.xlsx — every tracked project and milestone, in the
columns the Excel imports read."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracking.models import Milestone, TrackedProject
from tracking.plan_excel import projects_workbook


class Command(BaseCommand):
    help = "Writes every tracked project and milestone to an Excel workbook (two sheets)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        projects = TrackedProject.objects.order_by("body__name", "year", "code")
        content = projects_workbook(projects)
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}") from None
        self.stdout.write(
            f"Wrote {projects.count()} projects and {Milestone.objects.count()} milestones to {out}"
        )
