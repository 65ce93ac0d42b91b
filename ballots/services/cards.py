"""One-time voting cards: issued to the present, shuffled in a secret round, revoked by number."""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ballots import credentials as card_codes
from ballots.models import Credential, Round, Secrecy, Voter, VotingAction
from projects.action_log import action_record
from projects.errors import Refused


@dataclass(frozen=True)
class Card:
    serial: int
    code: str
    voter_code: str | None
    voter_name: str | None


def credentials_issue(*, round_: Round, actor: User | None = None) -> list[Card]:
    """Cards for present voters who have none yet. A secret round's cards name nobody, shuffled."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.is_closed:
            raise Refused("round_closed", _("The round is closed."))
        active = round_.credentials.filter(revoked=False)
        present = round_.session.voters.filter(present=True)
        serial = (round_.credentials.aggregate(top=Max("serial"))["top"] or 0) + 1
        cards: list[Card] = []
        rows: list[Credential] = []
        if round_.secrecy == Secrecy.NAMED:
            have = set(active.values_list("voter_id", flat=True))
            for voter in present.exclude(pk__in=have).order_by("code"):
                code = card_codes.new_code()
                cards.append(Card(serial, code, voter.code, voter.name))
                rows.append(_credential(round_, code, serial, voter))
                serial += 1
        else:
            for _index in range(max(0, present.count() - active.count())):
                code = card_codes.new_code()
                cards.append(Card(serial, code, None, None))
                rows.append(_credential(round_, code, serial, None))
                serial += 1
            secrets.SystemRandom().shuffle(cards)  # hand-out order says nothing
        Credential.objects.bulk_create(rows)
        if rows:
            action_record(
                body=round_.session.body,
                actor=actor,
                action=VotingAction.CARDS_ISSUED,
                subject=round_.code,
                detail={"cards": len(rows), "numbers": sorted(c.serial for c in rows)},
            )
    return cards


def _credential(round_: Round, code: str, serial: int, voter: Voter | None) -> Credential:
    return Credential(
        round=round_, token_hash=card_codes.code_hash(code), serial=serial, voter=voter
    )


def credential_revoke(*, round_: Round, serial: int, actor: User | None = None) -> Credential:
    with transaction.atomic():
        card = Credential.objects.select_for_update().filter(round=round_, serial=serial).first()
        if card is None:
            raise Refused("no_such_card", _("No card number %(n)d in this round.") % {"n": serial})
        if round_.is_closed:
            raise Refused("round_closed", _("The round is closed."))
        if card.used:
            raise Refused(
                "card_used", _("Card %(n)d has already been used to vote.") % {"n": serial}
            )
        card.revoked = True
        card.save(update_fields=["revoked"])
        action_record(
            body=round_.session.body,
            actor=actor,
            action=VotingAction.CARD_REVOKED,
            subject=round_.code,
            detail={"number": serial},
        )
    return card
