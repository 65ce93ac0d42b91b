"""User-facing wording for the life-cycle rule codes, kept out of the framework-free rules."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REFUSALS: dict[str, str | Promise] = {
    "list_published": _("The candidate list of this year is published and can no longer change."),
    "no_such_move": _("A candidate in this status cannot be moved there."),
    "not_your_move": _("Only congress staff may make this decision."),
    "reason_required": _("Please give a reason."),
    "criterion_required": _("Please choose the screening criterion."),
}

# What each decision does, named as an action (the radio buttons on a candidate's page).
ACTIONS: dict[str, str | Promise] = {
    "draft": _("Return to the station for changes"),
    "submitted": _("Submit for screening"),
    "screened": _("Pass screening"),
    "rejected": _("Reject"),
    "reserve": _("Move to the reserve pool"),
    "candidate": _("Put on the candidate list"),
}
