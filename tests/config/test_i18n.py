"""Chinese first, English complete: every string translated, compiled catalogue current."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "config" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = {
        (e.msgid, e.msgstr or str(e.msgstr_plural)) for e in polib.pofile(str(LOCALE / "django.po"))
    }
    mo = {
        (e.msgid, e.msgstr or str(e.msgstr_plural)) for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    assert po - mo == set()


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs gettext (the test set-up installs it)"
)
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    root = Path(settings.BASE_DIR)
    before = {e.msgid for e in polib.pofile(str(LOCALE / "django.po")) if not e.obsolete}
    shutil.copytree(root / "config" / "locale", tmp_path / "locale")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--ignore=.venv",
            "--ignore=tests",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, "DEBUG": "1"},
    )
    after = {e.msgid for e in polib.pofile(str(LOCALE / "django.po")) if not e.obsolete}
    shutil.rmtree(root / "config" / "locale")
    shutil.copytree(tmp_path / "locale", root / "config" / "locale")  # leave the tree as it was
    assert after - before == set()


def test_every_translation_keeps_the_placeholders_of_its_source() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in po:
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            assert sorted(placeholder.findall(entry.msgid)) == sorted(
                placeholder.findall(target)
            ), entry.msgid
