from django.urls import path, re_path, register_converter

from ballots import api
from ballots.views import public, staff


class CodeConverter:
    """A session's or round's code (interfaces.md: letters, digits, - and _, at most 64): any
    other text, a NUL or a newline among them, is no page and never reaches the database."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

urlpatterns = [
    path("api/v1/rounds/<str:round_code>/ballots", api.cast, name="api_cast"),
    path("api/v1/rounds/<str:round_code>", api.status, name="api_round"),
    path("api/v1/rounds/<str:round_code>/tally", api.tally, name="api_tally"),
    path("api/v1/rounds/<str:round_code>/credential", api.credential, name="api_credential"),
    path("api/v1/rounds/<str:round_code>/audit.zip", api.audit_zip, name="api_audit_zip"),
    path("api/v1/receipts/<str:receipt>", api.receipt, name="api_receipt"),
    path("vote/", public.vote, name="vote"),
    path("hall/<code:code>/", public.hall, name="hall"),
    path("results/<code:code>/", public.results, name="results"),
    path("board/<code:code>/", public.board, name="board"),
    re_path(
        r"^results/(?P<code>[A-Za-z0-9_-]{1,64})/result\.(?P<kind>pdf|xlsx)\Z",
        public.results_download,
        name="results_download",
    ),
    path("work/<slug:body>/sessions/", staff.session_index, name="session_index"),
    path("work/<slug:body>/sessions/import/", staff.session_file_import, name="session_import"),
    path("work/<slug:body>/sessions/<code:code>/", staff.session_detail, name="session_detail"),
    path(
        "work/<slug:body>/sessions/<code:code>/checkin/",
        staff.session_checkin,
        name="session_checkin",
    ),
    path(
        "work/<slug:body>/sessions/<code:code>/checkin/all/",
        staff.session_checkin_all,
        name="session_checkin_all",
    ),
    path(
        "work/<slug:body>/sessions/<code:code>/checkin/undo/",
        staff.session_checkin_undo,
        name="session_checkin_undo",
    ),
    path("work/<slug:body>/sessions/<code:code>/rounds/", staff.round_new, name="round_new"),
    path("work/<slug:body>/rounds/<code:code>/", staff.round_detail, name="round_detail"),
    path("work/<slug:body>/rounds/<code:code>/cards/", staff.round_cards, name="round_cards"),
    path("work/<slug:body>/rounds/<code:code>/revoke/", staff.round_revoke, name="round_revoke"),
    re_path(
        r"^work/(?P<body>[-a-zA-Z0-9_]+)/rounds/(?P<code>[A-Za-z0-9_-]{1,64})/"
        r"(?P<action>open|close|follow-up|publish)/\Z",
        staff.round_act,
        name="round_act",
    ),
]
