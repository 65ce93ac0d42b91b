"""manage.py verify_audit ZIP [--key HEX] [--receipts FILE] — the standalone verifier, from here."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.rules.verify import verify


class Command(BaseCommand):
    help = "Verifies an audit bundle; prints every check and fails unless all pass."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zip", type=Path)
        parser.add_argument("--key")
        parser.add_argument("--receipts", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        receipts = None
        if options["receipts"]:
            text = options["receipts"].read_text()
            receipts = [line.strip() for line in text.splitlines() if line.strip()]
        outcomes = verify(options["zip"], options["key"], receipts)
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        if not all(o.passed for o in outcomes):
            raise CommandError("NOT VERIFIED")
        self.stdout.write("VERIFIED")
