"""manage.py import_session FILE — create a session, its roster and rounds from a session file."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.services.sessions import body_named, session_import
from ballots.session_file import SessionFileError, load_session_file, parse_session_file


class Command(BaseCommand):
    help = "Creates a session, roster and rounds from a session file; stores nothing if invalid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        try:
            # Guarded: deep nesting, endless numbers and repeated keys are refused, not crashed on.
            spec = parse_session_file(load_session_file(raw))
        except SessionFileError as error:
            raise CommandError(
                "\n".join(["The session file is invalid:", *error.problems])
            ) from None
        body = body_named(spec.body)
        if body is None:
            raise CommandError(
                f"No congress is named {spec.body!r} (its code or its name); create it first "
                "(in the admin). Nothing was imported."
            )
        try:
            session = session_import(spec, body=body)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        rounds = ", ".join(session.rounds.values_list("code", flat=True))
        self.stdout.write(
            f"Imported session {session.code}: {session.voters.count()} voters; rounds {rounds}"
        )
