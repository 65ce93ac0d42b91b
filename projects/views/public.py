"""Pages anyone may read: the home page and published candidates' attachments.

A congress's public page and each candidate's page show results beside candidates, so they live
upstairs (tracking).
"""

from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from projects.access import access_for, is_public
from projects.models import Attachment, Body


def home(request: HttpRequest) -> HttpResponse:
    bodies = Body.objects.annotate(
        published=Count("candidate_lists", filter=Q(candidate_lists__published_at__isnull=False))
    )
    work = []
    if request.user.is_authenticated:
        work = list(Body.objects.filter(memberships__user=request.user).distinct())
    return render(request, "home.html", {"bodies": bodies, "work_bodies": work})


def attachment_file(request: HttpRequest, body: str, token: str) -> FileResponse:
    """Attachments go through here so that unpublished ones stay with their station and staff."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("candidate__body"), token=token
    )
    candidate = attachment.candidate
    if candidate.body.slug != body:
        raise Http404
    access = access_for(request.user, candidate.body)
    if not (access.can_see(candidate) or is_public(candidate)):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
