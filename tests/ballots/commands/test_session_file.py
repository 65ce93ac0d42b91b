"""The session file's parser: every value checked against what the database will hold, with the
path of the value at fault; the raw bytes read with a guard against nesting, huge numbers and
repeated keys. Nothing here needs a database: a refused file never reaches one."""

import json
from typing import Any

import pytest
from django.utils import translation

from ballots.session_file import SessionFileError, load_session_file, parse_session_file
from tests.ballots.commands.test_session_commands import session_file


def problems_of(data: Any) -> list[str]:
    with pytest.raises(SessionFileError) as refused:
        parse_session_file(data)
    return refused.value.problems


def test_the_sample_file_is_accepted() -> None:
    spec = parse_session_file(session_file())
    assert spec.id == "QS-2027-1" and spec.date.isoformat() == "2027-01-15"


@pytest.mark.parametrize("code", ["QS-1\n", "QS-1\r\n", "\nQS-1", "QS 1", "Q" * 65, "", "编号"])
def test_an_id_must_be_the_whole_code_and_nothing_after_it(code: str) -> None:
    data = session_file()
    data["session"]["id"] = code
    data["voters"][2]["id"] = code
    data["rounds"][0]["id"] = code
    data["rounds"][0]["items"][3]["id"] = code
    problems = problems_of(data)
    for where in ("session.id", "voters[2].id", "rounds[0].id", "rounds[0].items[3].id"):
        assert any(p.startswith(f"{where}:") for p in problems), (where, problems)


@pytest.mark.parametrize(
    "date", [20270115, "20270115", 2027.0115, None, ["2027-01-15"], "2027-W03-5", " 2027-01-15"]
)
def test_a_date_must_be_a_string_written_yyyy_mm_dd(date: Any) -> None:
    data = session_file()
    data["session"]["date"] = date
    assert [p.split(":")[0] for p in problems_of(data)] == ["session.date"]


@pytest.mark.parametrize("number", [0, -1, 1000, 40_000, 2**63, 10**30, 1.0, "1", True, None])
def test_an_item_number_is_a_whole_number_from_1_to_999(number: Any) -> None:
    data = session_file()
    data["rounds"][0]["items"][3]["number"] = number
    assert [p.split(":")[0] for p in problems_of(data)] == ["rounds[0].items[3].number"]


def test_item_numbers_are_unique_within_a_round_only() -> None:
    data = session_file()
    data["rounds"][0]["items"][3]["number"] = 1
    data["rounds"][1]["items"][0]["number"] = 1  # another round may use it
    assert [p.split(":")[0] for p in problems_of(data)] == ["rounds[0].items[3].number"]


@pytest.mark.parametrize("key", ["to_select", "max_yes_per_ballot"])
@pytest.mark.parametrize("value", [40_000, 2**63, 10**30])
def test_round_limits_are_bounded(key: str, value: int) -> None:
    data = session_file()
    data["rounds"][0][key] = value
    assert f"rounds[0].{key}" in [p.split(":")[0] for p in problems_of(data)]


@pytest.mark.parametrize(
    ("where", "path", "limit"),
    [
        (("session", "title"), "session.title", 200),
        (("session", "body"), "session.body", 120),
        (("voters", 4, "name"), "voters[4].name", 60),
        (("rounds", 0, "items", 2, "title"), "rounds[0].items[2].title", 200),
    ],
)
def test_texts_are_bounded_by_the_columns_that_hold_them(
    where: tuple[Any, ...], path: str, limit: int
) -> None:
    for size, fits in ((limit, True), (limit + 1, False)):
        data = session_file()
        holder: Any = data
        for step in where[:-1]:
            holder = holder[step]
        holder[where[-1]] = "长" * size
        if fits:
            parse_session_file(data)
        else:
            assert [p.split(":")[0] for p in problems_of(data)] == [path]


@pytest.mark.parametrize(
    "text", ["a\x00b", "a\ud800b", "line\nbreak", "tab\there", "\x7f", "\x85", "\ufffe"]
)
def test_texts_hold_no_control_characters_or_broken_unicode(text: str) -> None:
    data = session_file()
    data["voters"][1]["name"] = text
    data["rounds"][1]["items"][0]["title"] = text
    assert [p.split(":")[0] for p in problems_of(data)] == [
        "voters[1].name",
        "rounds[1].items[0].title",
    ]


def test_every_text_is_stripped_before_it_is_measured() -> None:
    data = session_file()
    data["voters"][0]["name"] = "  代表1  "
    assert parse_session_file(data).voters[0] == ("V01", "代表1")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested"),
        (b'{"session": ' * 40 + b"1" + b"}" * 40, "nested"),
        (b'{"n": ' + b"9" * 5_000 + b"}", "number"),
        (b'{"n": 1e999}', "number"),
        (b'{"n": NaN}', "number"),
        (b'{"session": {}, "session": {}}', "session"),
        (b"\xff\xfe", "UTF-8"),
        (b'{"a": ', "JSON"),
        (b"", "JSON"),
    ],
)
def test_raw_bytes_are_read_with_a_guard(raw: bytes, words: str) -> None:
    with translation.override("en"), pytest.raises(SessionFileError) as refused:
        load_session_file(raw)
    assert words in " ".join(refused.value.problems)


def test_good_bytes_load_as_json() -> None:
    raw = json.dumps(session_file(), ensure_ascii=False).encode()
    assert parse_session_file(load_session_file(raw)).rounds[0].items[3].number == 4
