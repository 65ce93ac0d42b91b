"""manage.py checkin SESSION --all | VOTER ... — mark voters present (报到)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.models import Session
from ballots.services.sessions import voters_check_in


class Command(BaseCommand):
    help = "Marks voters of a session present."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session")
        parser.add_argument("voters", nargs="*")
        parser.add_argument("--all", action="store_true", help="every voter on the roster")

    def handle(self, *args: Any, **options: Any) -> None:
        session = Session.objects.filter(code=options["session"]).first()
        if session is None:
            raise CommandError(f"No session {options['session']}")
        if options["all"] == bool(options["voters"]):
            raise CommandError("Give either --all or voter ids, not both or neither.")
        try:
            changed = voters_check_in(
                session=session, codes=None if options["all"] else options["voters"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        present = session.voters.filter(present=True).count()
        self.stdout.write(
            f"Checked in {changed}; present {present} of {session.voters.count()} (应到/实到)"
        )
