"""码上监督 site signs: congress staff print a project's A4 sign, or every sign of a year; its QR
code opens the project's public page, which shows the same code for sharing."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from projects.pdf.qr import qr_code
from projects.pdf.signs import PAGE_H, QR_BORDER, QR_SIZE, QR_X, QR_Y
from tests.conftest import Cast, client_for
from tracking.models import TrackedProject

pytestmark = pytest.mark.django_db
DPI = 144


def project(cast: Cast, code: str, year: int = 2027, **facts: object) -> TrackedProject:
    defaults: dict[str, object] = {
        "title": f"{code}号民生实事：溪口村饮用水管网改造",
        "unit": "青山镇水务站",
        "completion": datetime.date(year, 12, 31),
        "start": datetime.date(year, 3, 1),
        "plan_set_at": timezone.now(),
    }
    return TrackedProject.objects.create(
        code=code, body=cast.body, year=year, **{**defaults, **facts}
    )


def download(client: Client, url: str, tmp_path: Path, name: str = "sign.pdf") -> Path:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def text_of(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def page_png(pdf: Path, page: int = 1) -> Path:
    prefix = pdf.with_suffix("")
    pages = ["-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), *pages, str(pdf), str(prefix)], check=True)
    return prefix.with_suffix(".png")


def sampled_matrix(png: Path, modules: int) -> list[list[bool]]:
    """The dark and light modules read off the rendered page, at each module's centre."""
    image = Image.open(png).convert("L")
    scale = DPI / 72
    unit = QR_SIZE / (modules + 2 * QR_BORDER)
    top = QR_Y + QR_SIZE  # in PDF points, measured from the bottom of the page
    rows = []
    for r in range(-QR_BORDER, modules + QR_BORDER):
        row: list[bool] = []
        for c in range(-QR_BORDER, modules + QR_BORDER):
            x = (QR_X + (QR_BORDER + c + 0.5) * unit) * scale
            y = (PAGE_H - (top - (QR_BORDER + r + 0.5) * unit)) * scale
            grey = image.getpixel((int(x), int(y)))
            assert isinstance(grey, int)  # one channel: "L"
            row.append(grey < 128)
        rows.append(row)
    return rows


def assert_code_opens(png: Path, url: str) -> None:
    """The printed code is exactly segno's code for the URL, quiet zone included; and, where a
    QR reader is installed, a reader gets the URL back from the picture."""
    matrix = [[bool(v) for v in row] for row in qr_code(url).matrix]
    n = len(matrix)
    light = [False] * (n + 2 * QR_BORDER)
    expected = [light] * QR_BORDER + [
        [False] * QR_BORDER + row + [False] * QR_BORDER for row in matrix
    ]
    expected += [light] * QR_BORDER
    assert sampled_matrix(png, n) == expected
    if shutil.which("zbarimg"):
        read = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
        )
        assert read.stdout.strip() == url


def test_a_site_sign_names_the_project_its_unit_and_deadline(cast: Cast, tmp_path: Path) -> None:
    made = project(cast, "T-1")
    url = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    text = text_of(download(client_for(cast.congress), url, tmp_path))
    assert "码上监督" in text
    assert "T-1号民生实事：溪口村饮用水管网改造" in text
    assert "青山镇水务站" in text
    assert "2027年12月31日" in text
    assert "扫码查看进度、评价、反映问题" in text
    assert "http://testserver/projects/T-1/" in text
    assert "青山镇人民代表大会" in text


def test_the_code_on_a_sign_opens_the_projects_public_page(cast: Cast, tmp_path: Path) -> None:
    made = project(cast, "T-1")
    url = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    png = page_png(download(client_for(cast.congress), url, tmp_path))
    assert_code_opens(png, "http://testserver/projects/T-1/")


def test_the_sign_carries_the_site_address_when_one_is_set(
    cast: Cast, tmp_path: Path, settings: object
) -> None:
    settings.SITE_URL = "https://renda.example.gov.cn/"  # type: ignore[attr-defined]
    made = project(cast, "T-1")
    url = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    pdf = download(client_for(cast.congress), url, tmp_path)
    assert "https://renda.example.gov.cn/projects/T-1/" in text_of(pdf)
    assert_code_opens(page_png(pdf), "https://renda.example.gov.cn/projects/T-1/")


def test_a_project_without_a_published_plan_says_its_plan_is_being_drawn_up(
    cast: Cast, tmp_path: Path
) -> None:
    made = project(cast, "T-1", plan_set_at=None, unit="")
    url = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    text = text_of(download(client_for(cast.congress), url, tmp_path))
    assert "实施方案编制中" in text
    assert "2027年12月31日" not in text


def test_a_very_long_title_is_shortened_to_fit_the_sign(cast: Cast, tmp_path: Path) -> None:
    made = project(cast, "T-1", title="青山镇" + "农村生活污水治理提升改造" * 12)
    url = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    text = text_of(download(client_for(cast.congress), url, tmp_path))
    assert "青山镇农村生活污水" in text and "…" in text
    assert "青山镇水务站" in text  # the facts still follow the title


def test_the_years_sheet_has_one_sign_per_project_of_that_year(cast: Cast, tmp_path: Path) -> None:
    for code in ("T-2", "T-1", "T-3"):
        project(cast, code)
    parent = TrackedProject.objects.get(code="T-1")
    project(cast, "T-1-1", title="一标段", parent=parent)  # a sub-item: its parent's sign covers it
    project(cast, "T-OLD", year=2026, title="去年的项目")
    url = reverse("project_signs", kwargs={"body": cast.body.slug}) + "?year=2027"
    pdf = download(client_for(cast.congress), url, tmp_path)
    assert pages_of(pdf) == 3
    text = text_of(pdf)
    assert "去年的项目" not in text and "一标段" not in text
    for code in ("T-1", "T-2", "T-3"):
        assert f"http://testserver/projects/{code}/" in text
    assert text.index("/projects/T-1/") < text.index("/projects/T-2/") < text.index("/T-3/")
    assert_code_opens(page_png(pdf, page=2), "http://testserver/projects/T-2/")


def test_without_a_year_the_sheet_is_the_latest_years(cast: Cast, tmp_path: Path) -> None:
    project(cast, "T-OLD", year=2026, title="去年的项目")
    project(cast, "T-NEW", year=2027, title="今年的项目")
    url = reverse("project_signs", kwargs={"body": cast.body.slug})
    pdf = download(client_for(cast.congress), url, tmp_path)
    assert pages_of(pdf) == 1 and "今年的项目" in text_of(pdf)


def test_a_year_without_projects_has_no_sheet(cast: Cast) -> None:
    project(cast, "T-1")
    url = reverse("project_signs", kwargs={"body": cast.body.slug})
    assert client_for(cast.congress).get(url + "?year=2025").status_code == 404


def test_a_congress_without_projects_is_told_why_there_are_no_signs(cast: Cast) -> None:
    response = client_for(cast.congress).get(
        reverse("project_signs", kwargs={"body": cast.body.slug})
    )
    assert response.status_code == 404
    assert "尚无跟踪项目" in response.content.decode()


def test_only_congress_staff_print_site_signs(cast: Cast) -> None:
    made = project(cast, "T-1")
    url = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    for who in (cast.east_staff, cast.auditor, cast.unit, cast.stranger_staff):
        assert client_for(who).get(url).status_code == 403


def test_the_public_page_shows_its_code_and_staff_get_the_sign_from_it(cast: Cast) -> None:
    made = project(cast, "T-1")
    page = reverse("project_page", kwargs={"code": made.code})
    sign = reverse("project_sign", kwargs={"body": cast.body.slug, "code": made.code})
    public = client_for(None).get(page).content.decode()
    assert '<svg viewBox="0 0 ' in public and 'class="qr-code"' in public
    assert "<title>本页二维码</title>" in public
    assert "http://testserver/projects/T-1/" in public
    assert sign not in public
    assert sign in client_for(cast.congress).get(page).content.decode()
