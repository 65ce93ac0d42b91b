"""manage.py bench — casting rate, latency, hall-screen delay and CPU on PostgreSQL + Redis."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Starts uvicorn on a fresh PostgreSQL database with Redis and casts ballots through the "
        "voting API: from non-pausing clients (wrk with a Lua script when it is on PATH, else "
        "Python), again with hall screens connected (--screens), and at a fixed rate (--rate). "
        "Prints ballots/s, p50/p99 latency, the hall screens' delay, CPU ms per ballot, the time "
        "to close the round, PostgreSQL's own insert rate (pgbench) in the same run, and the "
        "issue's acceptance lines."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--voters", type=int, default=300, help="ballots per load")
        parser.add_argument("--items", type=int, default=15)
        parser.add_argument("--clients", type=int, default=50, help="non-pausing clients")
        parser.add_argument("--servers", type=int, default=2, help="uvicorn processes")
        parser.add_argument(
            "--screens", type=int, default=0, help="hall screens (WebSockets) for round B"
        )
        parser.add_argument(
            "--rate", type=float, default=0, help="ballots a second for round C (0: none)"
        )
        parser.add_argument("--rate-seconds", type=float, default=10.0)
        parser.add_argument(
            "--python-client",
            action="store_true",
            help="cast from Python even when wrk is on PATH",
        )
        parser.add_argument(
            "--pgbench-seconds", type=int, default=10, help="of pgbench's ceiling run"
        )
        parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
        parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
        parser.add_argument("--keep", action="store_true", help="keep the bench database")

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: the bench needs the test extra (a WebSocket client), production does not.
        from ballots.bench.report import report
        from ballots.bench.run import Bench, Plan

        plan = Plan(
            voters=options["voters"],
            items=options["items"],
            clients=options["clients"],
            servers=options["servers"],
            postgres=options["postgres"].rstrip("/"),
            redis=options["redis"],
            keep=options["keep"],
            screens=options["screens"],
            rate=options["rate"],
            rate_seconds=options["rate_seconds"],
            python_client=options["python_client"],
            pgbench_seconds=options["pgbench_seconds"],
        )
        problems = plan.problems()
        if problems:
            raise CommandError(" ".join(problems))
        figures = Bench(plan, self.stdout.write).run()
        for line in report(plan, figures):
            self.stdout.write(line)
