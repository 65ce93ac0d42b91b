"""manage.py export_audit ROUND --out DIR — DIR/<ROUND>.zip, the stored bundle byte for byte."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.models import Bundle


class Command(BaseCommand):
    help = "Writes a closed round's signed audit bundle (minsheng-audit/1) to DIR/<ROUND>.zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        bundle = Bundle.objects.filter(round__code=options["round"]).first()
        if bundle is None:
            raise CommandError(f"No closed, signed round {options['round']}")
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{options['round']}.zip"
        target.write_bytes(bytes(bundle.archive))
        self.stdout.write(f"{target}  sha256 {bundle.archive_sha256}")
