"""Issue 7: each signed bundle anchors the staff action log, so cutting its end off shows.

The bundle carries the log's head (entries and last hash) as the closing transaction built it, just
before the round's own round_closed entry; the verifier checks a downloaded log against it.
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from ballots.models import Round
from ballots.rules.verify import Outcome, main, verify
from ballots.services.rounds import round_close
from projects.models import ActionEntry
from projects.rules.chain import entry_hash
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_round, make_session, open_with_cards


@pytest.fixture
def closed(cast: Cast, tmp_path: Path) -> tuple[Round, Path]:
    round_ = make_round(make_session(cast.body, seats=3), to_select=1)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes", "P2": "yes"})
    round_ = round_close(round_=round_, actor=cast.congress)
    call_command("export_audit", "R1", "--out", str(tmp_path))
    return round_, tmp_path / "R1.zip"


def _download(cast: Cast, tmp_path: Path) -> Path:
    url = reverse("action_log_download", kwargs={"body": cast.body.slug})
    path = tmp_path / "actions.jsonl"
    path.write_bytes(client_for(cast.auditor).get(url).content)
    return path


def _log_check(closed: tuple[Round, Path], log: Path) -> Outcome:
    outcomes = verify(closed[1], closed[0].public_key, log=log)
    assert all(o.passed for o in outcomes[:-1]) and outcomes[-1].number == 8
    return outcomes[-1]


def _closing(cast: Cast) -> ActionEntry:
    return ActionEntry.objects.get(body=cast.body, action="round_closed")


def test_the_bundle_anchors_the_log_just_before_the_round_closed_entry(
    closed: tuple[Round, Path], cast: Cast
) -> None:
    manifest = json.loads(bytes(closed[0].bundle.manifest))
    before = ActionEntry.objects.get(body=cast.body, seq=_closing(cast).seq - 1)
    assert manifest["action_log"] == {"entries": before.seq, "head": before.hash}
    assert before.action == "round_opened"


def test_the_downloaded_log_reaches_the_anchor(
    closed: tuple[Round, Path], cast: Cast, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _download(cast, tmp_path)
    outcome = _log_check(closed, log)
    assert outcome.passed, outcome.reason
    assert "reaches the anchor" in outcome.reason and "round_closed" in outcome.reason
    key = closed[0].public_key
    assert main([str(closed[1]), "--key", key, "--round", "R1", "--log", str(log)]) == 0
    assert capsys.readouterr().out.splitlines()[-2:][0].startswith("[PASS] 8 log: ")


def test_cutting_the_end_off_the_log_is_caught(
    closed: tuple[Round, Path], cast: Cast, tmp_path: Path
) -> None:
    anchored = _closing(cast).seq - 1
    with connection.cursor() as cursor:  # round_opened and round_closed: the chain stays whole
        cursor.execute("DELETE FROM projects_actionentry WHERE seq >= %s", [anchored])
    outcome = _log_check(closed, _download(cast, tmp_path))
    assert not outcome.passed
    assert f"entries missing after entry {anchored - 1}" in outcome.reason
    with pytest.raises(Exception, match="NOT VERIFIED"):
        call_command("check_round", "R1")


def test_cutting_only_the_closing_entry_is_caught(
    closed: tuple[Round, Path], cast: Cast, tmp_path: Path
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_actionentry WHERE seq = %s", [_closing(cast).seq])
    outcome = _log_check(closed, _download(cast, tmp_path))
    assert not outcome.passed and "no round_closed entry of round R1" in outcome.reason


def test_a_chain_rewritten_whole_is_caught_by_the_head(
    closed: tuple[Round, Path], cast: Cast, tmp_path: Path
) -> None:
    """An edit with every later hash recomputed keeps the chain consistent but moves its head."""
    previous = "0" * 64
    for entry in ActionEntry.objects.filter(body=cast.body).order_by("seq"):
        fields = entry.as_chain_entry()
        if entry.seq == 2:
            fields["subject"] = "R9"
        new = entry_hash(fields, previous)
        ActionEntry.objects.filter(pk=entry.pk).update(
            subject=fields["subject"], prev=previous, hash=new
        )
        previous = new
    outcome = _log_check(closed, _download(cast, tmp_path))
    assert not outcome.passed and "head differs" in outcome.reason


def test_an_edited_entry_fails_the_log_check(
    closed: tuple[Round, Path], cast: Cast, tmp_path: Path
) -> None:
    ActionEntry.objects.filter(body=cast.body, seq=2).update(actor="someone else")
    outcome = _log_check(closed, _download(cast, tmp_path))
    assert not outcome.passed and "entry 2: its content does not match its hash" in outcome.reason


def test_a_missing_or_malformed_log_is_a_fail_line(
    closed: tuple[Round, Path], tmp_path: Path
) -> None:
    assert "cannot read" in _log_check(closed, tmp_path / "nowhere.jsonl").reason
    deep = tmp_path / "deep.jsonl"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000 + b"\n")
    assert "line 1" in _log_check(closed, deep).reason


def test_the_result_pdf_prints_the_anchor(closed: tuple[Round, Path], cast: Cast) -> None:
    url = reverse("results_download", kwargs={"code": "R1", "kind": "pdf"})
    pdf = client_for(None, "en").get(url).content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    anchor = json.loads(bytes(closed[0].bundle.manifest))["action_log"]
    assert anchor["head"] in text.replace("\n", "")
    assert f"{anchor['entries']} entries" in text
