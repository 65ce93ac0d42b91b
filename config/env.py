"""Tiny typed readers for settings taken from the environment; a bad value stops start-up."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def dev_secret(path: Path) -> str:
    """A random key kept in `path` (made on first use, readable by its owner only): for DEBUG
    runs without keys in the environment. Never a constant: a key written in the repository is
    public, and anyone could forge this install's sessions, password resets and signed values
    with it, or unseal its round keys. Kept in a file, not made anew per process, so a restart
    (or the reloader) keeps sign-ins and can still open the round keys it sealed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)  # whole or not at all; if another process won, use its key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_text(encoding="ascii", errors="replace").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable key: delete it and start again.")
    return key


def env_secret(name: str, *, debug: bool, min_length: int, dev_file: Path) -> str:
    """A key from the environment; with DEBUG on and none given, this machine's own (dev_secret)."""
    value = os.environ.get(name, "")
    if len(value) >= min_length:
        return value
    if not debug:
        if min_length <= 1:
            raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
        raise ImproperlyConfigured(
            f"{name} must be at least {min_length} characters when DEBUG is off."
        )
    return dev_secret(dev_file)
