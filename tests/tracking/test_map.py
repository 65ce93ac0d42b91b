"""The public project map page: its filters, the words its script uses, each congress's boundary at
its own public address, and the link to it from every page. The drawing itself is in
tests/browser/test_map.py."""

import json
import re
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse
from django.utils.http import http_date

from projects.models import Body, Candidate, Level
from tests.conftest import Cast
from tests.tracking.world import listed, voted
from tracking.models import Boundary, TrackedProject

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "青山镇"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[121.3, 29.2], [121.5, 29.2], [121.5, 29.4], [121.3, 29.2]]],
            },
        }
    ],
}


def page(path: str = "/map/", **params: Any) -> str:
    response = Client().get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def options(html: str, name: str) -> dict[str, str]:
    """The select's options, value → label (the empty one included)."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0)))


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)" selected', select.group(0))
    return chosen.group(1) if chosen else ""


def test_the_filters_offer_the_congresses_years_and_categories_that_are_tracked(
    cast: Cast,
) -> None:
    voted(cast, listed(cast, 2), [{"P1": "yes", "P2": "yes"}], to_select=2)
    Candidate.objects.filter(tracked__code="R1-P2").update(category="education")
    TrackedProject.objects.create(code="D-1", body=cast.body, year=2028, title="会议决定项目")
    Body.objects.create(slug="lake", name="湖滨镇人民代表大会", level=Level.TOWNSHIP)  # none
    html = page()
    assert options(html, "body") == {"": "全部人大", "hill": "青山镇人民代表大会"}
    assert options(html, "year") == {"": "全部年度", "2028": "2028", "2027": "2027"}
    assert options(html, "category") == {
        "": "全部类别",
        "education": "教育",
        "environment": "环境整治",
    }
    assert options(html, "status")["paused"] == "暂缓"
    assert options(html, "colour") == {
        "": "全部颜色",
        "red": "红色",
        "yellow": "黄色",
        "green": "绿色",
        "none": "无颜色",
    }


def test_a_shared_address_presets_the_filters_and_ignores_what_it_cannot_be(cast: Cast) -> None:
    TrackedProject.objects.create(code="D-1", body=cast.body, year=2027, title="会议决定项目")
    html = page(body="hill", year="2027", colour="red", status="nonsense")
    assert selected(html, "body") == "hill"
    assert selected(html, "year") == "2027"
    assert selected(html, "colour") == "red"
    assert selected(html, "status") == ""


def test_the_script_reads_the_api_and_its_words_from_the_page_in_chinese(cast: Cast) -> None:
    html = page()
    assert f'data-api="{reverse("api_projects")}"' in html
    words = re.search(r'<script id="map-words" type="application/json">(.*?)</script>', html)
    assert words
    said = json.loads(words.group(1))
    assert said["colours"]["red"] == "红色" and said["urgent"] == "绿色通道"
    assert said["progress"] == "进度 %(progress)s · 序时进度 %(expected)s"
    assert said["statuses"]["completed"] == "已完成"


def test_the_page_runs_only_local_scripts(cast: Cast) -> None:
    html = page()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
    assert 'src="/static/tracking/map.js"' in html
    assert 'src="/static/leaflet/leaflet.js"' in html


def test_without_a_tile_address_the_map_has_no_tiles_and_with_one_it_does(cast: Cast) -> None:
    assert 'data-tiles=""' in page()
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    with override_settings(MAP_TILE_URL=tiles):
        assert f'data-tiles="{tiles}"' in page()


def test_a_congress_with_a_boundary_gives_the_script_its_address(cast: Cast) -> None:
    Boundary.objects.create(body=cast.body, name="hill.geojson", geojson=SQUARE)
    html = page()
    address = reverse("map_boundary_json", kwargs={"body": "hill"})
    assert f'<option value="hill" data-boundary="{address}">' in html


def test_a_boundary_is_public_json_and_a_browser_that_has_it_gets_304(cast: Cast) -> None:
    boundary = Boundary.objects.create(body=cast.body, name="hill.geojson", geojson=SQUARE)
    address = reverse("map_boundary_json", kwargs={"body": "hill"})
    response = Client().get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response.json() == SQUARE
    again = Client().get(
        address, headers={"If-Modified-Since": http_date(boundary.uploaded_at.timestamp() + 1)}
    )
    assert again.status_code == 304


def test_a_congress_without_a_boundary_has_none_to_serve(cast: Cast) -> None:
    assert Client().get(reverse("map_boundary_json", kwargs={"body": "hill"})).status_code == 404
    assert Client().get("/map/boundaries/nowhere.geojson").status_code == 404


def test_every_page_links_the_map(cast: Cast) -> None:
    assert 'href="/map/"' in page("/")
    assert 'href="/map/"' in page(reverse("public_list", kwargs={"body": "hill"}))
