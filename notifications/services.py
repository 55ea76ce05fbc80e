"""Outbox: write notifications with the event, deliver each one once."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from notifications.rendering import render_email

logger = logging.getLogger(__name__)


class DeliveryDeferred(Exception):
    """Sending failed for now; the row is pending again and will be retried."""


def notify(recipient: User, template: str, key: str, context: dict) -> Notification:
    """Write an outbox row in the caller's transaction; it is sent after commit.

    Calling twice with the same key returns the first row: one event, one message.
    """
    notification, created = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "recipient": recipient,
            "template": template,
            "language": recipient.preferred_language or settings.LANGUAGE_CODE,
            "context": context,
        },
    )
    if created:
        from workers.tasks import deliver_notification

        transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    return notification


def notify_match_proposed(match) -> None:
    need, offer = match.goods_need, match.donation_offer
    common = {
        "match_id": match.pk,
        "quantity": match.quantity,
        "category": offer.category.slug,  # the offer's is the same or more specific
        "need_title": need.title,
        "offer_title": offer.title,
        "organisation": need.organisation.name,
        "need_district": need.district or need.place,
        "offer_district": offer.district or offer.place,
        "distance_km": round(match.distance_m / 1000, 1),
    }
    notify(
        offer.donor,
        "match_proposed",
        f"match:{match.pk}:proposed:donor",
        {**common, "side": "donor"},
    )
    notify(
        need.created_by,
        "match_proposed",
        f"match:{match.pk}:proposed:need",
        {**common, "side": "need"},
    )


def notify_geocoding_failed(record, owner: User) -> None:
    notify(
        owner,
        "geocoding_failed",
        f"geocoding-failed:{record._meta.label_lower}:{record.pk}:{record.geocode_attempts}",
        {"title": record.title, "address": record.address},
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def deliver(notification_id: int) -> str:
    """Send one notification if nobody else is sending it. Returns what happened."""
    now = timezone.now()
    abandoned = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    claimed = (
        Notification.objects.filter(pk=notification_id)
        .filter(
            Q(status=Notification.Status.PENDING)
            | Q(status=Notification.Status.SENDING, claimed_at__lt=abandoned)
        )
        .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not-pending"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    mine = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.SENDING, claimed_at=now
    )
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email):
        # An erased or deactivated account: there is nobody to write to, and retrying will
        # not change that. The failed row shows coordinators that the message went nowhere.
        mine.update(status=Notification.Status.FAILED, last_error="recipient has no address")
        return "undeliverable"
    try:
        render_email(notification).send(fail_silently=False)
    except (SMTPException, OSError) as exc:
        failed = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        mine.update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            next_attempt_at=None if failed else now + _backoff(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning(
            "notification %s: attempt %s failed: %s", notification_id, notification.attempts, exc
        )
        if failed:
            return "failed"
        raise DeliveryDeferred(str(exc)) from exc
    mine.update(status=Notification.Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"
