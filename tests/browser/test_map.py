"""The public project map as people see it: coloured markers and the list beside them, a colour
filter that keeps its place in the address, a phone without sideways scroll, and a boundary that
congress staff upload (checked and shown first) drawn on the offline map."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from projects.models import Candidate
from tests.browser.conftest import Screens
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import Milestone, ProgressUpdate, TrackedProject, UpdateState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
# A township's outline around the projects (longitude, latitude), as a GIS would export it.
OUTLINE = [
    [121.352, 29.262],
    [121.418, 29.241],
    [121.486, 29.268],
    [121.503, 29.327],
    [121.471, 29.381],
    [121.402, 29.392],
    [121.347, 29.351],
    [121.331, 29.301],
    [121.352, 29.262],
]


def a_year_of_projects(cast: Cast) -> dict[str, TrackedProject]:
    """Four voted projects (red, yellow, green and urgent, completed) and one decided without a
    place: every colour the map shows, and a project that only the list can show."""
    voted(cast, listed(cast, 4), [{f"P{n}": "yes" for n in range(1, 5)}], to_select=4)
    today = timezone.localdate()
    titles = {
        "R1-P1": ("溪口村饮用水管网改造", "镇水务站", (121.38, 29.30)),
        "R1-P2": ("梅林小学午休课桌椅配置", "镇教育办", (121.45, 29.33)),
        "R1-P3": ("老年食堂建设", "镇民政办", (121.42, 29.36)),
        "R1-P4": ("中心路路灯改造", "镇建设办", (121.47, 29.29)),
    }
    projects = {}
    for code, (title, unit, (lng, lat)) in titles.items():
        project = TrackedProject.objects.get(code=code)
        project.title, project.unit = title, unit
        project.longitude, project.latitude = Decimal(str(lng)), Decimal(str(lat))
        project.start, project.completion = today - 60 * DAY, today + 200 * DAY
        project.save()
        projects[code] = project
    Candidate.objects.filter(tracked__code="R1-P2").update(category="education")
    Milestone.objects.create(
        project=projects["R1-P1"], code="M1", title="主管铺设", planned=today - 9 * DAY, weight=1
    )
    Milestone.objects.create(
        project=projects["R1-P2"], code="M1", title="设备招标", planned=today + 6 * DAY, weight=1
    )
    ProgressUpdate.objects.create(
        project=projects["R1-P3"],
        on=today - 3 * DAY,
        progress=Decimal(45),
        state=UpdateState.APPROVED,
        reviewed_at=timezone.now(),
    )
    projects["R1-P3"].urgent = True
    projects["R1-P3"].save()
    projects["R1-P4"].status = "completed"
    projects["R1-P4"].save()
    projects["D-1"] = TrackedProject.objects.create(
        code="D-1",
        body=cast.body,
        year=2027,
        title="全镇公厕提升（会议决定增补）",
        unit="镇环卫所",
        start=today - 30 * DAY,
        completion=today + 300 * DAY,
    )
    return projects


def markers(page: Page, colour: str = "") -> int:
    selector = ".leaflet-marker-icon.map-marker" + (f".colour-{colour}" if colour else "")
    return page.locator(selector).count()


def test_the_map_shows_each_colour_and_a_colour_filter_keeps_only_its_projects(
    screens: Screens, cast: Cast
) -> None:
    a_year_of_projects(cast)
    page = screens.person(1280, 800)
    page.goto(f"{screens.base}/map/")
    expect(page.locator("h1")).to_have_text("民生实事项目地图")
    expect(page.locator(".map-row")).to_have_count(5)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(4)  # D-1 has no place
    assert [markers(page, c) for c in ("red", "yellow", "green", "none")] == [1, 1, 1, 1]
    expect(page.locator(".map-marker-urgent .map-urgent-mark")).to_have_count(1)
    expect(page.locator("#map-summary")).to_have_text("共 5 个项目，其中 4 个在地图上")
    legend = page.locator("#map-legend")
    for colour, count in (("red", 1), ("yellow", 1), ("green", 2), ("none", 1)):
        expect(legend.locator(f"[data-colour={colour}] .map-count")).to_have_text(str(count))
    # Red first; the project without a place says so; each row links its public page.
    first = page.locator(".map-row").first
    expect(first).to_contain_text("溪口村饮用水管网改造")
    expect(first).to_contain_text("红色")
    expect(first.locator("a")).to_have_attribute("href", re.compile(r"/projects/R1-P1/$"))
    expect(page.locator(".map-row[data-project=D-1]")).to_contain_text("未标注位置")
    expect(page.locator(".map-row[data-project=R1-P3]")).to_contain_text("绿色通道")
    screens.shot(page, "50-map-colours")

    # A popup names the project and links its page.
    page.locator(".leaflet-marker-icon.colour-yellow").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("梅林小学午休课桌椅配置")
    expect(popup.locator("a")).to_have_attribute("href", re.compile(r"/projects/R1-P2/$"))
    screens.shot(page, "51-map-popup")

    # Red only: the map and the list agree, without a reload, and the address says so.
    page.evaluate("window.notReloaded = true")
    page.select_option("#filter-colour", "red")
    expect(page.locator(".map-row")).to_have_count(1)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert markers(page, "red") == 1
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/map/?colour=red")
    screens.shot(page, "52-map-red-only")

    # The address is shareable: opened afresh it shows the same.
    other = screens.person(1280, 800)
    other.goto(page.url)
    expect(other.locator(".map-row")).to_have_count(1)
    expect(other.locator("#filter-colour")).to_have_value("red")

    # The legend picks a colour too; the category filter asks the API again.
    page.locator("#map-legend [data-colour=green]").click()
    expect(page.locator(".map-row")).to_have_count(2)
    assert markers(page, "green") == 1 and markers(page) == 1
    page.select_option("#filter-colour", "")
    page.select_option("#filter-category", "education")
    expect(page.locator(".map-row")).to_have_count(1)
    expect(page.locator(".map-row")).to_contain_text("梅林小学午休课桌椅配置")
    assert "category=education" in page.url


def test_the_map_fits_a_phone_with_the_list_under_it(screens: Screens, cast: Cast) -> None:
    a_year_of_projects(cast)
    page = screens.person(390, 844)
    page.goto(f"{screens.base}/map/")
    expect(page.locator(".map-row")).to_have_count(5)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(4)
    map_box = page.locator("#project-map").bounding_box()
    list_box = page.locator("#map-list").bounding_box()
    assert map_box and list_box and list_box["y"] >= map_box["y"] + map_box["height"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    screens.shot(page, "53-map-phone")
    assert scroll_width <= 390, scroll_width


def test_an_uploaded_boundary_is_checked_shown_and_then_drawn_on_the_map(
    screens: Screens, cast: Cast, tmp_path: Path
) -> None:
    a_year_of_projects(cast)
    outline = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "青山镇"},
                "geometry": {"type": "Polygon", "coordinates": [OUTLINE]},
            }
        ],
    }
    file = tmp_path / "青山镇.geojson"
    file.write_text(json.dumps(outline, ensure_ascii=False), encoding="utf-8")
    swapped = tmp_path / "swapped.geojson"
    swapped.write_text(
        json.dumps({"type": "Polygon", "coordinates": [[[b, a] for a, b in OUTLINE]]}),
        encoding="utf-8",
    )

    staff = screens.person(390, 844)  # staff check the outline on a phone too
    screens.sign_in(staff, "congress")
    staff.goto(f"{screens.base}/work/{cast.body.slug}/")
    staff.click("nav.worknav >> text=地图边界")
    expect(staff.locator("h1")).to_have_text("地图边界")
    # A file with latitude first is refused with the reason, and nothing is stored.
    staff.set_input_files("input[type=file]", str(swapped))
    staff.click("text=检查文件")
    expect(staff.locator(".errorbox")).to_contain_text("GeoJSON 先写经度、后写纬度")
    screens.shot(staff, "54-boundary-refused")
    staff.set_input_files("input[type=file]", str(file))
    staff.click("text=检查文件")
    expect(staff.locator("h1")).to_have_text("保存这个地图边界？")
    expect(staff.locator(".boundary-preview path")).to_have_count(1)
    scroll_width = staff.evaluate("document.documentElement.scrollWidth")
    screens.shot(staff, "55-boundary-preview-phone")
    assert scroll_width <= 390, scroll_width
    staff.click("button:has-text('保存边界')")
    expect(staff.locator(".messages")).to_contain_text("地图边界已保存")

    page = screens.person(1280, 800)
    page.goto(f"{screens.base}/map/")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(4)
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    assert page.locator("#project-map.map-offline").count() == 1
    assert page.locator(".leaflet-tile").count() == 0
    # The map fits the boundary: its outline spans most of the map's width or height.
    area = page.locator(".leaflet-overlay-pane path").bounding_box()
    frame = page.locator("#project-map").bounding_box()
    assert area and frame
    assert area["width"] > frame["width"] * 0.5 or area["height"] > frame["height"] * 0.5
    screens.shot(page, "56-map-with-boundary")


def test_with_a_tile_address_the_map_draws_tiles(
    screens: Screens, cast: Cast, settings: object
) -> None:
    a_year_of_projects(cast)
    # The site itself stands in for a tile server (there is no internet here); tiles 404.
    settings.MAP_TILE_URL = f"{screens.base}/tiles/{{z}}/{{x}}/{{y}}.png"  # type: ignore[attr-defined]
    page = screens.person(1280, 800)
    page.goto(f"{screens.base}/map/")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(4)
    assert page.locator(".leaflet-tile").count() > 0
    assert page.locator("#project-map.map-offline").count() == 0


def test_the_map_fills_a_projector(screens: Screens, cast: Cast) -> None:
    a_year_of_projects(cast)
    page = screens.person(1920, 1080)
    page.goto(f"{screens.base}/map/?year=2027")
    expect(page.locator(".map-row")).to_have_count(5)
    box = page.locator("#project-map").bounding_box()
    assert box and box["width"] > 1100 and box["height"] > 700
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    screens.shot(page, "57-map-projector")
