"""What a secret round stores: nothing tying a ballot to a voter, a card, or the casting order."""

import pytest
from django.db import connection
from django.test import Client

from ballots.models import Ballot, BallotReply, Credential
from ballots.services.rounds import round_close
from tests.conftest import Cast
from tests.voting import make_round, make_session, open_with_cards, post_ballot

pytestmark = pytest.mark.django_db(transaction=True)


def _physical_order(table: str, key: str) -> list[str]:
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {table} ORDER BY {position}")
        return [row[0] for row in cursor.fetchall()]


def test_a_secret_rounds_cards_name_nobody(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=5))
    cards = open_with_cards(round_)
    assert all(card.voter_code is None for card in cards)
    assert not Credential.objects.filter(round=round_, voter__isnull=False).exists()


def test_ballots_carry_no_time_no_sequence_and_no_card() -> None:
    fields = {f.name: f for f in Ballot._meta.concrete_fields}
    assert fields["id"].primary_key and fields["id"].get_internal_type() == "CharField"
    assert not any(f.get_internal_type() in ("DateTimeField", "DateField") for f in fields.values())
    assert not any(getattr(f, "related_model", None) is Credential for f in fields.values())
    assert BallotReply._meta.pk is not None and BallotReply._meta.pk.name == "key_hash"


def test_closing_leaves_no_trace_of_the_casting_order(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=12), to_select=None)
    cards = open_with_cards(round_)
    for n, card in enumerate(cards):
        post_ballot(Client(), "R1", card.code, {"P1": "yes" if n % 2 else "no"}, key=f"k{n}")
    assert _physical_order("ballots_ballot", "id") == []  # only ciphertext while voting runs
    assert len(_physical_order("ballots_ballotreply", "key_hash")) == 12
    round_close(round_=round_)
    stored = _physical_order("ballots_ballot", "id")
    assert len(stored) == 12 and stored == sorted(stored)  # written at close, in id order
    assert _physical_order("ballots_ballotreply", "key_hash") == []  # retries: already_voted
