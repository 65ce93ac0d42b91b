"""The staff action log: one append-only, hash-chained line of entries per congress.

Every app records its staff decisions here and names its own actions (a TextChoices registered
with `projects.action_log.register_actions`); the ground floor stores them without knowing them.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.bodies import Body


class CollectionAction(models.TextChoices):
    CANDIDATE_FILED = "candidate_filed", _("Candidate filed")
    CANDIDATE_EDITED = "candidate_edited", _("Candidate edited")
    SOURCE_ADDED = "source_added", _("Source added")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    CANDIDATE_MOVED = "candidate_moved", _("Candidate status changed")
    CANDIDATE_MERGED = "candidate_merged", _("Candidates merged")
    LIST_REORDERED = "list_reordered", _("Candidate list reordered")
    LIST_PUBLISHED = "list_published", _("Candidate list published")
    CANDIDATES_IMPORTED = "candidates_imported", _("Candidates imported from Excel")
    ADMIN_SAVED = "admin_saved", _("Saved in the admin")
    ADMIN_DELETED = "admin_deleted", _("Deleted in the admin")
    VOTE_SETTLED = "vote_settled", _("Candidates settled by the vote")
    CONGRESS_SET_UP = "congress_set_up", _("Congress set up")
    ACCOUNT_CREATED = "account_created", _("Account created")
    ROLE_GRANTED = "role_granted", _("Role granted")
    SUGGESTION_ADOPTED = "suggestion_adopted", _("A resident's suggestion became a candidate")
    SUGGESTION_DECLINED = "suggestion_declined", _("A resident's suggestion declined")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    PASSWORD_RESET = "password_reset", _("Password reset")


class ActionEntry(models.Model):
    """One staff action, append-only; `hash` covers it and the entry before."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="actions")
    seq = models.PositiveIntegerField()
    at = models.CharField(max_length=20)  # UTC, seconds, as hashed: 2027-01-15T09:30:00Z
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=32)
    subject = models.CharField(max_length=64)
    detail = models.JSONField(default=dict)
    prev = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["body", "seq"]
        constraints = [models.UniqueConstraint(fields=["body", "seq"], name="action_seq_unique")]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("the action log is append-only")
        super().save(*args, **kwargs)

    def as_chain_entry(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": self.detail,
            "prev": self.prev,
            "hash": self.hash,
        }
