"""manage.py check_round ROUND — a closed round's records against its signed bundle."""

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.audit import stored_records_problems
from ballots.models import Round
from ballots.rules.verify import verify
from projects.action_log import log_lines


def _anchored(manifest: bytes) -> bool:
    """Whether the bundle anchors the action log (bundles signed before anchors do not)."""
    try:
        facts = json.loads(manifest)
    except (ValueError, RecursionError):
        return False  # the verifier says what is wrong with it
    return isinstance(facts, dict) and "action_log" in facts


class Command(BaseCommand):
    help = (
        "Verifies a closed round's stored bundle and compares the round's records in the database "
        "with it, so that a change made behind the application's back is found: the ballots, the "
        "tally, the items, the key, and the staff action log, which must still reach the anchor "
        "signed in the bundle."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"], bundle__isnull=False).first()
        if round_ is None:
            raise CommandError(f"No closed, signed round {options['round']}")
        with tempfile.TemporaryDirectory() as work:
            archive = Path(work) / f"{round_.code}.zip"
            archive.write_bytes(bytes(round_.bundle.archive))
            log = None
            if _anchored(bytes(round_.bundle.manifest)):
                log = Path(work) / "actions.jsonl"
                log.write_bytes(log_lines(round_.session.body))
            outcomes = verify(archive, round_.public_key, round_id=round_.code, log=log)
        for outcome in outcomes:
            self.stdout.write(outcome.line())
        problems = stored_records_problems(round_)
        for problem in problems:
            self.stdout.write(f"[FAIL] records: {problem}")
        if problems or not all(o.passed for o in outcomes):
            raise CommandError("NOT VERIFIED")
        self.stdout.write("[PASS] records: the database matches the signed bundle")
        self.stdout.write("VERIFIED")
