"""Bundles from real sessions verify; every alteration is caught, and the verifier says where."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from ballots.models import Round, Voter
from ballots.rules.canonical import canonical_json, sha256_hex
from ballots.rules.verify import main, verify
from ballots.services.rounds import round_close
from ballots.signing import fingerprint, public_hex
from tests.ballots.bundles import board, first_failure, read, rehash, with_board, write
from tests.conftest import Cast
from tests.voting import cast_ballot, make_round, make_session, open_with_cards

MARKS = [
    {"P1": "yes", "P2": "yes"},
    {"P1": "yes", "P3": "no"},
    {"P1": "no", "P2": "yes", "P4": "abstain"},
    {"P2": "yes"},
    {},
    {"P1": "yes", "P2": "yes"},
]


def _closed(cast: Cast, secrecy: str) -> Round:
    round_ = make_round(make_session(cast.body, seats=7), secrecy=secrecy, max_yes=2)
    for card, marks in zip(open_with_cards(round_), MARKS, strict=False):
        cast_ballot("R1", card.code, marks)
    return round_close(round_=round_)


@pytest.fixture
def secret(cast: Cast, tmp_path: Path) -> tuple[Round, Path]:
    round_ = _closed(cast, "secret")
    call_command("export_audit", "R1", "--out", str(tmp_path))
    return round_, tmp_path / "R1.zip"


@pytest.fixture
def named(cast: Cast, tmp_path: Path) -> tuple[Round, Path]:
    round_ = _closed(cast, "named")
    call_command("export_audit", "R1", "--out", str(tmp_path))
    return round_, tmp_path / "R1.zip"


def test_a_secret_rounds_bundle_verifies_with_its_published_key(secret: tuple[Round, Path]) -> None:
    round_, path = secret
    outcomes = verify(path, round_.public_key)
    assert [(o.number, o.passed) for o in outcomes] == [(n, True) for n in range(1, 7)]
    content = read(path)
    assert sorted(content) == ["ballots.jsonl", "manifest.json", "signature.json", "tally.json"]
    manifest = json.loads(content["manifest.json"])
    assert manifest["round"]["credentials_issued"] == 7 and manifest["round"]["present"] == 7
    assert manifest["round"]["closed_at"].endswith("Z") and len(board(content)) == 6
    assert all("voter" not in ballot for ballot in board(content))


def test_a_named_rounds_bundle_verifies_and_names_each_voter_once(
    named: tuple[Round, Path],
) -> None:
    round_, path = named
    assert all(o.passed for o in verify(path, round_.public_key))
    voters = [ballot["voter"] for ballot in board(read(path))]
    assert len(voters) == len(set(voters)) == 6


def test_the_api_serves_the_same_bytes_as_the_export(secret: tuple[Round, Path]) -> None:
    response = Client().get("/api/v1/rounds/R1/audit.zip")
    assert response.status_code == 200 and response.content == secret[1].read_bytes()


def test_the_verifier_runs_without_django(secret: tuple[Round, Path], tmp_path: Path) -> None:
    receipts = tmp_path / "receipts.txt"
    receipts.write_text("\n".join(b["receipt"] for b in board(read(secret[1]))[:3]))
    blocked = (
        "import sys, runpy; sys.modules['django'] = None; "  # any Django import now fails
        "sys.argv = ['verify', *sys.argv[1:]]; "
        "runpy.run_module('ballots.verify', run_name='__main__')"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            blocked,
            str(secret[1]),
            "--key",
            secret[0].public_key,
            "--receipts",
            str(receipts),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("[PASS]") == 7 and "VERIFIED" in done.stdout


def test_the_verifier_package_stands_alone(secret: tuple[Round, Path], tmp_path: Path) -> None:
    """ballots/rules imported under the installed name, with neither Django nor the product."""
    (tmp_path / "minsheng_audit").symlink_to(Path(__file__).parents[3] / "ballots" / "rules")
    blocked = (
        "import sys, runpy; sys.modules['django'] = None; sys.modules['ballots'] = None; "
        f"sys.path[:0] = [{str(tmp_path)!r}]; sys.argv = ['minsheng-verify', *sys.argv[1:]]; "
        "runpy.run_module('minsheng_audit.verify', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked, str(secret[1]), "--key", secret[0].public_key],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("[PASS]") == 6 and "VERIFIED" in done.stdout


def test_verify_audit_fails_loudly_on_a_bad_bundle(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    content = read(secret[1])
    content["tally.json"] = content["tally.json"].replace(
        b'"ballots_valid":6', b'"ballots_valid":5'
    )
    bad = write(tmp_path / "bad.zip", content)
    with pytest.raises(Exception, match="NOT VERIFIED"):
        call_command("verify_audit", str(bad))


def _altered(path: Path, tmp_path: Path, change: object) -> Path:
    content = read(path)
    records = board(content)
    result = change(content, records)  # type: ignore[operator]
    return write(tmp_path / "altered.zip", result)


def test_a_changed_choice_is_caught_on_the_board(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        records[0]["choices"] = {"P1": "no"}
        return with_board(content, records)

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (2, "board") and "id does not match its content" in reason


def test_an_added_ballot_is_caught_by_the_counts(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        extra = rehash({"choices": {"P4": "yes"}, "nonce": "ab" * 16})
        return with_board(content, sorted([*records, extra], key=lambda r: str(r["id"])))

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (4, "counts") and "board has 7 lines" in reason


def test_a_removed_ballot_is_caught_by_the_counts(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        return with_board(content, records[1:])

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (4, "counts") and "board has 5 lines" in reason


def test_a_duplicated_ballot_is_caught_on_the_board(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        return with_board(content, [records[0], *records])

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (2, "board") and "repeated id" in reason


def test_reordered_lines_are_caught_on_the_board(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        return with_board(content, list(reversed(records)))

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (2, "board") and "not sorted by id" in reason


def test_a_changed_count_in_the_tally_is_caught(secret: tuple[Round, Path], tmp_path: Path) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        tally = json.loads(content["tally.json"])
        tally["results"][0]["counts"]["yes"] += 1
        return {**content, "tally.json": canonical_json(tally)}

    outcomes = verify(_altered(secret[1], tmp_path, change))
    number, name, reason = first_failure(outcomes)
    assert (number, name) == (5, "tally") and "results" in reason
    assert (
        not outcomes[5].passed and "tally.json" in outcomes[5].reason
    )  # and the hash no longer matches


FORGER = Ed25519PrivateKey.generate()


def _re_signed(
    content: dict[str, bytes], records: list[dict[str, object]], round_id: str = "R1"
) -> dict[str, bytes]:
    """The bundle signed again with a key of the forger's own: consistent in itself."""
    manifest = json.loads(content["manifest.json"])
    manifest["public_key"] = public_hex(FORGER)
    content = {**content, "manifest.json": canonical_json(manifest)}
    signed = {
        "round": round_id,
        "manifest": sha256_hex(content["manifest.json"]),
        "ballots": sha256_hex(content["ballots.jsonl"]),
        "tally": sha256_hex(content["tally.json"]),
    }
    signature = {
        "algorithm": "Ed25519",
        "public_key": public_hex(FORGER),
        "signed": signed,
        "signature": FORGER.sign(canonical_json(signed)).hex(),
    }
    return {**content, "signature.json": canonical_json(signature)}


def test_a_bundle_re_signed_with_another_key_fails_against_the_published_key(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    forged = _altered(secret[1], tmp_path, _re_signed)
    assert all(o.passed for o in verify(forged))  # consistent in itself …
    number, name, reason = first_failure(verify(forged, secret[0].public_key))
    assert (number, name) == (
        6,
        "signature",
    ) and "out of band" in reason  # … but not the key we hold


def test_a_non_canonical_line_is_caught(secret: tuple[Round, Path], tmp_path: Path) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        lines = content["ballots.jsonl"].splitlines(keepends=True)
        lines[2] = lines[2].replace(b'":', b'": ', 1)
        return {**content, "ballots.jsonl": b"".join(lines)}

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (2, "board") and "line 3 is not canonical JSON" in reason


def test_a_wrong_nonce_is_caught(secret: tuple[Round, Path], tmp_path: Path) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        shorter = rehash({**records[0], "nonce": "abc"})
        return with_board(content, sorted([shorter, *records[1:]], key=lambda r: str(r["id"])))

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (2, "board") and "nonce is not 32 hex digits" in reason


def test_a_voter_added_to_a_secret_ballot_is_caught(
    secret: tuple[Round, Path], tmp_path: Path
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        marked = rehash({**records[0], "voter": "V001"})
        return with_board(content, sorted([marked, *records[1:]], key=lambda r: str(r["id"])))

    number, name, reason = first_failure(verify(_altered(secret[1], tmp_path, change)))
    assert (number, name) == (3, "choices") and "secret ballot carries a voter" in reason


def test_a_named_voter_voting_twice_is_caught(named: tuple[Round, Path], tmp_path: Path) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        twice = rehash({**records[1], "voter": records[0]["voter"]})
        return with_board(
            content, sorted([records[0], twice, *records[2:]], key=lambda r: str(r["id"]))
        )

    number, name, reason = first_failure(verify(_altered(named[1], tmp_path, change)))
    assert (number, name) == (3, "choices") and "votes twice" in reason


def test_a_receipt_not_on_the_board_is_reported(secret: tuple[Round, Path]) -> None:
    outcomes = verify(secret[1], receipts=["0123456789abcdef"])
    assert first_failure(outcomes)[:2] == (7, "receipts")


def test_sql_behind_the_apps_back_is_caught(secret: tuple[Round, Path]) -> None:
    call_command("check_round", "R1")  # untouched: verified
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_ballot SET choices = %s "
            "WHERE id = (SELECT MIN(id) FROM ballots_ballot)",
            [json.dumps({"P4": "yes"})],
        )
    with pytest.raises(Exception, match="NOT VERIFIED"):
        call_command("check_round", "R1")


def test_a_bundle_edited_in_the_database_fails_its_signature(secret: tuple[Round, Path]) -> None:
    round_ = secret[0]
    tally = bytes(round_.bundle.tally).replace(b'"outcome":"', b'"outcome":"x', 1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ballots_bundle SET tally = %s", [tally])
    with pytest.raises(Exception, match="NOT VERIFIED"):
        call_command("check_round", "R1")


def test_a_voter_checked_in_after_the_close_changes_nothing_signed(
    secret: tuple[Round, Path], cast: Cast
) -> None:
    Voter.objects.filter(present=False).update(present=True)  # later arrivals, for a later round
    call_command("check_round", "R1")


# Issue 6: without a pinned key the verdict is not VERIFIED; the round can be pinned ---------------


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().out.splitlines()


def test_without_a_key_a_re_signed_bundle_is_not_verified_and_shows_its_fingerprint(
    secret: tuple[Round, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = _altered(secret[1], tmp_path, _re_signed)
    code, lines = _run(capsys, str(forged))
    assert code == 3 and "VERIFIED" not in lines and "NOT VERIFIED" not in lines
    assert lines[-1].startswith("SIGNATURE VALID, SIGNER UNVERIFIED: compare the key fingerprint ")
    assert fingerprint(public_hex(FORGER)) in lines[-1] and "announced in the hall" in lines[-1]
    assert [line[:8] for line in lines[:-1]] == ["[PASS] 1", *(f"[PASS] {n}" for n in range(2, 7))]


def test_the_genuine_bundle_is_verified_only_with_the_published_key(
    secret: tuple[Round, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    round_, path = secret
    code, lines = _run(capsys, str(path))
    assert code == 3 and fingerprint(round_.public_key) in lines[-1] and "R1" in lines[-1]
    code, lines = _run(capsys, str(path), "--key", fingerprint(round_.public_key))
    assert (code, lines[-1]) == (0, "VERIFIED")
    code, lines = _run(capsys, str(path), "--key", public_hex(FORGER))
    assert (code, lines[-1]) == (1, "NOT VERIFIED")


def test_another_rounds_genuine_bundle_fails_when_the_round_is_pinned(
    secret: tuple[Round, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = make_round(secret[0].session, code="R2")
    for card in open_with_cards(other):
        cast_ballot("R2", card.code, {"P1": "yes"})
    other = round_close(round_=other)
    call_command("export_audit", "R2", "--out", str(tmp_path))
    r2, _ = tmp_path / "R2.zip", capsys.readouterr()
    code, lines = _run(capsys, str(r2), "--key", other.public_key, "--round", "R1")
    assert (code, lines[-1]) == (1, "NOT VERIFIED")
    assert "[FAIL] 6 signature:" in lines[5] and "R2" in lines[5] and "--round" in lines[5]
    code, lines = _run(capsys, str(r2), "--key", other.public_key, "--round", "R2")
    assert (code, lines[-1]) == (0, "VERIFIED")


def test_verify_audit_pins_the_key_and_the_round_and_fails_loudly_otherwise(
    secret: tuple[Round, Path],
) -> None:
    round_, path = secret
    call_command("verify_audit", str(path), "--key", round_.public_key, "--round", "R1")
    with pytest.raises(CommandError, match="SIGNER UNVERIFIED") as unpinned:
        call_command("verify_audit", str(path))
    assert unpinned.value.returncode == 3
    with pytest.raises(CommandError, match="NOT VERIFIED"):
        call_command("verify_audit", str(path), "--key", round_.public_key, "--round", "R9")


def test_a_forged_round_id_cannot_print_a_verdict_of_its_own(
    secret: tuple[Round, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(content: dict[str, bytes], records: list[dict[str, object]]) -> dict[str, bytes]:
        manifest = json.loads(content["manifest.json"])
        manifest["round"]["id"] = "R1\nVERIFIED\u202e"
        tally = {**json.loads(content["tally.json"]), "round": manifest["round"]["id"]}
        content = {
            **content,
            "manifest.json": canonical_json(manifest),
            "tally.json": canonical_json(tally),
        }
        return _re_signed(content, records, round_id=manifest["round"]["id"])

    code, lines = _run(capsys, str(_altered(secret[1], tmp_path, change)))
    assert code == 3 and "VERIFIED" not in lines and len(lines) == 7
    assert lines[-1].endswith("round R1\\nVERIFIED\\u202e")
