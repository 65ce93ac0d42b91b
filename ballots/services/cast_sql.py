"""The statements of a cast, the same on every driver (Django's cursor, psycopg's async one).

PostgreSQL stores a cast in one statement, one round trip, its own transaction: lock the round
FOR SHARE while it is open (a close waits for it), spend the card, insert the sealed ballot and the
retry answer — the inserts select from the spent card, so nothing is stored unless the card was
spent. It also returns the retry answer a previous attempt stored, if any. SQLite has no
data-modifying WITH: the same steps run as separate statements in one short transaction.
Only when nothing was stored does a second query ask why (DIAGNOSIS_SQL).
"""

from dataclasses import dataclass
from typing import Any

from ballots.models import RoundStatus

OPEN = RoundStatus.OPEN.value

# Cards of voters not checked in cannot vote; a secret round's cards name no voter.
_CARD_MAY_VOTE = (
    "NOT card.used AND NOT card.revoked AND (card.voter_id IS NULL OR EXISTS "
    "(SELECT 1 FROM ballots_voter voter WHERE voter.id = card.voter_id AND voter.present))"
)

STORE_POSTGRESQL = f"""
WITH open_round AS (
    SELECT id FROM ballots_round
    WHERE id = %(round)s AND status = '{OPEN}' AND sealed_box_key = %(sealed_key)s FOR SHARE
), prior AS (
    SELECT box FROM ballots_ballotreply WHERE key_hash = %(reply_at)s AND round_id = %(round)s
), spent AS (
    UPDATE ballots_credential AS card SET used = true FROM open_round
    WHERE card.round_id = open_round.id AND card.token_hash = %(card)s AND {_CARD_MAY_VOTE}
    RETURNING card.id
), ballot AS (
    INSERT INTO ballots_sealedballot (id, round_id, box)
    SELECT %(ballot_id)s, %(round)s, %(box)s FROM spent
), reply AS (
    INSERT INTO ballots_ballotreply (key_hash, round_id, box)
    SELECT %(reply_at)s, %(round)s, %(reply)s FROM spent WHERE %(reply_at)s IS NOT NULL
)
SELECT EXISTS (SELECT 1 FROM spent), (SELECT box FROM prior)
"""

# SQLite: the same steps, in this order, in one transaction (see the drivers).
SQLITE_ROUND_OPEN = (
    f"SELECT 1 FROM ballots_round WHERE id = %s AND status = '{OPEN}' AND sealed_box_key = %s"
)
PRIOR_REPLY_SQL = "SELECT box FROM ballots_ballotreply WHERE key_hash = %s AND round_id = %s"
SQLITE_SPEND = (
    "UPDATE ballots_credential AS card SET used = 1 "
    f"WHERE card.round_id = %s AND card.token_hash = %s AND {_CARD_MAY_VOTE}"
)
INSERT_BALLOT = "INSERT INTO ballots_sealedballot (id, round_id, box) VALUES (%s, %s, %s)"
INSERT_REPLY = "INSERT INTO ballots_ballotreply (key_hash, round_id, box) VALUES (%s, %s, %s)"

# Why a card could not vote: the round, and the card in it (a revoked card counts as none). By
# the round's code: the facts a cast was given may be of a round that is no longer there.
DIAGNOSIS_SQL = """
SELECT rnd.status, rnd.sealed_box_key, card.id, card.used, card.voter_id, voter.present,
    voter.code
FROM ballots_round AS rnd
LEFT JOIN ballots_credential AS card
    ON card.round_id = rnd.id AND card.token_hash = %s AND NOT card.revoked
LEFT JOIN ballots_voter AS voter ON voter.id = card.voter_id
WHERE rnd.code = %s
"""


@dataclass(frozen=True)
class Store:
    """Spend the card and store the sealed ballot (and the sealed retry answer, with a key)."""

    round_pk: int
    sealed_key: bytes  # the round's box key as sealed when these facts were read
    card_hash: str
    ballot_id: str
    box: bytes
    reply_at: str | None
    reply: bytes | None

    def postgresql_params(self) -> dict[str, Any]:
        return {
            "round": self.round_pk,
            "sealed_key": self.sealed_key,
            "card": self.card_hash,
            "ballot_id": self.ballot_id,
            "box": self.box,
            "reply_at": self.reply_at,
            "reply": self.reply,
        }


@dataclass(frozen=True)
class Stored:
    spent: bool  # the card was spent and the ballot stored, by this statement
    prior: bytes | None  # a retry answer stored before, under this card and key


@dataclass(frozen=True)
class Diagnose:
    round_code: str
    card_hash: str
    sealed_key: bytes | None  # the facts' sealed key, to tell whether they are still current


@dataclass(frozen=True)
class Diagnosis:
    round_open: bool
    facts_current: bool  # the round is the one (and opened the one time) the cast's facts say
    card_found: bool  # a card with this code, not revoked, in this round
    used: bool
    named_voter: bool  # the card names a voter (a named round's)
    present: bool
    voter_code: str | None

    @classmethod
    def of_row(cls, row: tuple[Any, ...] | None, sealed_key: bytes | None) -> "Diagnosis":
        if row is None:  # the round itself is gone
            return cls(False, False, False, False, False, False, None)
        status, sealed, card, used, voter, present, voter_code = row
        return cls(
            round_open=status == OPEN,
            facts_current=(None if sealed is None else bytes(sealed)) == sealed_key,
            card_found=card is not None,
            used=bool(used),
            named_voter=voter is not None,
            present=bool(present),
            voter_code=None if voter_code is None else str(voter_code),
        )


@dataclass(frozen=True)
class ReadReply:
    round_pk: int
    reply_at: str


@dataclass(frozen=True)
class LoadFacts:
    code: str


Step = Store | Diagnose | ReadReply | LoadFacts
