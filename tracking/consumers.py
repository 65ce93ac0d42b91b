"""The live channel of a congress-year's tracked projects: a bare "changed" notice, nothing else.

Public, like the pages it serves: the notice carries no data, and the page refetches its fragment
over HTTP, where the public views show reviewed data only.
"""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from projects.models import Body
from tracking import live


def _known(body_slug: str) -> bool:
    return Body.objects.filter(slug=body_slug).exists()


class ProjectsConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels is untyped
    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.group = live.group_name(kwargs["body"], kwargs["year"])
        if not await database_sync_to_async(_known)(kwargs["body"]):
            await self.close(code=4404)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def projects_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"changed": True})
