"""A placeholder for a tracked project's public page, so the projects API's `url` resolves.

The real page (plan, milestones, progress, colour) replaces this view under the same URL name.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from tracking.models import TrackedProject

PAGE = (
    '{% extends "base.html" %}'
    "{% block title %}{{ project.title }} · {{ SITE_TITLE }}{% endblock %}"
    "{% block content %}<h1>{{ project.title }}</h1>"
    "<p>{{ project.body.name }} · {{ project.year }}</p>{% endblock %}"
)


def project_page(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(
        TrackedProject.objects.select_related("body"), code=code, parent__isnull=True
    )
    page = engines["django"].from_string(PAGE)
    return HttpResponse(page.render({"project": project}, request))
