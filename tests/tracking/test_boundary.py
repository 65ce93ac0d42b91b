"""Uploading a congress's map boundary: checked, shown against the present one, stored only once
confirmed, logged; a bad file says in Chinese what is wrong and stores nothing."""

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tracking.models import Boundary, TrackingAction
from tracking.rules.geojson import MAX_BYTES

SQUARE = [[121.3, 29.2], [121.5, 29.2], [121.5, 29.4], [121.3, 29.4], [121.3, 29.2]]
TOWNSHIP = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "青山镇", "code": "330226100"},
            "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
        }
    ],
}


def url(cast: Cast) -> str:
    return reverse("map_boundary", kwargs={"body": cast.body.slug})


def upload(client: Client, cast: Cast, content: bytes, name: str = "青山镇.geojson") -> Any:
    return client.post(url(cast), {"file": SimpleUploadedFile(name, content)})


def confirm(client: Client, cast: Cast, preview: Any) -> Any:
    """Posts the confirmation form the preview shows, as a person pressing its button would."""
    form = preview.context["confirm"]
    return client.post(
        url(cast),
        {
            "confirm": "yes",
            "name": form.initial["name"],
            "geojson": form.initial["geojson"],
        },
    )


def test_a_valid_file_is_shown_first_and_stored_only_once_confirmed(cast: Cast) -> None:
    client = client_for(cast.congress)
    preview = upload(client, cast, json.dumps(TOWNSHIP, ensure_ascii=False).encode())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "保存这个地图边界？" in html and "保存边界" in html
    assert "121.3000, 29.2000 — 121.5000, 29.4000" in html  # the extent, to check by eye
    assert not Boundary.objects.exists()
    assert not ActionEntry.objects.filter(action=TrackingAction.BOUNDARY_UPLOADED).exists()

    stored = confirm(client, cast, preview)
    assert stored.status_code == 302 and stored["Location"] == url(cast)
    boundary = Boundary.objects.get(body=cast.body)
    assert boundary.name == "青山镇.geojson" and boundary.uploaded_by == cast.congress
    feature = boundary.geojson["features"][0]
    assert feature["properties"] == {"name": "青山镇"}  # only what the map draws is kept
    assert feature["geometry"] == {"type": "Polygon", "coordinates": [SQUARE]}
    entry = ActionEntry.objects.get(action=TrackingAction.BOUNDARY_UPLOADED)
    assert entry.actor == "congress" and entry.subject == "青山镇.geojson"
    assert entry.detail["replaced"] is None and entry.detail["positions"] == 5
    page = client.get(url(cast)).content.decode()
    assert "地图边界已保存" in page and "当前边界" in page


def test_replacing_a_boundary_shows_the_present_one_and_logs_what_it_replaced(
    cast: Cast,
) -> None:
    client = client_for(cast.congress)
    confirm(client, cast, upload(client, cast, json.dumps(TOWNSHIP).encode(), "old.geojson"))
    bigger = {"type": "Polygon", "coordinates": [[[lng + 0.1, lat] for lng, lat in SQUARE]]}
    preview = upload(client, cast, json.dumps(bigger).encode(), "new.json")
    html = preview.content.decode()
    assert "替换地图边界？" in html and "old.geojson" in html and "new.json" in html
    assert Boundary.objects.get().name == "old.geojson"
    confirm(client, cast, preview)
    assert Boundary.objects.get().name == "new.json"
    last = ActionEntry.objects.filter(action=TrackingAction.BOUNDARY_UPLOADED).order_by("-seq")[0]
    assert last.detail["replaced"] == "old.geojson"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "文件不是有效的 JSON（第 1 行第 2 列附近）"),
        (
            json.dumps({"type": "Point", "coordinates": [121.4, 29.3]}).encode(),
            '类型为 "Point"',
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [[[b, a] for a, b in SQUARE]]}).encode(),
            "coordinates[0][0]：纬度 121.3 超出 −90 至 90 的范围。GeoJSON 先写经度、后写纬度",
        ),
        (
            json.dumps({"type": "Polygon", "coordinates": [SQUARE[:4]]}).encode(),
            "环没有闭合",
        ),
        (b" " * (MAX_BYTES + 1), "边界文件不能超过 2 MB"),
        ("青山镇".encode("gbk"), "文件不是 UTF-8 文本"),
    ],
)
def test_a_bad_file_says_what_is_wrong_in_chinese_and_stores_nothing(
    cast: Cast, content: bytes, words: str
) -> None:
    response = upload(client_for(cast.congress), cast, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "文件不是地图能绘制的边界，未保存任何内容。" in html
    assert words in html.replace("&quot;", '"')
    assert not Boundary.objects.exists()
    assert "confirm" not in response.context or response.context["confirm"] is None


def test_a_tampered_confirmation_is_checked_again_and_stores_nothing(cast: Cast) -> None:
    client = client_for(cast.congress)
    bad = {"type": "Polygon", "coordinates": [[[121, 29], [500000, 3000000], [121, 29]]]}
    response = client.post(
        url(cast), {"confirm": "yes", "name": "x.geojson", "geojson": json.dumps(bad)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "未保存任何内容" in html and "投影坐标系" in html
    assert not Boundary.objects.exists()
    assert not ActionEntry.objects.filter(action=TrackingAction.BOUNDARY_UPLOADED).exists()


@pytest.mark.parametrize("role", ["auditor", "east_staff"])
def test_auditors_and_stations_see_the_boundary_but_cannot_upload(cast: Cast, role: str) -> None:
    Boundary.objects.create(body=cast.body, name="hill.geojson", geojson=TOWNSHIP)
    client = client_for(getattr(cast, role))
    html = client.get(url(cast)).content.decode()
    assert "hill.geojson" in html and 'data-current="boundary-current"' in html
    assert 'type="file"' not in html
    assert "边界由人大工作人员上传" in html
    refused = upload(client, cast, json.dumps(TOWNSHIP).encode())
    assert refused.status_code == 403
    assert Boundary.objects.get().name == "hill.geojson"


def test_congress_staff_reach_the_page_from_their_work_menu(cast: Cast) -> None:
    html = client_for(cast.congress).get(reverse("work_home", kwargs={"body": "hill"}))
    assert f'href="{url(cast)}"' in html.content.decode()
