"""WebSocket routes."""

from django.urls import path

from ballots.consumers import RoundConsumer
from tracking.consumers import ProjectsConsumer

websocket_urlpatterns = [
    path("ws/rounds/<str:round_code>/", RoundConsumer.as_asgi()),
    path("ws/projects/<slug:body>/<int:year>/", ProjectsConsumer.as_asgi()),
]
