from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    lat, lng = settings.MAP_DEFAULT_CENTER
    return {
        "SITE_TITLE": settings.SITE_TITLE,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_CENTER": f"{lat},{lng}",
    }
