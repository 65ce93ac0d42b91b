"""manage.py close_round ROUND."""

from collections.abc import Callable

from ballots.management.round_command import RoundCommand
from ballots.models import Round
from ballots.services.rounds import round_close


class Command(RoundCommand):
    help = "Closes voting in a round, counts it under the rules and stores the tally."

    def action(self) -> Callable[..., Round]:
        return round_close
