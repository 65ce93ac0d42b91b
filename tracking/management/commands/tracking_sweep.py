"""manage.py tracking_sweep [--on YYYY-MM-DD] — the periodic sweep of warning colours, for cron."""

import datetime
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.services.sweep import NONE, sweep

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: str) -> datetime.date:
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--on takes a date as YYYY-MM-DD, e.g. 2027-03-01, not “%(value)s”.")
            % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Records the warning colour changes since the last sweep and turns each new red or yellow "
        "into its follow-up task and notifications. Safe to run again; meant for cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on",
            default="",
            metavar="YYYY-MM-DD",
            help="The day to assess (default: today in the install's time zone, 北京时间)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = _day(options["on"]) if options["on"] else timezone.localdate()
        report = sweep(on)
        changes = report.changes
        lines = [
            _("Warning colour sweep of %(on)s") % {"on": on.isoformat()},
            _("Projects assessed: %(n)d") % {"n": report.assessed},
            _("Colour changes: red %(red)d, yellow %(yellow)d, green %(green)d, no colour %(none)d")
            % {
                "red": changes["red"],
                "yellow": changes["yellow"],
                "green": changes["green"],
                "none": changes[NONE],
            },
            _("Follow-up tasks made: %(n)d") % {"n": report.tasks},
            _("Notifications sent: %(n)d in the app, %(emails)d by email")
            % {"n": report.notifications, "emails": report.emails},
        ]
        if report.projects_made:
            lines.append(
                _("New tracked projects from closed rounds: %(n)d") % {"n": report.projects_made}
            )
        if report.grades_recorded:
            lines.append(
                _("Evaluation grades a round's close missed, now recorded: %(n)d")
                % {"n": report.grades_recorded}
            )
        if report.skipped:
            lines.append(
                _("Projects skipped, a later day already recorded: %(n)d") % {"n": report.skipped}
            )
        if report.emails_failed:
            lines.append(_("Emails not sent (see the log): %(n)d") % {"n": report.emails_failed})
        for line in lines:
            self.stdout.write(line)
        if report.failed:
            raise CommandError(
                _("Failures (see the log): %(n)d; everything else was recorded.")
                % {"n": report.failed}
            )
