"""manage.py bench — casting rate, latency and hall-screen delay on PostgreSQL + Redis."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Starts uvicorn on a fresh PostgreSQL database with Redis, casts one ballot per "
        "representative through the voting API from concurrent clients, and prints ballots/s, "
        "latency, the hall screen's WebSocket delay and PostgreSQL's own insert ceiling."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--voters", type=int, default=300)
        parser.add_argument("--items", type=int, default=15)
        parser.add_argument("--clients", type=int, default=50)
        parser.add_argument("--servers", type=int, default=2, help="uvicorn processes")
        parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
        parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
        parser.add_argument("--keep", action="store_true", help="keep the bench database")

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: the bench needs the test extra (a WebSocket client), production does not.
        from ballots.bench.run import Bench, Plan, report

        plan = Plan(
            voters=options["voters"],
            items=options["items"],
            clients=options["clients"],
            servers=options["servers"],
            postgres=options["postgres"].rstrip("/"),
            redis=options["redis"],
            keep=options["keep"],
        )
        figures = Bench(plan, self.stdout.write).run()
        for line in report(plan, figures):
            self.stdout.write(line)
