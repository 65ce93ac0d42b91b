"""Pages anyone may read: the home page, each published candidate, its attachments.

A congress's public page shows results beside candidates, so it lives upstairs (tracking).
"""

from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from projects.access import access_for, is_public
from projects.models import Attachment, Body, Candidate, SourceKind


def home(request: HttpRequest) -> HttpResponse:
    bodies = Body.objects.annotate(
        published=Count("candidate_lists", filter=Q(candidate_lists__published_at__isnull=False))
    )
    work = []
    if request.user.is_authenticated:
        work = list(Body.objects.filter(memberships__user=request.user).distinct())
    return render(request, "home.html", {"bodies": bodies, "work_bodies": work})


def candidate_page(request: HttpRequest, body: str, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate.objects.select_related("station", "body"), pk=pk)
    if candidate.body.slug != body or not is_public(candidate):
        raise Http404
    sources = candidate.sources.select_related("station")
    # Residents are not named in public; representatives and departments are.
    shown = [(s, s.kind != SourceKind.RESIDENT) for s in sources]
    return render(
        request,
        "projects/public_detail.html",
        {"body": candidate.body, "candidate": candidate, "sources": shown},
    )


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
