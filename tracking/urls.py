from django.urls import path

from tracking.views import public, work

urlpatterns = [
    path("work/<slug:body>/", work.work_home, name="work_home"),
    path("b/<slug:body>/candidates/", public.congress_page, name="public_list"),
    path("b/<slug:body>/candidates/<int:pk>/", public.candidate_page, name="public_candidate"),
]
