"""manage.py verify_audit ZIP [--key HEX] [--round ID] [--receipts FILE] [--log FILE].

The standalone verifier (ballots.rules.verify), from here: the same checks, lines and verdict.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.rules.verify import judge


class Command(BaseCommand):
    help = (
        "Verifies an audit bundle; prints every check and fails unless all pass and the bundle is "
        "signed by the key given with --key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("zip", type=Path)
        parser.add_argument("--key", help="the round's public key as announced (64 hex digits)")
        parser.add_argument("--round", help="the round id the bundle must be of")
        parser.add_argument("--receipts", type=Path, help="a file of receipts, one a line")
        parser.add_argument("--log", type=Path, help="the staff action log as downloaded (JSONL)")

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = judge(
            options["zip"],
            options["key"],
            options["receipts"],
            round_id=options["round"],
            log=options["log"],
        )
        for outcome in verdict.outcomes:
            self.stdout.write(outcome.line())
        if not verdict.verified:  # a failed check (exit 1), or no --key: signer unverified (3)
            raise CommandError(verdict.line(), returncode=verdict.exit_code)
        self.stdout.write(verdict.line())
