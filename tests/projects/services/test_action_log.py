"""The staff action log: every action recorded with who and what; removals and edits show."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from ballots.services.rounds import round_close, round_follow_up, round_publish
from projects.action_log import log_problems
from projects.models import ActionEntry
from projects.rules.chain import chain_problems
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_round, make_session, open_with_cards


@pytest.fixture
def logged(cast: Cast) -> Cast:
    round_ = make_round(make_session(cast.body, seats=3), to_select=1)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes", "P2": "yes"})
    round_ = round_close(round_=round_, actor=cast.congress)
    round_follow_up(round_=round_, actor=cast.congress)
    round_publish(round_=round_, actor=cast.congress)
    return cast


def test_every_staff_action_is_recorded_in_order_with_its_actor(logged: Cast) -> None:
    entries = list(ActionEntry.objects.filter(body=logged.body).order_by("seq"))
    assert [e.action for e in entries] == [
        "session_created",
        "round_created",
        "checked_in",
        "cards_issued",
        "round_opened",
        "round_closed",
        "round_created",
        "result_published",
    ]
    assert [e.seq for e in entries] == list(range(1, 9))
    assert entries[5].actor == "congress" and entries[0].actor == "manage.py"
    assert entries[5].detail["outcome"] == "runoff_required"
    assert log_problems(logged.body) == []


def test_a_deleted_entry_is_detected(logged: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_actionentry WHERE seq = 3")
    problems = log_problems(logged.body)
    assert any("entry 4: follows entry 2" in p for p in problems)
    assert any("entry 4: does not point to the entry before it" in p for p in problems)


def test_an_edited_entry_is_detected(logged: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_actionentry SET detail = %s WHERE seq = 4",
            [json.dumps({"cards": 300})],
        )
    assert log_problems(logged.body) == ["entry 4: its content does not match its hash"]


def test_the_app_refuses_to_edit_an_entry(logged: Cast) -> None:
    entry = ActionEntry.objects.get(body=logged.body, seq=1)
    entry.actor = "someone else"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_auditors_read_the_log_and_download_it_whole(logged: Cast) -> None:
    client = client_for(logged.auditor)
    page = client.get(reverse("action_log", kwargs={"body": logged.body.slug})).content.decode()
    assert "链条完整" in page or "chain is intact" in page
    lines = client.get(reverse("action_log_download", kwargs={"body": logged.body.slug}))
    entries = [json.loads(line) for line in lines.content.splitlines()]
    assert len(entries) == 8 and chain_problems(entries) == []


def test_the_log_page_says_when_the_chain_is_broken(logged: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_actionentry WHERE seq = 8")
        cursor.execute("UPDATE projects_actionentry SET actor = 'x' WHERE seq = 2")
    page = client_for(logged.auditor).get(reverse("action_log", kwargs={"body": logged.body.slug}))
    assert "entry 2: its content does not match its hash" in page.content.decode()


def _page(cast: Cast) -> str:
    url = reverse("action_log", kwargs={"body": cast.body.slug})
    return client_for(cast.auditor, "en").get(url).content.decode()


def test_cutting_the_end_off_the_log_breaks_the_chain_on_the_page(logged: Cast) -> None:
    """The round's signed bundle anchors the log at entry 5, before its round_closed entry 6."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_actionentry WHERE seq >= 5")
    assert chain_problems([e.as_chain_entry() for e in ActionEntry.objects.all()]) == []
    with translation.override("en"):
        problems = log_problems(logged.body)
    assert any("entries missing after entry 4" in p and "R1" in p for p in problems)
    page = _page(logged)
    assert "chain is broken" in page and "entries missing after entry 4" in page
    assert "chain is intact" not in page


def test_cutting_the_closing_entry_and_all_after_it_breaks_the_chain(logged: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_actionentry WHERE seq >= 6")
    page = _page(logged)
    assert "chain is broken" in page and "Voting closed and signed" in page and "R1" in page


def test_a_rewritten_head_breaks_the_chain_on_the_page(logged: Cast) -> None:
    ActionEntry.objects.filter(body=logged.body, seq=5).update(hash="f" * 64)
    assert any("head differs" in p for p in log_problems(logged.body))


def test_an_untouched_log_with_anchors_is_intact(logged: Cast) -> None:
    page = _page(logged)
    assert log_problems(logged.body) == [] and "chain is intact" in page
    assert "signed in the audit bundle of 1 closed round." in page
