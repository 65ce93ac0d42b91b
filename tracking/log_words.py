"""What tracking's action-log entries mean in words: its detail keys and coded values.

Registered once at start-up (TrackingConfig.ready), so the log page words every entry whichever
views happened to be imported.
"""

from django.utils.translation import gettext_lazy as _

from projects.log_rows import register_detail_words, register_value_words
from tracking.models import (
    GradeChoice,
    Ledger,
    PlanChangeKind,
    ProjectStatus,
    ReportState,
    TaskKind,
)

DETAIL_WORDS = {
    "after": _("after"),
    "answer": _("answer"),
    "comment": _("comment"),
    "explanation": _("explanation and completion measures"),
    "grades": _("grades"),
    "rating": _("rating"),
    "reason": _("reason"),
    "rectifying": _("moved to rectification (整改)"),
    "report": _("reference number"),
    "report_state": _("state (before, after)"),
    "session": _("session"),
    "stars": _("stars"),
    "verification": _("how the rectification was verified"),
    "areas": _("areas"),
    "bbox": _("extent"),
    "before": _("before"),
    "change": _("change"),
    "changing_colour": _("projects changing colour"),
    "colour": _("colour (before, after)"),
    "decided_on": _("decided on"),
    "due": _("due"),
    "entry": _("entry"),
    "fields": _("fields"),
    "first": _("first plan"),
    "leader": _("group leader"),
    "ledger": _("ledger"),
    "meeting": _("decided by (meeting)"),
    "milestones_added": _("milestones added"),
    "milestones_changed": _("milestones changed"),
    "milestones_removed": _("milestones removed"),
    "new": _("new projects"),
    "owner": _("owner"),
    "polygons": _("polygons"),
    "positions": _("points"),
    "project": _("project"),
    "published": _("published"),
    "reopened": _("reopened"),
    "replaced": _("replaced"),
    "representative": _("representative"),
    "share": _("weight in its parent"),
    "status": _("status (before, after)"),
    "sub_item_added": _("sub-item added"),
    "sub_item_removed": _("sub-item removed"),
    "task": _("task"),
    "text": _("entry"),
    "updates": _("updates"),
}


def register() -> None:
    register_detail_words(DETAIL_WORDS)
    register_value_words("kind", [*TaskKind.choices, *PlanChangeKind.choices])
    register_value_words("ledger", Ledger.choices)
    register_value_words("grade", GradeChoice.choices)
    register_value_words("report_state", ReportState.choices)
    register_value_words("status", ProjectStatus.choices)
    register_value_words(
        "change",
        [("added", _("added")), ("leader", _("made leader")), ("removed", _("removed"))],
    )
