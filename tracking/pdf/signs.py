"""码上监督: what a tracked project's site sign says; projects/pdf/signs.py draws it."""

from collections.abc import Callable, Sequence

from django.utils import formats
from django.utils.translation import gettext as _

from projects.pdf.signs import Sign, signs_pdf
from tracking.models import TrackedProject


def sign_for_project(project: TrackedProject, url: str) -> Sign:
    # The deadline as the public page shows it: only once a plan is published.
    if project.plan_set_at is not None and project.completion is not None:
        deadline = formats.date_format(project.completion, "DATE_FORMAT")
    else:
        deadline = _("plan being drawn up")
    year = _("%(year)s livelihood project") % {"year": project.year}
    return Sign(
        heading=_("Scan to supervise (码上监督)"),
        issuer=f"{project.body.name} · {year}",
        title=project.title,
        facts=[
            (_("implementing unit"), project.unit or "—"),
            (_("planned completion"), deadline),
            (_("project code"), project.code),
        ],
        url=url,
        instruction=_("Scan to see progress, rate the project or report a problem"),
        steps=[_("Check: progress"), _("Rate: 1 to 5 stars"), _("Report: a problem")],
    )


def project_signs_pdf(
    projects: Sequence[TrackedProject], url_of: Callable[[TrackedProject], str], *, title: str
) -> bytes:
    """One A4 sign per project, in the order given, ready to print and post at each site."""
    return signs_pdf([sign_for_project(p, url_of(p)) for p in projects], title=title)
