"""Storing the congress's ratings settings, logged with what they were before."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from projects.action_log import action_record
from projects.models import Body
from tracking.models import SupervisionPolicy, TrackingAction


def voice_settings_set(
    *,
    body: Body,
    actor: User,
    rating_floor: Decimal,
    rating_min_count: int,
    phone_ratings: bool,
) -> SupervisionPolicy:
    with transaction.atomic():
        policy, _made = SupervisionPolicy.objects.select_for_update().get_or_create(body=body)
        before = [
            str(policy.rating_floor.normalize()),
            policy.rating_min_count,
            policy.phone_ratings,
        ]
        policy.rating_floor = rating_floor
        policy.rating_min_count = rating_min_count
        policy.phone_ratings = phone_ratings
        policy.full_clean()
        policy.save()
        action_record(
            body=body,
            actor=actor,
            action=TrackingAction.POLICY_SET,
            subject="ratings",
            detail={
                "before": before,
                "after": [str(rating_floor.normalize()), rating_min_count, phone_ratings],
            },
        )
    return policy
