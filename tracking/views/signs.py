"""码上监督 signs for congress staff to print: one project's, or every project's of a year."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.access import access_for, require
from projects.http import AuthenticatedHttpRequest, NotYetPublic
from projects.models import Body
from projects.pdf.qr import public_url
from tracking.models import TrackedProject
from tracking.pdf.signs import project_signs_pdf


def _staff_body(request: AuthenticatedHttpRequest, slug: str) -> Body:
    access = access_for(request.user, get_object_or_404(Body, slug=slug))
    require(access.is_congress_staff)
    return access.body


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def project_sign(request: AuthenticatedHttpRequest, body: str, code: str) -> HttpResponse:
    owner = _staff_body(request, body)
    # Sub-items have no public page of their own: their parent's sign covers the site.
    project = get_object_or_404(
        TrackedProject.objects.select_related("body"), body=owner, code=code, parent__isnull=True
    )
    url = public_url(request, reverse("project_page", kwargs={"code": project.code}))
    pdf = project_signs_pdf([project], lambda _p: url, title=project.title)
    return _pdf(pdf, f"sign-{project.code}.pdf")


@login_required
def project_signs(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """?year=: that year's projects (404 when it has none); the latest year when not given."""
    owner = _staff_body(request, body)
    projects = TrackedProject.objects.filter(body=owner, parent__isnull=True)
    years = set(projects.values_list("year", flat=True))
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() else max(years, default=None)
    if year is None:
        raise NotYetPublic(_("No tracked projects yet: their signs come once a vote's results do."))
    if year not in years:
        raise Http404
    chosen = list(projects.filter(year=year).select_related("body").order_by("code"))

    def url_of(project: TrackedProject) -> str:
        return public_url(request, reverse("project_page", kwargs={"code": project.code}))

    title = _("%(body)s: site signs of %(year)s") % {"body": owner.name, "year": year}
    return _pdf(project_signs_pdf(chosen, url_of, title=title), f"signs-{owner.slug}-{year}.pdf")
