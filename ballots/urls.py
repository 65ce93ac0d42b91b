from django.urls import path

from ballots import api

urlpatterns = [
    path("api/v1/rounds/<str:round_code>/ballots", api.cast, name="api_cast"),
    path("api/v1/rounds/<str:round_code>", api.status, name="api_round"),
    path("api/v1/rounds/<str:round_code>/tally", api.tally, name="api_tally"),
    path("api/v1/rounds/<str:round_code>/credential", api.credential, name="api_credential"),
]
