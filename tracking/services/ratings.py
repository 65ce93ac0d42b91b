"""Residents' star ratings (码上评), without accounts; the rules are tracking.rules.ratings'.

Who a rater is:
- by default a device: the project page hands each browser a random token signed with
  django.core.signing, kept in a long-lived HttpOnly cookie (SameSite=Lax, Secure outside the
  demo); a token that does not verify is refused. The rater is HMAC(key derived from SECRET_KEY,
  token): the token itself is never stored, so the table cannot be matched to a device's cookie
  without the key.
- where the congress enables phone ratings (SupervisionPolicy.phone_ratings), a phone number
  proved with a one-time code sent by the SMS backend (tracking.sms); the rater is HMAC(key,
  number), never the number.
Every public submission (a rating, a problem report, a code request) first passes the per-address
rate limit (`throttle_hit`, counted in Django's cache); a refused one stores nothing.

Storing a rating that leaves the project's average below its congress's floor with enough ratings
raises a follow-up task for its supervision group, with notices in the app and by email, as the
colour sweep does for a new red or yellow (tracking.services.sweep).
"""

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import CharField, Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from projects.action_log import action_record
from projects.errors import Refused
from tracking.models import (
    Notification,
    Rating,
    SupervisionPolicy,
    SupervisionTask,
    TaskKind,
    TrackedProject,
    TrackingAction,
)
from tracking.rules import ratings as rules
from tracking.services.sweep import NOTICE_LENGTH, ON_SITE_DAYS, follow_up_people
from tracking.sms import send_sms

log = logging.getLogger(__name__)

DEVICE_COOKIE = "voice_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # seconds: the longest a browser keeps a cookie (Chrome's cap)
_DEVICE_SALT = "tracking.voice.device"
_RATER_SALT = "tracking.voice.rater"
_CODE_SALT = "tracking.voice.code"
_ADDRESS_SALT = "tracking.voice.address"

VOICE = "voice"  # ratings, reports and code requests share one budget per address
LOOKUP = "lookup"  # reference numbers looked up in vain
CODE_DIGITS = 6
CODE_TTL = 600  # seconds a one-time code is good for
CODE_TRIES = 5  # wrong guesses before a code is void
CODES_PER_NUMBER = rules.RateLimit(limit=3, window=600)  # an SMS costs money and annoys
LOOKUP_LIMIT = rules.RateLimit(limit=30, window=600)
RECENT_COMMENTS = 10
REASON_MAX = 200  # Rating.hidden_reason's max_length


# -- who rates -------------------------------------------------------------------------------


def device_token_new() -> str:
    """A fresh random device token, signed: the cookie's value."""
    return signing.Signer(salt=_DEVICE_SALT).sign(secrets.token_urlsafe(24))


def device_rater(cookie: str) -> str:
    """The rater of a device cookie, or Refused if the cookie was not made here."""
    try:
        token = signing.Signer(salt=_DEVICE_SALT).unsign(cookie)
    except signing.BadSignature:
        raise Refused(
            "bad_token",
            _(
                "This device's rating token is not valid (it was changed or made elsewhere), so "
                "nothing was stored. This page has given the device a new one: rate again."
            ),
        ) from None
    return salted_hmac(_RATER_SALT, f"device:{token}", algorithm="sha256").hexdigest()


def phone_rater(number: str) -> str:
    return salted_hmac(_RATER_SALT, f"phone:{number}", algorithm="sha256").hexdigest()


def phone_ratings(project: TrackedProject) -> bool:
    """Whether the project's congress has residents rate with a phone number and a code."""
    try:  # the project page has read the congress's policy already (with_facts)
        return project.body.supervision_policy.phone_ratings
    except SupervisionPolicy.DoesNotExist:
        return False


# -- rate limits -----------------------------------------------------------------------------


def voice_limit() -> rules.RateLimit:
    return rules.RateLimit(limit=settings.VOICE_RATE_LIMIT, window=settings.VOICE_RATE_WINDOW)


def _key(bucket: str, who: str, limit: rules.RateLimit, now: float) -> str:
    hashed = salted_hmac(_ADDRESS_SALT, who, algorithm="sha256").hexdigest()[:32]
    return f"voice:throttle:{bucket}:{hashed}:{limit.window_of(now)}"


def _count(bucket: str, who: str, limit: rules.RateLimit) -> int | None:
    """Counts one request; None if it is within the limit, else the seconds to wait."""
    now = timezone.now().timestamp()
    key = _key(bucket, who, limit, now)
    cache.add(key, 0, timeout=limit.window + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=limit.window + 5)
        used = 1
    return None if limit.admits(used) else limit.retry_after(now)


def throttle_hit(address: str, bucket: str = VOICE) -> int | None:
    """Counts a public submission from `address`: None if it may go on, else seconds to wait."""
    return _count(bucket, address, voice_limit() if bucket == VOICE else LOOKUP_LIMIT)


def throttle_reset(address: str) -> None:
    """Forgets the address's counts of this window: for an operator (a village's shared address
    refused by mistake) and for tests."""
    now = timezone.now().timestamp()
    cache.delete_many(
        [_key(VOICE, address, voice_limit(), now), _key(LOOKUP, address, LOOKUP_LIMIT, now)]
    )


def too_many(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return _(
        "Too many ratings or reports have come from your network just now, so this one was not "
        "stored. Please try again in %(minutes)s minutes."
    ) % {"minutes": minutes}


# -- one-time codes ----------------------------------------------------------------------------


def _code_key(number: str) -> str:
    return "voice:code:" + salted_hmac(_CODE_SALT, number, algorithm="sha256").hexdigest()[:32]


def _code_digest(number: str, code: str) -> str:
    return salted_hmac(_CODE_SALT, f"{number}:{code}", algorithm="sha256").hexdigest()


def phone_code_send(*, number: str) -> None:
    """Sends a fresh one-time code to the number (a code sent before is void)."""
    if _count("sms", number, CODES_PER_NUMBER) is not None:
        raise Refused(
            "too_many_codes",
            _(
                "Several codes have been sent to this number just now. Use the last one, or wait "
                "ten minutes."
            ),
        )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    cache.set(_code_key(number), {"digest": _code_digest(number, code), "tries": 0}, CODE_TTL)
    text = _(
        "Your code for rating a livelihood project: %(code)s. It is good for 10 minutes. "
        "If you did not ask for it, ignore this message."
    ) % {"code": code}
    try:
        send_sms(number, text)
    except Exception:
        log.exception("a rating code was not sent")
        cache.delete(_code_key(number))
        raise Refused(
            "sms_failed", _("The code could not be sent just now. Please try again later.")
        ) from None


def phone_code_rater(*, number: str, code: str) -> str:
    """The number's rater once its code is proved; a code is good once (a replay is refused)."""
    key = _code_key(number)
    held = cache.get(key)
    if held is None:
        raise Refused(
            "no_code",
            _(
                "There is no valid code for this number: it was used or has expired. Ask for a "
                "new one."
            ),
        )
    if not constant_time_compare(held["digest"], _code_digest(number, code.strip())):
        tries = int(held["tries"]) + 1
        if tries >= CODE_TRIES:
            cache.delete(key)
            raise Refused("code_void", _("The code was wrong too many times. Ask for a new one."))
        cache.set(key, {**held, "tries": tries}, CODE_TTL)
        raise Refused("bad_code", _("The code is not right. Check the message and try again."))
    cache.delete(key)  # used: the same code again is refused
    return phone_rater(number)


# -- reading -----------------------------------------------------------------------------------


def _current(project: TrackedProject) -> QuerySet[Rating]:
    """The project's ratings of its current period."""
    return Rating.objects.filter(project=project, period=rules.period_of(project.year))


def with_ratings(projects: QuerySet[TrackedProject]) -> QuerySet[TrackedProject]:
    """Each project with its current ratings' count and star total, in the same query."""
    totals = (
        Rating.objects.filter(
            project=OuterRef("pk"),
            # The rule of period_of in SQL: the period is the project's year written out.
            period=Cast(OuterRef("year"), output_field=CharField()),
        )
        .order_by()
        .values("project")
    )
    return projects.annotate(
        rating_count=Coalesce(
            Subquery(totals.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        ),
        rating_stars=Coalesce(
            Subquery(totals.annotate(s=Sum("stars")).values("s"), output_field=IntegerField()), 0
        ),
    )


def rating_summary(project: TrackedProject) -> rules.Summary:
    """Average and count of the current ratings (annotated by `with_ratings`, else one query)."""
    count = getattr(project, "rating_count", None)
    stars = getattr(project, "rating_stars", None)
    if count is None or stars is None:
        totals = _current(project).aggregate(n=Count("pk"), s=Sum("stars"))
        count, stars = totals["n"] or 0, totals["s"] or 0
    return rules.summary_of_totals(int(stars), int(count))


def rating_json(project: TrackedProject) -> dict[str, float | int | None]:
    """The projects API's `rating`: {"average": 1 decimal or null, "count"}."""
    shown = rating_summary(project)
    return {
        "average": float(shown.average) if shown.average is not None else None,
        "count": shown.count,
    }


def recent_comments(project: TrackedProject, limit: int = RECENT_COMMENTS) -> list[Rating]:
    """The latest comments the public may read: not hidden, not blank."""
    return list(
        _current(project)
        .filter(hidden_at__isnull=True)
        .exclude(comment="")
        .order_by("-updated_at", "-pk")[:limit]
    )


def hidden_comments(project: TrackedProject) -> int:
    """How many current comments staff have hidden: the page says so, without their words."""
    return _current(project).filter(hidden_at__isnull=False).count()


# -- writing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rated:
    rating: Rating
    replaced: bool  # the rater's earlier rating of this period was replaced
    task: SupervisionTask | None  # the low-rating follow-up this rating raised


@transaction.atomic
def rating_submit(*, project: TrackedProject, rater: str, stars: int, comment: str) -> Rated:
    """Stores the rater's rating of the project's current period, replacing an earlier one."""
    if project.parent_id is not None:
        raise Refused("not_public", _("Only a project with a public page can be rated."))
    if stars not in rules.STARS:
        raise Refused("bad_stars", _("Choose from 1 to 5 stars."))
    comment = comment.strip()
    if len(comment) > rules.COMMENT_MAX:
        raise Refused(
            "comment_too_long",
            _("A comment may have at most %(max)s characters.") % {"max": rules.COMMENT_MAX},
        )
    # The project's row lock: one rater's two ratings at once, or two ratings crossing the floor
    # at once, are stored one after the other (one rating, one task).
    list(TrackedProject.objects.select_for_update().filter(pk=project.pk).values_list("pk"))
    period = rules.period_of(project.year)
    rating = Rating.objects.filter(project=project, period=period, rater=rater).first()
    earlier = rating is not None
    if rating is None:
        rating = Rating(project=project, period=period, rater=rater)
    rating.stars = stars
    rating.comment = comment
    rating.hidden_reason, rating.hidden_by, rating.hidden_at = "", None, None  # new words
    rating.full_clean()
    rating.save()
    return Rated(rating, earlier, _low_rating_follow_up(project))


def _low_rating_follow_up(project: TrackedProject) -> SupervisionTask | None:
    policy = SupervisionPolicy.objects.filter(body_id=project.body_id).first()
    floor = policy.rating_floor if policy is not None else rules.FLOOR
    min_count = policy.rating_min_count if policy is not None else rules.MIN_COUNT
    shown = rating_summary(project)
    # Every rating of a project is in its one period (period_of), so its tasks are this period's.
    tasks = SupervisionTask.objects.filter(project=project, kind=TaskKind.LOW_RATING)
    due = rules.low_rating_task_due(
        shown,
        floor=Decimal(floor),
        min_count=min_count,
        raised_this_period=tasks.exists(),
        task_open=tasks.filter(closed_at__isnull=True).exists(),
    )
    if not due or shown.average is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        owner, people = follow_up_people(project, TaskKind.LOW_RATING)
        task = SupervisionTask.objects.create(
            project=project,
            kind=TaskKind.LOW_RATING,
            owner=owner,
            due=timezone.localdate() + datetime.timedelta(days=ON_SITE_DAYS),
        )
        facts = {
            "project": project.title,
            "average": f"{shown.average:.1f}",
            "count": shown.count,
            "floor": f"{Decimal(floor):.1f}",
            "task": task.get_kind_display(),
            "owner": task.owner,
            "due": task.due.isoformat(),
        }
        notice = (
            _(
                "Residents rate “%(project)s” %(average)s stars on average (%(count)s ratings), "
                "below %(floor)s. Follow-up: %(task)s by %(owner)s, due %(due)s."
            )
            % facts
        )
        if len(notice) > NOTICE_LENGTH:
            notice = notice[: NOTICE_LENGTH - 1] + "…"
        Notification.objects.bulk_create(
            [Notification(user=user, project=project, text=notice) for user in people]
        )
        mail = _low_rating_mail(project, facts, [u for u in people if u.email])
    transaction.on_commit(partial(_send, mail))
    return task


def _low_rating_mail(
    project: TrackedProject, facts: dict[str, object], people: list[User]
) -> list[tuple[str, str, None, list[str]]]:
    """One message per address (nobody sees the others'), in the install's language."""
    if not people:
        return []
    subject = _("[%(congress)s] Low public rating: “%(project)s”") % {
        "congress": project.body.name,
        "project": project.title,
    }
    lines = [
        _(
            "Residents rate “%(project)s” %(average)s stars on average (%(count)s ratings), below "
            "%(floor)s."
        )
        % facts,
        "",
        _("Project: %(project)s (%(code)s)") % {"project": project.title, "code": project.code},
    ]
    if project.unit:
        lines.append(_("Implementing unit: %(unit)s") % {"unit": project.unit})
    lines += [
        "",
        _("Follow-up: %(task)s") % facts,
        _("Owner: %(owner)s") % facts,
        _("Due: %(due)s") % facts,
        "",
        _(
            "You receive this as a member of the project's supervision group or as staff of "
            "its congress. The same notice is in your inbox in the app."
        ),
    ]
    body = "\n".join(lines) + "\n"
    return [(subject, body, None, [user.email]) for user in people]


def _send(mail: list[tuple[str, str, None, list[str]]]) -> None:
    """After the rating is committed; a mail server down loses no notice in the app."""
    if not mail:
        return
    try:
        send_mass_mail(tuple(mail), fail_silently=False)
    except Exception:
        log.exception("%d low-rating emails not sent", len(mail))


@transaction.atomic
def rating_comment_hide(*, rating: Rating, actor: User, reason: str) -> Rating:
    """Takes an abusive comment off the public page; the stars stay counted."""
    rating = Rating.objects.select_for_update().select_related("project__body").get(pk=rating.pk)
    if rating.hidden_at is not None:
        raise Refused("already_hidden", _("This comment is hidden already."))
    if not rating.comment:
        raise Refused("no_comment", _("This rating has no comment to hide."))
    reason = reason.strip()
    if not reason:
        raise Refused(
            "reason_required", _("Say why the comment is hidden: the reason is required.")
        )
    if len(reason) > REASON_MAX:
        raise Refused(
            "reason_too_long",
            _("A reason may have at most %(max)s characters.") % {"max": REASON_MAX},
        )
    rating.hidden_reason = reason
    rating.hidden_by = actor
    rating.hidden_at = timezone.now()
    rating.full_clean()
    rating.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
    action_record(
        body=rating.project.body,
        actor=actor,
        action=TrackingAction.RATING_HIDDEN,
        subject=rating.project.code,
        detail={
            "rating": rating.pk,
            "stars": rating.stars,
            "comment": rating.comment,
            "reason": reason,
        },
    )
    return rating
