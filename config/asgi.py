"""ASGI entry point: HTTP through Django, WebSockets through channels."""

import gc
import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after setup)

from ballots import async_db  # noqa: E402
from ballots.live import mark_server_loop  # noqa: E402
from config.body_limit import BodyLimit  # noqa: E402
from config.lean_api import LeanApi  # noqa: E402
from config.websocket_urls import websocket_urlpatterns  # noqa: E402

# The voting API's busy endpoints skip Django's synchronous middleware (config/lean_api.py). The
# live channel carries only public counts and tallies, so any client may listen, with or without
# an Origin header (hall-screen appliances and audit tools send none).
router = ProtocolTypeRouter(
    {
        "http": BodyLimit(LeanApi(django_asgi_app)),
        "websocket": URLRouter(websocket_urlpatterns),
    }
)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The router, after noting the server's event loop so live notices can be merged on it."""
    mark_server_loop()
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    await router(scope, receive, send)


async def lifespan(receive: Any, send: Any) -> None:
    """At start: the casting pool opened before the first cast (a session's casts come in a
    burst), then everything loaded so far moved out of the garbage collector's sight, so that its
    full collections stay short while tablets wait (gc.freeze)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await async_db.open_server_pool()
            gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await async_db.close_server_pool()
            await send({"type": "lifespan.shutdown.complete"})
            return
