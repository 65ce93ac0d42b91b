"""manage.py circular --body SLUG (--month YYYY-MM | --half YYYY-1) --out FILE.pdf — for cron."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from projects.errors import Refused
from projects.models import Body
from tracking.pdf.circular import circular_pdf
from tracking.services.circular import circular_data, period_parse


class Command(BaseCommand):
    help = (
        "Writes a congress's monthly circular or half-year summary as PDF, as of the period's "
        "last day (today while it runs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", required=True, help="The congress's code (as in its URLs)")
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", metavar="YYYY-MM", help="A month, e.g. 2027-03")
        period.add_argument("--half", metavar="YYYY-1|YYYY-2", help="A half-year, e.g. 2027-1")
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="Where to write it")

    def handle(self, *args: Any, **options: Any) -> None:
        body = Body.objects.filter(slug=options["body"]).first()
        if body is None:
            raise CommandError(
                _("No congress has the code “%(slug)s”.") % {"slug": options["body"]}
            )
        try:
            period = period_parse(month=options["month"], half=options["half"])
        except Refused as refused:
            raise CommandError(refused.detail) from None
        circular = circular_data(body=body, period=period)
        out = Path(options["out"])
        try:
            out.write_bytes(circular_pdf(circular))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": error.strerror}
            ) from None
        self.stdout.write(
            _("%(file)s: %(title)s, %(n)d projects as of %(day)s")
            % {
                "file": out,
                "title": circular.title,
                "n": circular.total,
                "day": circular.as_of.isoformat(),
            }
        )
