"""WebSocket routes."""

from django.urls import path

from ballots.consumers import RoundConsumer

websocket_urlpatterns = [
    path("ws/rounds/<str:round_code>/", RoundConsumer.as_asgi()),
]
