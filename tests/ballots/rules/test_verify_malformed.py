"""Whatever it is given, the verifier answers with FAIL lines and a verdict, never a traceback."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ballots.rules.verify import main

DEEP = 100_000
SHELL = {  # just enough for check 1 to pass, so that the later checks read what follows
    "manifest.json": json.dumps(
        {
            "format": "minsheng-audit/1",
            "round": {"kind": "selection", "options": ["yes", "no", "abstain"]},
        }
    ).encode(),
    "ballots.jsonl": b"",
    "tally.json": b"{}",
    "signature.json": b"{}",
}


def _zip(path: Path, **files: bytes) -> Path:
    content = {**SHELL, **{name.replace("_", "."): data for name, data in files.items()}}
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in content.items():
            bundle.writestr(name, data)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().out.splitlines()


def test_a_manifest_nested_a_hundred_thousand_deep_is_a_fail_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _zip(tmp_path / "deep.zip", manifest_json=b"[" * DEEP + b"]" * DEEP)
    code, lines = _run(capsys, str(bundle))
    assert code == 1 and lines[-1] == "NOT VERIFIED"
    assert lines[0].startswith("[FAIL] 1 files: manifest.json does not parse")
    assert all(line.startswith("[SKIP]") for line in lines[1:-1])


def test_a_deeply_nested_board_line_is_a_fail_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for depth in (DEEP, 900):  # too deep to parse; parses, but too deep to walk
        line = b'{"choices":' + b"[" * depth + b"]" * depth + b"}\n"
        code, lines = _run(capsys, str(_zip(tmp_path / "deep.zip", ballots_jsonl=line)))
        assert code == 1 and lines[1].startswith("[FAIL] 2 board: "), lines[1][:200]


def test_a_number_too_long_to_convert_is_a_fail_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _zip(tmp_path / "big.zip", tally_json=b'{"ballots_cast":' + b"9" * 5000 + b"}")
    code, lines = _run(capsys, str(bundle))
    assert code == 1 and lines[0].startswith("[FAIL] 1 files: tally.json does not parse")


def test_a_missing_zip_or_receipts_file_is_a_fail_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = _run(capsys, str(tmp_path / "nowhere.zip"))
    assert code == 1 and lines[0].startswith("[FAIL] 1 files: not a readable zip")
    bundle = _zip(tmp_path / "shell.zip")
    code, lines = _run(capsys, str(bundle), "--receipts", str(tmp_path / "nowhere.txt"))
    assert code == 1 and "[FAIL] 7 receipts: cannot read" in lines[-2]


def test_a_huge_value_is_not_echoed_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = json.dumps({"format": "x" * 1_000_000}).encode()
    code, lines = _run(capsys, str(_zip(tmp_path / "long.zip", manifest_json=manifest)))
    assert code == 1 and lines[0].startswith("[FAIL] 1 files: format is") and len(lines[0]) < 600


def test_the_command_line_prints_no_traceback(tmp_path: Path) -> None:
    bundle = _zip(tmp_path / "deep.zip", manifest_json=b"[" * DEEP + b"]" * DEEP)
    done = subprocess.run(
        [sys.executable, "-m", "ballots.verify", str(bundle)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[3],
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "NOT VERIFIED"
