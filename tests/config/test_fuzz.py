"""Fuzzing every way input comes in: the voting API, the session file (parser, command line and
upload), the staff forms and the Excel imports. Whatever arrives, the answer is never a 500,
an error stores nothing, and what is stored fits its columns (on SQLite and PostgreSQL alike).

Each example that may write runs in a savepoint rolled back afterwards, so every example starts
from the same world; the API's casts commit on a worker thread, so there only the counts are
compared. Example counts are small: the whole module runs in seconds, serially.
"""

import io
import json
import os
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ballots.api import STATUS_OF_CODE
from ballots.models import Ballot, Credential, Item, Round, SealedBallot, Session, Voter
from ballots.services.cards import Card
from ballots.session_file import (
    CODE,
    SessionFileError,
    SessionSpec,
    load_session_file,
    parse_session_file,
)
from projects.excel import COLUMNS
from projects.models import ActionEntry, Body, Candidate, CandidateSource, Level
from projects.validation import CONTROL, LINE_BREAK_OR_TAB
from tests.ballots.commands.test_session_commands import session_file
from tests.conftest import Cast, client_for
from tests.voting import make_round, make_session, open_with_cards
from tests.workbooks import workbook

Test = TypeVar("Test", bound=Callable[..., None])


def fuzz(examples: int) -> settings:
    """Few examples for every run; FUZZ_SCALE=20 (say) for a long hunt by hand."""
    return settings(
        max_examples=examples * int(os.environ.get("FUZZ_SCALE", "1")),
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # the world is built once; examples roll back
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# Values: any character (control characters and lone surrogates included), the ones that broke
# things before, and numbers from small to far beyond any column.
ANY_CHAR = st.characters(exclude_categories=())
NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\n",
        "P1\n",
        "P1",
        "V001",
        "V001\n",
        "yes",
        "abstain",
        "\ud800",
        "\ufffe",
        "\x85",
        "长" * 61,
        "x" * 201,
        "2027-01-15",
        "20270115",
        "2027-02-30",
        "0",
        "1e999",
        "NaN",
        "%00",
        "../",
        "<script>",
        "=1+1",
    ]
)
TEXT = st.one_of(st.text(ANY_CHAR, max_size=12), NASTY_TEXT)
INTS = st.one_of(
    st.integers(-2, 1001),
    st.sampled_from([32767, 32768, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.integers(),
)
SCALARS = st.one_of(st.none(), st.booleans(), INTS, st.floats(), TEXT)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=24)


def _pathological_json() -> st.SearchStrategy[bytes]:
    depth = st.integers(1, 3000)
    return st.one_of(
        depth.map(lambda n: b"[" * n + b"]" * n),
        depth.map(lambda n: b'{"choices": ' * n + b"{}" + b"}" * n),
        st.integers(1, 6000).map(lambda n: b'{"choices": {"P1": ' + b"9" * n + b"}}"),
        st.sampled_from(
            [
                b'{"choices": {"P1": "yes", "P1": "no"}}',
                b'{"choices": {}, "choices": {"P1": "yes"}}',
                b'{"choices": {"P1": NaN}}',
                b'{"choices": {"P1": "yes"}}\x00',
                b'{"choices": {"P1": "\\ud800"}}',
                b'{"choices": {"\\u0000": "yes"}}',
            ]
        ),
    )


def _segment(text: str) -> str:
    """Any text as one path segment, percent-encoded (a lone surrogate as the bytes it would be)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _setting(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    holder = data
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return data


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


@st.composite
def session_files(draw: st.DrawFn) -> Any:
    """The sample file with a few values replaced: mostly single values (a text, a number), at
    times a whole part by any JSON, so that most files are nearly right."""
    data: Any = session_file()
    for _ in range(draw(st.integers(0, 3))):
        paths = list(_paths(data))
        leaves = [p for p in paths if not isinstance(_at(data, p), dict | list)]
        a_leaf: bool = draw(st.booleans())
        path = draw(st.sampled_from(leaves if leaves and a_leaf else paths))
        data = _setting(data, path, draw(st.one_of(TEXT, INTS, JSON)))
    return data


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _spoiled(path: tuple[Any, ...], value: Any) -> Any:
    return _setting(session_file(), path, value)


def pinned(**cases: list[Any]) -> Callable[[Test], Test]:
    """Run these examples every time, before the random ones (hypothesis' @example, for lists)."""

    def decorate(test: Test) -> Test:
        for name, values in cases.items():
            for value in values:
                test = example(**{name: value})(test)
        return test

    return decorate


# Each a value that once got through: pinned, so that every run tries them.
SPOILED_FILES = [
    _spoiled(("voters", 0, "id"), "V01\n"),
    _spoiled(("rounds", 0, "items", 3, "number"), 40_000),
    _spoiled(("session", "date"), 20270115),
    _spoiled(("voters", 1, "name"), "代表\x00"),
    _spoiled(("rounds", 0, "items", 0, "title"), "\ud800"),
    _spoiled(("rounds", 0, "max_yes_per_ballot"), 2**63),
]


def _is_plain(text: str, *, lines: bool = False) -> bool:
    return not CONTROL.search(text) and (lines or not LINE_BREAK_OR_TAB.search(text))


def assert_stored_rows_fit() -> None:
    """What the tables hold fits their columns and the interface's rules, whatever came in."""
    for session in Session.objects.all():
        assert CODE.fullmatch(session.code), session.code
        assert 0 < len(session.title) <= 200 and _is_plain(session.title), session.title
        assert _is_plain(session.rules_text, lines=True)
    for voter in Voter.objects.all():
        assert CODE.fullmatch(voter.code), voter.code
        assert 0 < len(voter.name) <= 60 and _is_plain(voter.name), voter.name
    for round_ in Round.objects.all():
        assert CODE.fullmatch(round_.code), round_.code
        for limit in (round_.to_select, round_.max_yes_per_ballot):
            assert limit is None or 1 <= limit <= 32767
    for item in Item.objects.all():
        assert CODE.fullmatch(item.code) and 1 <= item.number <= 32767
        assert 0 < len(item.title) <= 200 and _is_plain(item.title), item.title


def _spec_fits(spec: SessionSpec) -> None:
    texts = [spec.title, spec.body, *(name for _code, name in spec.voters)]
    codes = [spec.id, *(code for code, _name in spec.voters)]
    for round_ in spec.rounds:
        codes.append(round_.id)
        codes.extend(item.id for item in round_.items)
        texts.extend(item.title for item in round_.items)
        assert all(1 <= item.number <= 999 for item in round_.items)
        assert len({item.number for item in round_.items}) == len(round_.items)
        assert len({item.id for item in round_.items}) == len(round_.items)
    assert all(CODE.fullmatch(code) for code in codes), codes
    assert all(text and _is_plain(text) for text in texts), texts


class _Undo(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the block stores is undone when it ends (a savepoint in the test's transaction)."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def _counts() -> tuple[int, ...]:
    models = (Session, Voter, Round, Item, Credential, Candidate, CandidateSource, ActionEntry)
    return tuple(model.objects.count() for model in models)


# The session file, parsed: no database.


@fuzz(150)
@given(data=st.one_of(session_files(), JSON))
@pinned(data=SPOILED_FILES)
def test_the_session_file_parser_refuses_or_returns_a_file_that_fits(data: Any) -> None:
    try:
        spec = parse_session_file(data)
    except SessionFileError as refused:
        assert refused.problems and all(isinstance(p, str) for p in refused.problems)
    else:
        _spec_fits(spec)


@fuzz(80)
@given(raw=st.one_of(st.binary(max_size=64), _pathological_json(), JSON.map(json.dumps)))
def test_the_session_file_reader_refuses_or_returns_json(raw: bytes | str) -> None:
    content = raw.encode() if isinstance(raw, str) else raw
    try:
        load_session_file(content)
    except SessionFileError as refused:
        assert refused.problems


# The session file, imported: by the command line and by the staff's upload.


@pytest.fixture
def congress(db: None) -> Body:
    return Body.objects.create(slug="qingshan", name="青山镇人民代表大会", level=Level.TOWNSHIP)


@fuzz(30)
@given(data=session_files())
@pinned(data=SPOILED_FILES)
def test_the_import_command_stores_all_that_fits_or_nothing(
    congress: Body, tmp_path: Path, data: Any
) -> None:
    path = tmp_path / "session.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with rolled_back():
        before = _counts()
        try:
            call_command("import_session", str(path), stdout=io.StringIO())
        except CommandError:
            assert _counts() == before
        else:
            assert Session.objects.count() == before[0] + 1
        assert_stored_rows_fit()


@fuzz(30)
@given(
    content=st.one_of(
        session_files().map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=64),
        _pathological_json(),
    )
)
def test_the_session_file_upload_stores_all_that_fits_or_nothing(
    cast: Cast, content: bytes
) -> None:
    with rolled_back():
        before = _counts()
        upload = SimpleUploadedFile("s.json", content)
        response = client_for(cast.congress).post(
            reverse("session_import", kwargs={"body": cast.body.slug}), {"file": upload}
        )
        assert response.status_code == 302
        if response["Location"] == reverse("session_index", kwargs={"body": cast.body.slug}):
            assert _counts() == before  # refused: back to the list with the reasons
        assert_stored_rows_fit()


@pytest.fixture
def staff_world(cast: Cast) -> Cast:
    make_round(make_session(cast.body))
    return cast


# The voting API: random bodies and headers against an open round with real cards.

API_STATUSES = set(STATUS_OF_CODE.values())


@pytest.fixture
def open_round(cast: Cast) -> list[Card]:
    return open_with_cards(make_round(make_session(cast.body), max_yes=2))


BALLOTS = st.fixed_dictionaries(
    {
        "choices": st.one_of(
            st.dictionaries(
                st.sampled_from(["P1", "P2", "P3", "P4"]) | TEXT,
                st.sampled_from(["yes", "no", "abstain"]) | SCALARS,
                max_size=5,
            ),
            JSON,
        )
    },
    optional={"extra": JSON},
)


def _assert_api_error(response: Any) -> None:
    answer = response.json()
    assert set(answer) == {"error", "detail"}, answer
    assert STATUS_OF_CODE[answer["error"]] == response.status_code
    assert isinstance(answer["detail"], str) and answer["detail"]


@pytest.mark.django_db(transaction=True)  # casts commit on a worker thread
@fuzz(40)
@given(
    body=st.one_of(
        BALLOTS.map(json.dumps), JSON.map(json.dumps), _pathological_json(), st.binary(max_size=40)
    ),
    card=st.one_of(st.integers(0, 9), st.none()),
    authorization=st.one_of(st.none(), HEADER_TEXT, HEADER_TEXT.map("Bearer {}".format)),
    key=st.one_of(st.none(), HEADER_TEXT, st.text(string.ascii_letters, min_size=60, max_size=70)),
    language=st.one_of(st.none(), st.sampled_from(["en", "zh-CN", "*", "xx;q=oops"]), HEADER_TEXT),
    round_code=st.one_of(st.just("R1"), TEXT.filter(lambda t: t and "/" not in t).map(_segment)),
)
def test_the_voting_api_answers_every_request_in_its_contract(
    open_round: list[Card],
    body: str | bytes,
    card: int | None,
    authorization: str | None,
    key: str | None,
    language: str | None,
    round_code: str,
) -> None:
    extra: dict[str, Any] = {}
    if card is None:
        if authorization is not None:
            extra["HTTP_AUTHORIZATION"] = authorization
    else:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {open_round[card].code}"
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    if language is not None:
        extra["HTTP_ACCEPT_LANGUAGE"] = language
    before = SealedBallot.objects.count()
    response = Client().post(
        f"/api/v1/rounds/{round_code}/ballots",  # (no "/" in it: another address, not the API)
        body,
        content_type="application/json",
        **extra,
    )
    assert response.status_code in API_STATUSES | {200, 201}, response.content
    if response.status_code in (200, 201):
        assert set(response.json()) == {"receipt"}
        assert SealedBallot.objects.count() == before + (response.status_code == 201)
    else:
        _assert_api_error(response)
        assert SealedBallot.objects.count() == before
    assert Ballot.objects.count() == 0  # sealed until the close


@fuzz(40)
@given(
    code=TEXT,
    what=st.sampled_from(["", "/tally", "/credential", "/audit.zip", "receipt"]),
    authorization=HEADER_TEXT,
)
@example(code="\x00", what="", authorization="")
@example(code="\x00", what="receipt", authorization="")
@example(code="R1\n", what="/tally", authorization="")
def test_the_api_reads_answer_any_code(
    staff_world: Cast, code: str, what: str, authorization: str
) -> None:
    segment = _segment(code)
    url = f"/api/v1/rounds/{segment}{what}"
    if what == "receipt":
        url = f"/api/v1/receipts/{segment}"
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {authorization}")
    assert response.status_code < 500
    if response.status_code >= 400 and response.get("Content-Type") == "application/json":
        _assert_api_error(response)


# The staff's forms, posted with anything by congress staff.

DATES = st.one_of(st.dates().map(str), TEXT, st.sampled_from(["2027-01-15", "9999-12-31"]))
NUMBERS = st.one_of(INTS.map(str), TEXT)


@fuzz(40)
@given(
    form=st.sampled_from(["session", "round", "checkin", "revoke", "act"]),
    fields=st.fixed_dictionaries(
        {},
        optional={
            "title": TEXT,
            "date": DATES,
            "rules_text": TEXT,
            "year": NUMBERS,
            "secrecy": st.sampled_from(["secret", "named"]) | TEXT,
            "to_select": NUMBERS,
            "max_yes": NUMBERS,
            "code": TEXT,
            "voter": st.sampled_from(["V001", "V010"]) | TEXT,
            "all": st.sampled_from(["1", ""]) | TEXT,
            "serial": NUMBERS,
        },
    ),
    htmx=st.booleans(),
    action=st.sampled_from(["open", "close", "follow-up", "publish"]),
)
@example(form="revoke", fields={"serial": str(10**30)}, htmx=False, action="open")
@example(form="revoke", fields={"serial": str(2**63)}, htmx=False, action="open")
@example(form="round", fields={"year": "2027", "max_yes": str(10**30)}, htmx=False, action="open")
@example(
    form="round", fields={"year": str(10**30), "to_select": "40000"}, htmx=False, action="open"
)
@example(form="session", fields={"title": "会议", "date": "0001-01-01"}, htmx=False, action="open")
@example(form="checkin", fields={"voter": "NOPE", "all": "1"}, htmx=True, action="open")
@example(form="checkin", fields={"voter": "V00\x00"}, htmx=True, action="open")
def test_the_staff_forms_refuse_or_store_what_fits(
    staff_world: Cast, form: str, fields: dict[str, str], htmx: bool, action: str
) -> None:
    body = staff_world.body.slug
    url = {
        "session": reverse("session_index", kwargs={"body": body}),
        "round": reverse("round_new", kwargs={"body": body, "code": "S1"}),
        "checkin": reverse("session_checkin", kwargs={"body": body, "code": "S1"}),
        "revoke": reverse("round_revoke", kwargs={"body": body, "code": "R1"}),
        "act": reverse("round_act", kwargs={"body": body, "code": "R1", "action": action}),
    }[form]
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with rolled_back():
        # As bytes: a lone surrogate goes as the (invalid UTF-8) bytes a client could send.
        sent = {name: value.encode("utf-8", "surrogatepass") for name, value in fields.items()}
        response = client_for(staff_world.congress).post(url, sent, **headers)
        assert response.status_code < 500
        assert_stored_rows_fit()


# The Excel imports: the roster of a new session, and candidates.

CELL_TEXT = st.text(ANY_CHAR, max_size=20).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    INTS.filter(lambda n: abs(n) < 2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(),
    CELL_TEXT,
    NASTY_TEXT.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)),
)


def _xlsx(rows: list[list[Any]]) -> bytes:
    return workbook(*rows)


@st.composite
def rosters(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    header = draw(st.sampled_from([["代表编号", "姓名"], ["code", "name"]]) | st.lists(CELLS))
    good = st.tuples(st.sampled_from(["V1", "V2", "V-3", "V_4"]), st.just("张三"))
    rows = draw(st.lists(st.one_of(good.map(list), st.lists(CELLS, max_size=3)), max_size=4))
    return _xlsx([header, *rows])


@fuzz(30)
@given(roster=rosters(), title=st.sampled_from(["第三次会议"]) | TEXT)
def test_a_roster_is_taken_whole_or_not_at_all(cast: Cast, roster: bytes, title: str) -> None:
    with rolled_back():
        before = _counts()
        response = client_for(cast.congress).post(
            reverse("session_index", kwargs={"body": cast.body.slug}),
            {
                "title": title.encode("utf-8", "surrogatepass"),
                "date": "2027-01-15",
                "roster": SimpleUploadedFile("r.xlsx", roster),
            },
        )
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert _counts() == before
        assert_stored_rows_fit()


def _candidate_header() -> list[str]:
    with translation.override("zh-hans"):
        return [str(column.label) for column in COLUMNS]


GOOD_CANDIDATE = {
    "name": "梅林小学午休改造",
    "category": "教育",
    "year": 2027,
    "station": "东区联络站",
    "content": "配置午休课桌椅。",
    "investment_wan": 95,
    "planned_completion": "2027-08-31",
    "latitude": 29.285,
    "longitude": 121.4402,
    "source_kind": "群众",
    "source_name": "梅林社区居民",
    "raised_on": "2026-09-12",
}


@st.composite
def candidate_sheets(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    keys = [column.key for column in COLUMNS]
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = dict(GOOD_CANDIDATE)
        for key in draw(st.lists(st.sampled_from(keys), max_size=3)):
            row[key] = draw(CELLS)
        rows.append([row.get(key) for key in keys])
    return _xlsx([_candidate_header(), *rows])


@fuzz(30)
@given(sheet=candidate_sheets())
def test_a_candidate_sheet_is_taken_whole_or_not_at_all(cast: Cast, sheet: bytes) -> None:
    with rolled_back():
        before = _counts()
        response = client_for(cast.east_staff).post(
            reverse("candidates_import", kwargs={"body": cast.body.slug}),
            {"file": SimpleUploadedFile("c.xlsx", sheet)},
        )
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert _counts() == before
        for candidate in Candidate.objects.all():
            assert _is_plain(candidate.name) and _is_plain(candidate.content, lines=True)


def test_the_fuzz_world_is_sound(cast: Cast) -> None:
    """The sample file and the good rows the strategies start from are accepted as they are."""
    parse_session_file(session_file())
    with rolled_back():
        response = client_for(cast.congress).post(
            reverse("session_index", kwargs={"body": cast.body.slug}),
            {
                "title": "第三次会议",
                "date": "2027-01-15",
                "roster": SimpleUploadedFile(
                    "r.xlsx", _xlsx([["代表编号", "姓名"], ["V1", "张三"]])
                ),
            },
        )
        assert response.status_code == 302 and Voter.objects.count() == 1
    with rolled_back():
        response = client_for(cast.east_staff).post(
            reverse("candidates_import", kwargs={"body": cast.body.slug}),
            {
                "file": SimpleUploadedFile(
                    "c.xlsx",
                    _xlsx(
                        [
                            _candidate_header(),
                            [GOOD_CANDIDATE.get(column.key) for column in COLUMNS],
                        ]
                    ),
                )
            },
        )
        assert response.status_code == 302 and Candidate.objects.count() == 1
