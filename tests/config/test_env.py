"""Settings readers fail loudly on values that would otherwise be misread."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import dev_secret, env_bool, env_int, env_list
from config.settings import _database


def test_booleans_take_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False


def test_a_misspelt_boolean_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", False)


def test_a_non_number_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT"):
        env_int("COUNT", 1)


def test_allowed_hosts_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_database_urls_take_the_usual_forms() -> None:
    pg = _database("postgres://postgres@127.0.0.1:5432/minsheng")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"]) == (
        "127.0.0.1",
        5432,
        "minsheng",
        "postgres",
    )
    lite = _database("sqlite:////tmp/x.sqlite3")
    assert lite["ENGINE"] == "django.db.backends.sqlite3" and lite["NAME"] == "/tmp/x.sqlite3"


def test_no_connection_outlives_its_request_so_postgresql_never_runs_out() -> None:
    assert _database("postgres://postgres@127.0.0.1:5432/minsheng")["CONN_MAX_AGE"] == 0


def test_a_bad_database_url_stops_start_up() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        _database("mongodb://nowhere/db")


# With DEBUG on and no keys given, the keys are made on this machine, not taken from the repository.

CONFIG = Path(__file__).resolve().parents[2] / "config"


def _settings_in(tmp_path: Path, **env: str) -> dict[str, str]:
    """Load a copy of the settings whose base folder is tmp_path, with only these variables."""
    copy = tmp_path / "config"
    if not copy.exists():
        shutil.copytree(CONFIG, copy, ignore=shutil.ignore_patterns("locale", "static", "*.pyc"))
    keep = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SIGNING_KEK")}
    keep.update(env, PYTHONPATH=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db'}")
    script = "import json, config.settings as s; print(json.dumps([s.SECRET_KEY, s.SIGNING_KEK]))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=keep, capture_output=True, text=True
    )
    if done.returncode:
        return {"error": done.stderr}
    secret, kek = json.loads(done.stdout)
    return {"SECRET_KEY": secret, "SIGNING_KEK": kek}


def test_debug_without_keys_uses_none_from_the_repository(tmp_path: Path) -> None:
    first = _settings_in(tmp_path, DEBUG="1")
    assert set(first) == {"SECRET_KEY", "SIGNING_KEK"}, first
    sources = "".join(p.read_text(encoding="utf-8") for p in CONFIG.glob("*.py"))
    for key in first.values():
        assert len(key) >= 50 and key not in sources
    assert first["SECRET_KEY"] != first["SIGNING_KEK"]
    made = sorted((tmp_path / "var").glob("dev-*"))
    assert [p.name for p in made] == ["dev-secret-key", "dev-signing-kek"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made)
    assert (
        _settings_in(tmp_path, DEBUG="1") == first
    )  # the same on the next start: sealed keys open


def test_given_keys_are_used_as_given_and_debug_off_still_requires_them(tmp_path: Path) -> None:
    given = {"SECRET_KEY": "k" * 50, "SIGNING_KEK": "e" * 40}
    assert _settings_in(tmp_path, DEBUG="1", **given) == given
    assert not (tmp_path / "var" / "dev-secret-key").exists()
    assert "SECRET_KEY must be set" in _settings_in(tmp_path, DEBUG="0")["error"]


def test_a_dev_key_file_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "dev-key"
    key = dev_secret(path)
    assert dev_secret(path) == key != dev_secret(tmp_path / "var" / "other-key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    assert dev_secret(path) == key and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_dev_key_file_stops_start_up(tmp_path: Path) -> None:
    path = tmp_path / "dev-key"
    path.write_text("short")
    with pytest.raises(ImproperlyConfigured, match="dev-key"):
        dev_secret(path)
