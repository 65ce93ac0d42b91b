"""Sessions, their rosters, voting rounds, items, credentials and ballots.

Secrecy shapes these tables: while a round is open its ballots exist only as ciphertext
(SealedBallot); the plaintext ballots are written at close, all in one transaction and in id order,
with no autoincrement id, no timestamp and no link to a card; a secret round's cards name no voter.
See docs/secrecy.md.
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ballots.rules import terms
from projects.models import Body, Candidate, Representative


class Session(models.Model):
    """A congress session (人代会会议) of one body."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sessions")
    code = models.CharField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    rules_text = models.TextField(_("voting rules (票决办法)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-date", "code"]

    def __str__(self) -> str:
        return self.title


class Voter(models.Model):
    """A representative on a session's roster (应到); `present` once checked in (实到)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="voters")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=60)
    representative = models.ForeignKey(
        Representative, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster")
        ordering = ["session", "code"]
        constraints = [models.UniqueConstraint(fields=["session", "code"], name="voter_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Kind(models.TextChoices):
    SELECTION = terms.Kind.SELECTION.value, _("Selection (票决)")
    EVALUATION = terms.Kind.EVALUATION.value, _("Evaluation (满意度测评)")


class Secrecy(models.TextChoices):
    SECRET = terms.Secrecy.SECRET.value, _("Secret ballot")
    NAMED = terms.Secrecy.NAMED.value, _("Named vote")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet open")
    OPEN = "open", _("Voting")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """One voting round (表决轮次) on a list of items."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="rounds")
    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    secrecy = models.CharField(_("voting"), max_length=8, choices=Secrecy.choices)
    to_select = models.PositiveSmallIntegerField(_("places to fill"), null=True, blank=True)
    max_yes_per_ballot = models.PositiveSmallIntegerField(
        _("most yes marks per ballot"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    follows = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followers"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    present_at_close = models.PositiveIntegerField(null=True, blank=True)
    tally = models.JSONField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    # The round's Ed25519 key: made at opening, the private half sealed, destroyed once signed.
    public_key = models.CharField(max_length=64, blank=True)
    key_salt = models.BinaryField(null=True, blank=True)
    sealed_key = models.BinaryField(null=True, blank=True)
    # The ballot box's key (ballots.sealing): made at opening, sealed, destroyed at close.
    box_salt = models.BinaryField(null=True, blank=True)
    sealed_box_key = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=terms.Kind.SELECTION)
                | Q(to_select__isnull=True, max_yes_per_ballot__isnull=True),
                name="round_evaluation_has_no_limits",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(tally__isnull=False, closed_at__isnull=False),
                name="round_closed_has_tally",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == RoundStatus.CLOSED


class Item(models.Model):
    """One item on a round's ballot, numbered as printed."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=64)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="ballot_items"
    )
    # An evaluation item's tracked project, by its id (tracking is a higher floor: no key here).
    project_code = models.CharField(_("tracked project"), max_length=64, blank=True)

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="item_code_unique"),
            models.UniqueConstraint(fields=["round", "number"], name="item_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Credential(models.Model):
    """A one-time voting card. Only a hash of its code is kept; a secret round's names no voter."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="credentials")
    token_hash = models.CharField(max_length=64, unique=True)
    serial = models.PositiveIntegerField(_("card number"))
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, null=True, blank=True, related_name="credentials"
    )
    used = models.BooleanField(default=False)
    revoked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "serial"], name="credential_serial_unique"),
            models.CheckConstraint(
                condition=~Q(used=True, revoked=True), name="credential_not_used_and_revoked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} #{self.serial}"


class SealedBallot(models.Model):
    """A ballot of a round still open: only ciphertext under the round's box key, padded to the
    round's one length; a random id, no card, no time. Opened and deleted when the round closes."""

    id = models.CharField(max_length=32, primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sealed_ballots")
    box = models.BinaryField()

    def __str__(self) -> str:
        return self.id


class Ballot(models.Model):
    """A counted ballot as it stands on the board, written only at close, in id order."""

    id = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField(max_length=16, db_index=True)
    nonce = models.CharField(max_length=32)
    choices = models.JSONField()
    voter_code = models.CharField(max_length=64, blank=True)  # named rounds only

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter_code"],
                condition=~Q(voter_code=""),
                name="ballot_one_per_named_voter",
            )
        ]

    def __str__(self) -> str:
        return self.receipt


class BallotReply(models.Model):
    """The first answer to a cast, for a tablet's retry: found only by whoever holds the card and
    the request's key, readable only with the round's box key; gone when the round closes."""

    key_hash = models.CharField(max_length=64, primary_key=True)  # H(round, card code, key)
    # No index of its own: read only by key_hash; the close deletes a round's rows in one scan,
    # and every cast is spared one index insertion.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", db_index=False)
    box = models.BinaryField()  # sealed {"choices_hash", "receipt"}

    def __str__(self) -> str:
        return self.key_hash[:12]


class Bundle(models.Model):
    """A closed round's signed audit bundle (minsheng-audit/1), stored byte for byte, unchanged."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="bundle")
    manifest = models.BinaryField()
    ballots = models.BinaryField()
    tally = models.BinaryField()
    signature = models.BinaryField()
    archive = models.BinaryField()  # the zip, as served
    archive_sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.round_id} bundle"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a signed bundle is never changed")
        super().save(*args, **kwargs)


class VotingAction(models.TextChoices):
    """What the vote records in the congress's action log (projects.ActionEntry)."""

    SESSION_CREATED = "session_created", _("Session created")
    SESSION_IMPORTED = "session_imported", _("Session file imported")
    CHECKED_IN = "checked_in", _("Representatives checked in")
    CHECK_IN_UNDONE = "check_in_undone", _("Check-in undone")
    ROUND_CREATED = "round_created", _("Round created")
    CARDS_ISSUED = "cards_issued", _("Cards issued")
    CARD_REVOKED = "card_revoked", _("Card revoked")
    ROUND_OPENED = "round_opened", _("Voting opened")
    ROUND_CLOSED = "round_closed", _("Voting closed and signed")
    RESULT_PUBLISHED = "result_published", _("Result published")
