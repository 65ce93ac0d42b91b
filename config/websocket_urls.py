"""WebSocket routes; the hall screen's live channel joins here with the voting work."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
