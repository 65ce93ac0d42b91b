from django.urls import path, re_path

from ballots import api
from ballots.views import public, staff

urlpatterns = [
    path("api/v1/rounds/<str:round_code>/ballots", api.cast, name="api_cast"),
    path("api/v1/rounds/<str:round_code>", api.status, name="api_round"),
    path("api/v1/rounds/<str:round_code>/tally", api.tally, name="api_tally"),
    path("api/v1/rounds/<str:round_code>/credential", api.credential, name="api_credential"),
    path("api/v1/rounds/<str:round_code>/audit.zip", api.audit_zip, name="api_audit_zip"),
    path("api/v1/receipts/<str:receipt>", api.receipt, name="api_receipt"),
    path("vote/", public.vote, name="vote"),
    path("hall/<str:code>/", public.hall, name="hall"),
    path("results/<str:code>/", public.results, name="results"),
    path("board/<str:code>/", public.board, name="board"),
    re_path(
        r"^results/(?P<code>[\w-]+)/result\.(?P<kind>pdf|xlsx)$",
        public.results_download,
        name="results_download",
    ),
    path("work/<slug:body>/sessions/", staff.session_index, name="session_index"),
    path("work/<slug:body>/sessions/import/", staff.session_file_import, name="session_import"),
    path("work/<slug:body>/sessions/<str:code>/", staff.session_detail, name="session_detail"),
    path(
        "work/<slug:body>/sessions/<str:code>/checkin/",
        staff.session_checkin,
        name="session_checkin",
    ),
    path("work/<slug:body>/sessions/<str:code>/rounds/", staff.round_new, name="round_new"),
    path("work/<slug:body>/rounds/<str:code>/", staff.round_detail, name="round_detail"),
    path("work/<slug:body>/rounds/<str:code>/cards/", staff.round_cards, name="round_cards"),
    path("work/<slug:body>/rounds/<str:code>/revoke/", staff.round_revoke, name="round_revoke"),
    re_path(
        r"^work/(?P<body>[-\w]+)/rounds/(?P<code>[\w-]+)/(?P<action>open|close|follow-up|publish)/$",
        staff.round_act,
        name="round_act",
    ),
]
