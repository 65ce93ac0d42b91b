"""The attack on the database's own files, repeated: no ballot or receipt links to a card.

Casting spends the card and stores the ballot in one transaction, so those rows share a
transaction id (xmin) that survives VACUUM, and deleted row versions stay in the pages. The
attacker here reads every page of every table and index, live and dead tuples alike, and orders
used cards by xmin. While voting runs, no receipt or ballot id may be anywhere in the files; after
the close, a receipt may only stand in a row written by the closing transaction.
"""

from pathlib import Path

import pytest
from django.db import connection

from ballots.models import Credential, Round
from ballots.services.rounds import round_close
from tests.conftest import Cast
from tests.voting import cast_ballot, make_round, make_session, open_with_cards

pytestmark = pytest.mark.django_db(transaction=True)  # each cast commits, as on a real server
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="reads PostgreSQL's pages (pageinspect)"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads the SQLite file")


def _vote(cast: Cast, voters: int = 12) -> tuple[Round, list[str], list[bytes]]:
    """A secret round where everyone votes, half of them with a retry key; receipts and ids."""
    round_ = make_round(make_session(cast.body, seats=voters), to_select=None)
    receipts = []
    for n, card in enumerate(open_with_cards(round_)):
        marks = {"P1": "yes" if n % 2 else "no", "P2": "abstain"}
        receipts.append(cast_ballot("R1", card.code, marks, key=f"k{n}" if n % 2 else None))
    return round_, receipts, [r.encode() for r in receipts]


def _relations(kinds: str = "rti") -> list[tuple[str, int]]:
    """Every table (r), TOAST table (t) and index (i) of the database, with its size in pages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / 8192 FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = ANY(%s) AND n.nspname IN ('public', 'pg_toast') "
            "AND pg_relation_size(c.oid) > 0",
            [list(kinds)],
        )
        return [(name, int(pages)) for name, pages in cursor.fetchall()]


def _written_at_close(relation: str) -> bool:
    """The ballots table and its indexes, the signed bundle, and TOAST (the bundle's bytes)."""
    return relation == "ballots_ballot" or relation.startswith(
        ("ballots_ballot_", "ballots_bundle", "pg_toast.")
    )


def _pages(relation: str, pages: int) -> list[bytes]:
    with connection.cursor() as cursor:
        out = []
        for block in range(pages):
            cursor.execute("SELECT get_raw_page(%s, %s)", [relation, block])
            out.append(bytes(cursor.fetchone()[0]))
        return out


def _tuples(relation: str, pages: int) -> list[tuple[int, bytes]]:
    """(xmin, raw data) of every tuple in the relation's heap pages, live or dead."""
    found = []
    with connection.cursor() as cursor:
        for block in range(pages):
            cursor.execute(
                "SELECT t_xmin, t_data FROM heap_page_items(get_raw_page(%s, %s)) "
                "WHERE t_data IS NOT NULL",
                [relation, block],
            )
            found += [(int(xmin), bytes(data)) for xmin, data in cursor.fetchall()]
    return found


def _xmins(sql: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {int(row[0]) for row in cursor.fetchall()}


@on_postgresql
def test_no_receipt_is_in_any_page_while_voting_runs(cast: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    _round, _receipts, needles = _vote(cast)
    for relation, pages in _relations():
        for page in _pages(relation, pages):
            assert not any(needle in page for needle in needles), relation


@on_postgresql
def test_after_close_and_vacuum_no_tuple_of_a_casting_transaction_holds_a_receipt(
    cast: Cast,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    round_, receipts, needles = _vote(cast)
    casting = _xmins("SELECT xmin::text FROM ballots_credential WHERE used")
    assert len(casting) == len(receipts)  # one transaction per cast: the attacker's handle
    round_close(round_=round_)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
    # The xmin-order attack: ballots all carry the closing transaction's id, none a cast's.
    written = _xmins("SELECT xmin::text FROM ballots_ballot")
    assert len(written) == 1 and not written & casting
    assert Credential.objects.filter(used=True).count() == len(receipts)
    # pageinspect over every table: no tuple a cast wrote, live or dead, holds a receipt.
    for relation, pages in _relations("rt"):  # indexes have no tuple headers: bytes below
        for xmin, data in _tuples(relation, pages):
            if xmin in casting:
                assert not any(needle in data for needle in needles), relation
    # Raw bytes of every page (free space too): a receipt only where the close put it.
    for relation, pages in _relations():
        holds = any(needle in page for page in _pages(relation, pages) for needle in needles)
        assert not holds or _written_at_close(relation), relation


@on_sqlite
def test_the_sqlite_file_holds_no_receipt_while_voting_runs(cast: Cast) -> None:
    _round, _receipts, needles = _vote(cast)
    raw = Path(connection.settings_dict["NAME"]).read_bytes()
    assert not any(needle in raw for needle in needles)
