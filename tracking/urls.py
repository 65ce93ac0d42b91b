from django.urls import path

from tracking import api
from tracking.views import implementation, ledgers, map, project, public, ranking, work

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
    path("projects/<code:code>/live/", ranking.project_live, name="project_live"),
    # -- supervision: dashboard, policy, tasks, groups --
    # -- plans: editing, Excel uploads, changes of plan --
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
]
