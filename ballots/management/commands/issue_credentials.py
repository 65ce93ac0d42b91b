"""manage.py issue_credentials ROUND --out CSV — one-time voting cards for present voters."""

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.models import Round, Secrecy
from ballots.services.cards import credentials_issue


class Command(BaseCommand):
    help = (
        "Issues cards for present voters who have none and writes them to CSV: secret rounds "
        "'credential' rows in random order; named rounds 'voter_id,credential' rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"No round {options['round']}")
        try:
            cards = credentials_issue(round_=round_)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        named = round_.secrecy == Secrecy.NAMED
        with options["out"].open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["voter_id", "credential"] if named else ["credential"])
            for card in cards:
                writer.writerow([card.voter_code, card.code] if named else [card.code])
        self.stdout.write(f"Issued {len(cards)} cards for {round_.code} to {options['out']}")
