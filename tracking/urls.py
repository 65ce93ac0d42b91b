from django.urls import path

from tracking.views import public

urlpatterns = [
    path("b/<slug:body>/candidates/", public.congress_page, name="public_list"),
    path("b/<slug:body>/candidates/<int:pk>/", public.candidate_page, name="public_candidate"),
]
