from django.urls import path

from tracking import api
from tracking.views import (
    annual,
    circulars,
    evaluation,
    implementation,
    inbox,
    ledgers,
    map,
    plans,
    project,
    public,
    ranking,
    signs,
    supervision,
    voice,
    voice_settings,
    work,
)

urlpatterns = [
    path("work/<slug:body>/", work.work_home, name="work_home"),
    path("b/<slug:body>/candidates/", public.congress_page, name="public_list"),
    path("b/<slug:body>/candidates/<int:pk>/", public.candidate_page, name="public_candidate"),
    path("api/v1/projects", api.projects, name="api_projects"),
    path("api/v1/projects/<str:code>", api.project, name="api_project"),
    path("projects/<code:code>/", project.project_page, name="project_page"),
    path(
        "work/<slug:body>/implementation/",
        implementation.implementation_index,
        name="implementation_index",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/report/",
        implementation.project_report,
        name="project_report",
    ),
    path(
        "work/<slug:body>/updates/<int:pk>/review/",
        implementation.update_review_view,
        name="update_review",
    ),
    path("progress-photos/<str:token>", implementation.photo_file, name="progress_photo"),
    # -- map and boundary --
    path("map/", map.project_map, name="map"),
    path("map/boundaries/<slug:body>.geojson", map.boundary_json, name="map_boundary_json"),
    path("work/<slug:body>/map-boundary/", map.map_boundary, name="map_boundary"),
    # -- ranking --
    path("ranking/", ranking.ranking, name="ranking"),
    # -- supervision: dashboard, policy, tasks, groups --
    path("work/<slug:body>/supervision/", supervision.supervision, name="supervision"),
    path(
        "work/<slug:body>/supervision/policy/",
        supervision.supervision_policy,
        name="supervision_policy",
    ),
    path(
        "work/<slug:body>/supervision/tasks/<int:pk>/close/",
        supervision.task_close_view,
        name="task_close",
    ),
    path(
        "work/<slug:body>/supervision/tasks/<int:pk>/edit/",
        supervision.task_edit_view,
        name="task_edit",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/group/",
        supervision.project_group,
        name="project_group",
    ),
    path("inbox/", inbox.notifications, name="notifications"),
    path(
        "work/<slug:body>/supervision/ratings/",
        voice_settings.ratings_policy,
        name="ratings_policy",
    ),
    # -- plans: editing, Excel uploads, changes of plan --
    path("work/<slug:body>/implementation/new/", plans.project_new, name="project_new"),
    path(
        "work/<slug:body>/implementation/import-plans/",
        plans.plans_import_upload,
        name="plans_import_upload",
    ),
    path(
        "work/<slug:body>/implementation/import-progress/",
        plans.progress_import_upload,
        name="progress_import_upload",
    ),
    path(
        "work/<slug:body>/implementation/projects.xlsx",
        plans.projects_export,
        name="projects_export",
    ),
    path("work/<slug:body>/implementation/<code:code>/plan/", plans.plan_edit, name="plan_edit"),
    path(
        "work/<slug:body>/implementation/<code:code>/plan/publish/",
        plans.plan_publish_view,
        name="plan_publish",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/plan/discard/",
        plans.plan_discard_view,
        name="plan_discard",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/sub-items/new/",
        plans.sub_item_new,
        name="sub_item_new",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/remove/",
        plans.sub_item_remove_view,
        name="sub_item_remove",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/change/",
        plans.plan_change_view,
        name="plan_change",
    ),
    # -- ledgers and circulars --
    path(
        "work/<slug:body>/implementation/<code:code>/ledgers/",
        ledgers.ledgers,
        name="ledgers",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/ledgers/<int:pk>/close/",
        ledgers.ledger_close,
        name="ledger_close",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/ledgers/<int:pk>/reopen/",
        ledgers.ledger_reopen,
        name="ledger_reopen",
    ),
    path("work/<slug:body>/supervision/circulars/", circulars.circulars, name="circulars"),
    path("work/<slug:body>/supervision/circular.pdf", circulars.circular, name="circular"),
    # -- evaluation and rectification --
    path("work/<slug:body>/evaluation/new/", evaluation.evaluation_build, name="evaluation_build"),
    path(
        "work/<slug:body>/implementation/<code:code>/close/",
        evaluation.project_close_view,
        name="project_close",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/explanation/",
        evaluation.project_explanation,
        name="project_explanation",
    ),
    # -- public voice: ratings, problem reports, QR signs --
    path("projects/<code:code>/rate/", voice.project_rate, name="project_rate"),
    path("projects/<code:code>/report/", voice.problem_report_new, name="problem_report_new"),
    path("reports/", voice.report_lookup, name="report_lookup"),
    path("reports/<str:reference>/", voice.report_status, name="report_status"),
    path("report-photos/<str:token>", voice.report_photo, name="report_photo"),
    path(
        "work/<slug:body>/implementation/<code:code>/ratings/",
        voice.project_ratings,
        name="project_ratings",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/ratings/<int:pk>/hide/",
        voice.rating_hide,
        name="rating_hide",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/reports/",
        voice.project_reports,
        name="project_reports",
    ),
    path(
        "work/<slug:body>/implementation/<code:code>/reports/<int:pk>/answer/",
        voice.report_answer,
        name="report_answer",
    ),
    path("work/<slug:body>/implementation/signs.pdf", signs.project_signs, name="project_signs"),
    path(
        "work/<slug:body>/implementation/<code:code>/sign.pdf",
        signs.project_sign,
        name="project_sign",
    ),
    # -- station suggestions --
    # -- annual report --
    path("b/<slug:body>/report/", annual.annual_report_latest, name="annual_report_latest"),
    path("b/<slug:body>/report/<int:year>/", annual.annual_report, name="annual_report"),
    path("b/<slug:body>/report/<int:year>.pdf", annual.annual_report_pdf, name="annual_report_pdf"),
]
