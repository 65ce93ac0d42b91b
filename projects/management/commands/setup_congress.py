"""manage.py setup_congress — first run: a congress, its stations and its first staff account."""

import os
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.accounts import congress_setup
from projects.models import Level


def _station_names(values: list[str]) -> list[str]:
    """Repeated --station, or one list split at commas (Chinese or Latin) or 、."""
    return [name for value in values for name in re.split(r"[,，、;；\n]", value) if name.strip()]


class Command(BaseCommand):
    help = (
        "Creates a congress with its liaison stations and a first congress staff account, and "
        "prints its one-time password. The staff then add everyone else on the web pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--code", required=True, help="Short code in the web addresses, e.g. xh-county"
        )
        parser.add_argument("--name", required=True, help="e.g. 新华县人民代表大会")
        parser.add_argument("--level", choices=Level.values, default=Level.COUNTY)
        parser.add_argument("--region", default="", help="e.g. 某省某市新华县")
        parser.add_argument(
            "--station",
            action="append",
            default=[],
            help="A liaison station's name; repeat it, or give several separated by commas",
        )
        parser.add_argument("--username", required=True, help="The first staff member's user name")
        parser.add_argument("--staff-name", required=True, help="Their full name, e.g. 王芳")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--site-url",
            default=os.environ.get("SITE_URL")
            or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}",
            help="Where the site is served, for the addresses printed "
            "(default: $SITE_URL, else http://127.0.0.1:$PORT, PORT defaulting to 8000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            body, account = congress_setup(
                slug=options["code"],
                name=options["name"],
                level=Level(options["level"]),
                region=options["region"],
                stations=_station_names(options["station"]),
                username=options["username"],
                full_name=options["staff_name"],
                email=options["email"],
            )
        except ValidationError as error:
            problems = [
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in getattr(
                    error, "message_dict", {"__all__": error.messages}
                ).items()
                for message in messages
            ]
            raise CommandError(
                _("Nothing was created: %(problems)s") % {"problems": "; ".join(problems)}
            ) from None
        site = options["site_url"].rstrip("/")
        stations = body.stations.count()
        self.stdout.write(
            _("Congress “%(name)s” (%(code)s) is set up with %(n)d liaison stations.")
            % {"name": body.name, "code": body.slug, "n": stations}
        )
        self.stdout.write(
            _("First staff account: %(user)s, one-time password: %(password)s")
            % {"user": account.user.username, "password": account.password}
        )
        self.stdout.write(
            _(
                "Hand the password over in person. Sign in at %(login)s, change it at %(change)s, "
                "then add station staff, implementing units, auditors and representatives at "
                "%(accounts)s."
            )
            % {
                "login": site + reverse("login"),
                "change": site + reverse("password_change"),
                "accounts": site + reverse("account_index", kwargs={"body": body.slug}),
            }
        )
