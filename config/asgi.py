"""ASGI entry point: HTTP through Django, WebSockets through channels."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after setup)

from ballots.live import mark_server_loop  # noqa: E402
from config.body_limit import BodyLimit  # noqa: E402
from config.websocket_urls import websocket_urlpatterns  # noqa: E402

# The live channel carries only public counts and tallies, so any client may listen, with or
# without an Origin header (hall-screen appliances and audit tools send none).
router = ProtocolTypeRouter(
    {
        "http": BodyLimit(django_asgi_app),
        "websocket": URLRouter(websocket_urlpatterns),
    }
)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The router, after noting the server's event loop so live notices can be merged on it."""
    mark_server_loop()
    await router(scope, receive, send)
