"""A command that takes one round id and applies one service to it."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ballots.models import Round


class RoundCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round")

    def action(self) -> Callable[..., Round]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"No round {options['round']}")
        try:
            round_ = self.action()(round_=round_)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{round_.code}: {round_.status}")
