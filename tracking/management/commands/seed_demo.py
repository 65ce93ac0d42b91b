"""Build (or top up) the demo township congress; safe to run again."""

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from ballots.demo import SESSION, open_demo_round
from projects import demo
from projects.models import (
    Body,
    Candidate,
    CandidateList,
    CandidateSource,
    Level,
    Representative,
    Role,
    SourceKind,
    Station,
    Status,
    Transition,
)
from projects.roles import membership_grant
from tracking.demo import LAST_YEAR, last_year
from tracking.demo_year_close import EVALUATION, year_close
from tracking.models import TrackedProject


class Command(BaseCommand):
    help = (
        "Creates the demo township congress with stations, staff, representatives and candidates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cards-pdf",
            type=Path,
            default=settings.BASE_DIR / "var" / "demo-cards.pdf",
            help="Where the demo round's voting cards are written (default: var/demo-cards.pdf).",
        )
        parser.add_argument(
            "--site-url",
            default=os.environ.get("SITE_URL")
            or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}",
            help="The server's address the cards' QR codes point to "
            "(default: $SITE_URL, else http://127.0.0.1:$PORT, PORT defaulting to 8000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            logins = self._seed()
        self._last_year()
        self.stdout.write(self.style.SUCCESS("Demo congress ready: 青山镇人民代表大会"))
        self.stdout.write(f"Password for every demo login: {demo.DEMO_PASSWORD}")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {role}")
        self._voting(options["cards_pdf"], options["site_url"].rstrip("/"))
        self._year_close()

    def _last_year(self) -> None:
        """Last year's closed vote, its ten projects under way: the tracking half of the demo."""
        body = Body.objects.get(slug="qingshan")
        made = last_year(
            body, User.objects.get(username="renda"), User.objects.get(username="shuiwu")
        )
        count = TrackedProject.objects.filter(body=body, year=LAST_YEAR, parent=None).count()
        if made:
            self.stdout.write(f"Last year's vote closed: {count} projects being implemented")

    def _year_close(self) -> None:
        """Residents rate and report, a suggestion is adopted, last year's projects evaluated."""
        body = Body.objects.get(slug="qingshan")
        users = User.objects.in_bulk(["renda", "station1"], field_name="username")
        if year_close(body, users["renda"], users["station1"], SESSION, LAST_YEAR):
            self.stdout.write(
                f"Last year's projects evaluated at this year's session ({EVALUATION}); "
                f"annual report: /b/{body.slug}/report/{LAST_YEAR}/"
            )

    def _voting(self, cards_pdf: Path, site: str) -> None:
        """An open demo round, so a new user can vote at once; its cards exist only in the PDF."""
        codes = open_demo_round(pdf_path=cards_pdf, vote_url=f"{site}/vote/")
        if codes:
            self.stdout.write(
                f"Demo vote open: hall screen {site}/hall/qingshan-2027-r1/, tablets {site}/vote/"
            )
            self.stdout.write(
                f"  voting cards (all {len(codes)} in {cards_pdf}): " + ", ".join(codes[:5])
            )
        else:
            self.stdout.write(f"Demo vote: cards were printed on the first run to {cards_pdf}")

    def _user(self, username: str, full_name: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created:
            user.set_password(demo.DEMO_PASSWORD)
            user.save()
        return user

    def _seed(self) -> list[tuple[str, str]]:
        body, _ = Body.objects.get_or_create(
            slug="qingshan",
            defaults={
                "name": "青山镇人民代表大会",
                "level": Level.TOWNSHIP,
                "region": "浙江省宁海县",
            },
        )
        stations = [
            Station.objects.get_or_create(body=body, name=name, defaults={"address": address})[0]
            for name, address in demo.STATIONS
        ]
        logins: list[tuple[str, str]] = []
        congress = self._user("renda", "人大办 周主任")
        membership_grant(user=congress, body=body, role=Role.CONGRESS_STAFF)
        logins.append(("renda", "congress staff / 人大工作人员"))
        for index, station in enumerate(stations, start=1):
            staff = self._user(f"station{index}", f"{station.name[:4]} 联络员")
            membership_grant(user=staff, body=body, role=Role.STATION_STAFF, station=station)
            logins.append((f"station{index}", f"station staff / 联络站: {station.name}"))
        auditor = self._user("jianpiao", "监票人 林老师")
        membership_grant(user=auditor, body=body, role=Role.AUDITOR)
        logins.append(("jianpiao", "auditor / 监票人"))
        unit = self._user("shuiwu", "镇水务站")
        membership_grant(user=unit, body=body, role=Role.IMPLEMENTING_UNIT, unit="镇水务站")
        logins.append(("shuiwu", "implementing unit / 责任单位"))

        for i, name in enumerate(demo.representative_names(60), start=1):
            Representative.objects.get_or_create(
                body=body, code=f"R{i:03d}", defaults={"name": name, "station": stations[i % 3]}
            )
        rep = Representative.objects.get(body=body, code="R001")
        rep_user = rep.user or self._user("daibiao1", rep.name)
        if rep.user is None:
            rep.user = rep_user
            rep.save(update_fields=["user"])
        membership_grant(user=rep_user, body=body, role=Role.REPRESENTATIVE)
        logins.append(("daibiao1", f"representative / 人大代表: {rep.name}"))

        self._candidates(body, stations, congress)
        self._proposals(body, stations)
        return logins

    def _proposals(self, body: Body, stations: list[Station]) -> None:
        for name, category, station_index, status, proposer in demo.PROPOSALS:
            station = stations[station_index]
            if Candidate.objects.filter(body=body, name=name).exists():
                continue
            staff = User.objects.get(username=f"station{station_index + 1}")
            candidate = Candidate.objects.create(
                body=body,
                station=station,
                year=demo.DEMO_YEAR + 1,
                name=name,
                category=category,
                content=f"{proposer}提出：{name}。",
                status=status,
                created_by=staff,
            )
            CandidateSource.objects.create(
                candidate=candidate,
                kind=SourceKind.REPRESENTATIVE if "代表" in proposer else SourceKind.RESIDENT,
                name=proposer,
                raised_on=demo.RAISED_ON,
                station=station,
            )
            Transition.objects.create(candidate=candidate, to_status=Status.DRAFT, actor=staff)
            if status == Status.SUBMITTED:
                Transition.objects.create(
                    candidate=candidate,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    actor=staff,
                )

    def _candidates(self, body: Body, stations: list[Station], congress: User) -> None:
        if Candidate.objects.filter(body=body, year=demo.DEMO_YEAR).exists():
            return
        for position, row in enumerate(demo.CANDIDATES, start=1):
            name, category, unit, amount, station_index, lat, lng, content = row
            station = stations[station_index]
            candidate = Candidate.objects.create(
                body=body,
                station=station,
                year=demo.DEMO_YEAR,
                name=name,
                category=category,
                background=f"{station.name}收集的群众建议，经代表走访核实。",
                content=content,
                implementing_unit=unit,
                investment_wan=Decimal(amount),
                funding_source="镇级财政",
                feasibility="已完成现场踏勘，用地和资金有保障。",
                address=station.address,
                latitude=Decimal(str(lat)) if lat else None,
                longitude=Decimal(str(lng)) if lng else None,
                planned_completion=demo.RAISED_ON.replace(year=demo.DEMO_YEAR, month=12, day=31),
                status=Status.CANDIDATE,
                list_position=position,
                created_by=congress,
            )
            CandidateSource.objects.create(
                candidate=candidate,
                kind=SourceKind.RESIDENT if position % 3 else SourceKind.REPRESENTATIVE,
                name="溪口村村民联名" if position % 3 else "王建国代表",
                raised_on=demo.RAISED_ON,
                station=station,
            )
            for source, target in [
                ("", Status.DRAFT),
                (Status.DRAFT, Status.SUBMITTED),
                (Status.SUBMITTED, Status.SCREENED),
                (Status.SCREENED, Status.CANDIDATE),
            ]:
                Transition.objects.create(
                    candidate=candidate,
                    from_status=source,
                    to_status=target,
                    actor=congress,
                    criterion="necessity" if target == Status.SCREENED else "",
                )
        CandidateList.objects.update_or_create(
            body=body,
            year=demo.DEMO_YEAR,
            defaults={"published_at": timezone.now(), "published_by": congress},
        )
