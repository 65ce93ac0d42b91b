"""manage.py open_round ROUND."""

from collections.abc import Callable

from ballots.management.round_command import RoundCommand
from ballots.models import Round
from ballots.services.rounds import round_open


class Command(RoundCommand):
    help = "Opens voting in a round (refused below the quorum)."

    def action(self) -> Callable[..., Round]:
        return round_open
