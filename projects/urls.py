from django.urls import path

from projects.views import accounts, exchange, lists, log, public, suggestions, work

urlpatterns = [
    path("", public.home, name="home"),
    path("b/<slug:body>/files/<str:token>/", public.attachment_file, name="attachment_file"),
    path("work/<slug:body>/candidates/", work.candidate_index, name="candidate_index"),
    path("work/<slug:body>/candidates/new/", work.candidate_new, name="candidate_new"),
    path("work/<slug:body>/candidates/<int:pk>/", work.candidate_detail, name="candidate_detail"),
    path("work/<slug:body>/candidates/<int:pk>/edit/", work.candidate_edit, name="candidate_edit"),
    path(
        "work/<slug:body>/candidates/<int:pk>/move/",
        work.candidate_transition,
        name="candidate_move",
    ),
    path(
        "work/<slug:body>/candidates/<int:pk>/merge/",
        work.candidate_merge_view,
        name="candidate_merge",
    ),
    path(
        "work/<slug:body>/candidates/<int:pk>/sources/",
        work.candidate_source_new,
        name="candidate_source_new",
    ),
    path(
        "work/<slug:body>/candidates/<int:pk>/attachments/",
        work.attachment_new,
        name="attachment_new",
    ),
    path("work/<slug:body>/lists/<int:year>/", lists.list_manage, name="list_manage"),
    path("work/<slug:body>/lists/<int:year>/publish/", lists.list_publish, name="list_publish"),
    path("work/<slug:body>/lists/<int:year>/move/<int:pk>/", lists.list_move, name="list_move"),
    path("work/<slug:body>/export.xlsx", exchange.candidates_export, name="candidates_export"),
    path("work/<slug:body>/import/", exchange.candidates_import, name="candidates_import"),
    path("work/<slug:body>/log/", log.action_log, name="action_log"),
    path("work/<slug:body>/accounts/", accounts.account_index, name="account_index"),
    path("work/<slug:body>/accounts/new/", accounts.account_new, name="account_new"),
    path(
        "work/<slug:body>/accounts/<int:user_id>/",
        accounts.account_detail,
        name="account_detail",
    ),
    path(
        "work/<slug:body>/accounts/<int:user_id>/password/",
        accounts.password_reset_view,
        name="password_reset",
    ),
    path("work/<slug:body>/roles/<int:pk>/revoke/", accounts.role_revoke_view, name="role_revoke"),
    path("work/<slug:body>/log.jsonl", log.action_log_download, name="action_log_download"),
    # -- station suggestions --
    path("s/<int:pk>/", suggestions.station_page, name="station_page"),
    path(
        "s/suggestions/<str:reference>/",
        suggestions.suggestion_status,
        name="suggestion_status",
    ),
    path("work/<slug:body>/suggestions/", suggestions.suggestion_inbox, name="suggestion_inbox"),
    path(
        "work/<slug:body>/suggestions/<int:pk>/adopt/",
        suggestions.suggestion_adopt_view,
        name="suggestion_adopt",
    ),
    path(
        "work/<slug:body>/suggestions/<int:pk>/decline/",
        suggestions.suggestion_decline_view,
        name="suggestion_decline",
    ),
    path(
        "work/<slug:body>/stations/<int:pk>/sign.pdf", suggestions.station_sign, name="station_sign"
    ),
]
