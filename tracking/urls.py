from django.urls import path

from tracking import api
from tracking.views import project_stub, public, work

urlpatterns = [
    path("work/<slug:body>/", work.work_home, name="work_home"),
    path("b/<slug:body>/candidates/", public.congress_page, name="public_list"),
    path("b/<slug:body>/candidates/<int:pk>/", public.candidate_page, name="public_candidate"),
    path("api/v1/projects", api.projects, name="api_projects"),
    path("api/v1/projects/<str:code>", api.project, name="api_project"),
    # A placeholder until the project's public page is built (tracking/views/project.py).
    path("projects/<code:code>/", project_stub.project_page, name="project_page"),
]
