"""Outbox: write notifications with the event, deliver each one once, as the recipient wants.

A notification is one event for one recipient. It is always the inbox item (unless the
recipient switched the in-app channel off); its email is sent at once, held for the daily
digest, held to the next day by the cap per sender organisation, or skipped when the
recipient switched email off.
"""

import logging
from datetime import date, datetime, time, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from notifications.models import Notification, NotificationPreference
from notifications.rendering import render_email

logger = logging.getLogger(__name__)

# Days of the cap and of the digest are days in Berlin, whatever the server's zone.
BERLIN = ZoneInfo("Europe/Berlin")
DIGEST_TEMPLATE = "digest"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
BATCH = 1000


class DeliveryDeferred(Exception):
    """Sending failed for now; the row is pending again and will be retried."""


# --- days --------------------------------------------------------------------------------------


def berlin_day(moment: datetime | None = None) -> date:
    return timezone.localtime(moment or timezone.now(), BERLIN).date()


def start_of_next_day(day: date) -> datetime:
    """Midnight in Berlin at the start of the day after `day` (aware)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=BERLIN)


def _lock(name: str) -> None:
    """A lock held until the end of the current transaction, for one name."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])


# --- preferences -------------------------------------------------------------------------------


def preferences_for(user: User) -> NotificationPreference:
    """The user's preferences; created with the defaults (email and inbox, instant) if the
    user never chose."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def update_preferences(
    user: User,
    *,
    email: bool | None = None,
    in_app: bool | None = None,
    frequency: str | None = None,
) -> NotificationPreference:
    """Change what is given; at least one channel stays on (field error otherwise).

    Messages held for a digest go out at once when the person switches to instant, and held
    emails are dropped (the inbox keeps them) when the person switches email off.
    """
    with transaction.atomic():
        preference = preferences_for(user)
        preference = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
        new_email = preference.email if email is None else email
        new_in_app = preference.in_app if in_app is None else in_app
        if not (new_email or new_in_app):
            message = _("Keep at least one channel on: email or the inbox.")
            turned_off = [
                name for name, value in (("email", email), ("in_app", in_app)) if value is False
            ]
            raise ValidationError({name: message for name in turned_off or ["email"]})
        if frequency is not None and frequency not in NotificationPreference.Frequency.values:
            raise ValidationError({"frequency": _("Choose instant or daily.")})
        preference.email, preference.in_app = new_email, new_in_app
        if frequency is not None:
            preference.frequency = frequency
        preference.save()

        held = Notification.objects.filter(recipient=user, status=Notification.Status.HELD)
        if not preference.email:
            held.update(
                status=Notification.Status.SKIPPED, hold=Notification.Hold.NONE, release_at=None
            )
        elif preference.frequency == NotificationPreference.Frequency.INSTANT:
            released = list(held.filter(hold=Notification.Hold.DIGEST).values_list("pk", flat=True))
            Notification.objects.filter(pk__in=released).update(
                status=Notification.Status.PENDING, hold=Notification.Hold.NONE
            )
            _enqueue_after_commit(released)
    return preference


# --- writing -----------------------------------------------------------------------------------


def _enqueue_after_commit(ids: list[int]) -> None:
    if not ids:
        return
    from workers.tasks import deliver_notification

    def send() -> None:
        for pk in ids:
            deliver_notification.delay(pk)

    transaction.on_commit(send)


def _is_member(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(
        user=user, organisation=organisation, status=Membership.Status.ACTIVE
    ).exists()


def _email_plan(
    recipient: User,
    preference: NotificationPreference,
    sender_organisation: Organisation | None,
    now: datetime,
) -> dict:
    """The email state of a new (or released) row: pending, held or skipped.

    Must run inside a transaction: the cap's count is protected by a lock held to its end.
    """
    if not preference.email:
        return {"status": Notification.Status.SKIPPED, "hold": Notification.Hold.NONE}
    if preference.frequency == NotificationPreference.Frequency.DAILY:
        return {"status": Notification.Status.HELD, "hold": Notification.Hold.DIGEST}
    plan = {"status": Notification.Status.PENDING, "hold": Notification.Hold.NONE}
    if sender_organisation is None or _is_member(recipient, sender_organisation):
        return plan
    today = berlin_day(now)
    _lock(f"notification-cap:{recipient.pk}:{sender_organisation.pk}")
    sent_today = Notification.objects.filter(
        recipient=recipient, sender_organisation=sender_organisation, cap_day=today
    ).count()
    if sent_today >= settings.NOTIFICATION_DAILY_CAP_PER_ORGANISATION:
        return {
            "status": Notification.Status.HELD,
            "hold": Notification.Hold.CAP,
            "release_at": start_of_next_day(today),
        }
    return {**plan, "cap_day": today}


def notify(
    recipient: User,
    template: str,
    key: str,
    context: dict,
    *,
    sender_organisation: Organisation | None = None,
) -> Notification:
    """Write the notification in the caller's transaction; its email is sent after commit
    (or held, or skipped, as the recipient chose and the cap allows).

    Calling twice with the same key returns the first row: one event, one message.
    `sender_organisation`: the organisation whose step caused the message, for the daily cap
    (none for members of it and for what the platform sends on its own).
    """
    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        preference = preferences_for(recipient)
        plan = _email_plan(recipient, preference, sender_organisation, timezone.now())
        notification, created = Notification.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "recipient": recipient,
                "template": template,
                "language": recipient.preferred_language or settings.LANGUAGE_CODE,
                "context": context,
                "sender_organisation": sender_organisation,
                "in_inbox": preference.in_app,
                **plan,
            },
        )
        if created and notification.status == Notification.Status.PENDING:
            _enqueue_after_commit([notification.pk])
    return notification


def notify_geocoding_failed(record, owner: User) -> None:
    notify(
        owner,
        "geocoding_failed",
        f"geocoding-failed:{record._meta.label_lower}:{record.pk}:{record.geocode_attempts}",
        {"title": record.title, "address": record.address},
    )


# --- held emails: the cap and the digest -------------------------------------------------------


def release_held(now: datetime | None = None) -> int:
    """Emails held by the cap whose day has come: scheduled again under today's cap (oldest
    first), or held once more if the organisation's share of today is used up already."""
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(
            status=Notification.Status.HELD, hold=Notification.Hold.CAP, release_at__lte=now
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    released = 0
    for pk in due:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("recipient", "sender_organisation")
                .filter(pk=pk, status=Notification.Status.HELD, hold=Notification.Hold.CAP)
                .first()
            )
            if row is None:
                continue
            plan = {
                "release_at": None,
                "cap_day": None,
                **_email_plan(
                    row.recipient, preferences_for(row.recipient), row.sender_organisation, now
                ),
            }
            Notification.objects.filter(pk=pk).update(**plan)
            if plan["status"] == Notification.Status.PENDING:
                released += 1
                _enqueue_after_commit([pk])
    return released


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """Daily: one digest email per person with held messages, carrying all of them.

    Idempotent per person and day (key `digest:<user>:<date>`): a second run the same day
    sends nothing more; what was held after the first run waits for the next day's digest.
    """
    now = now or timezone.now()
    day = berlin_day(now)
    users = (
        Notification.objects.filter(
            status=Notification.Status.HELD, hold=Notification.Hold.DIGEST, created_at__lte=now
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    counts = {"digests": 0, "bundled": 0, "skipped": 0}
    for user_id in list(users):
        outcome = _digest_for(user_id, day, now)
        for name, value in outcome.items():
            counts[name] += value
    return counts


def digest_key(user_id: int, day: date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def _digest_for(user_id: int, day: date, now: datetime) -> dict[str, int]:
    key = digest_key(user_id, day)
    with transaction.atomic():
        _lock(key)
        if Notification.objects.filter(idempotency_key=key).exists():
            return {}
        held = Notification.objects.select_for_update().filter(
            recipient_id=user_id,
            status=Notification.Status.HELD,
            hold=Notification.Hold.DIGEST,
            created_at__lte=now,
        )
        ids = list(held.order_by("created_at", "pk").values_list("pk", flat=True))
        if not ids:
            return {}
        recipient = User.objects.get(pk=user_id)
        if not preferences_for(recipient).email:
            Notification.objects.filter(pk__in=ids).update(
                status=Notification.Status.SKIPPED, hold=Notification.Hold.NONE
            )
            return {"skipped": len(ids)}
        digest = Notification.objects.create(
            recipient=recipient,
            template=DIGEST_TEMPLATE,
            language=recipient.preferred_language or settings.LANGUAGE_CODE,
            context={"notification_ids": ids, "date": day.isoformat()},
            idempotency_key=key,
            # The digest repeats what the inbox already lists.
            in_inbox=False,
        )
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.DIGESTED, hold=Notification.Hold.NONE, digest=digest
        )
        _enqueue_after_commit([digest.pk])
    return {"digests": 1, "bundled": len(ids)}


# --- unsubscribe -------------------------------------------------------------------------------


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User) -> str:
    path = reverse("unsubscribe", kwargs={"token": unsubscribe_token(user)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def user_for_unsubscribe(token: str) -> User | None:
    """The user a token was made for; None for a tampered or unknown token."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id).first()


def unsubscribe(token: str) -> User | None:
    """Switch the email channel off for the token's user (the inbox stays on, or comes on:
    one channel always stays). None and no change for a bad token."""
    user = user_for_unsubscribe(token)
    if user is None:
        return None
    update_preferences(user, email=False, in_app=True)
    return user


# --- delivery ----------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim(model, pk: int, now) -> QuerySet | None:
    """Take one outbox row (an email or a webhook delivery) for sending, by a conditional
    update: pending, or sending but abandoned by a dead worker. Returns the queryset that
    names the row while this claim holds it, or None if someone else has it or it is done."""
    abandoned = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    claimed = (
        model.objects.filter(pk=pk)
        .filter(Q(status="pending") | Q(status="sending", claimed_at__lt=abandoned))
        .update(status="sending", claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return model.objects.filter(pk=pk, status="sending", claimed_at=now)


def reset_failed(model, pk: int, enqueue) -> object:
    """A coordinator tries a failed row again: pending, with a fresh set of attempts, sent
    after commit by `enqueue(pk)`."""
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        if row.status != "failed":
            raise ValidationError({"status": _("Only a failed delivery can be tried again.")})
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = None
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: enqueue(pk))
    return row


def deliver(notification_id: int) -> str:
    """Send one notification's email if nobody else is sending it. Returns what happened."""
    now = timezone.now()
    mine = claim(Notification, notification_id, now)
    if mine is None:
        return "not-pending"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.attempts > settings.NOTIFICATION_MAX_ATTEMPTS:
        # Claimed again and again without an outcome (a worker that dies on this row): give
        # up, so that coordinators see it instead of the sweep taking it back forever.
        mine.update(
            status=Notification.Status.FAILED,
            next_attempt_at=None,
            last_error=notification.last_error or "gave up: the worker was lost on every try",
        )
        return "failed"
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email):
        # An erased or deactivated account: there is nobody to write to, and retrying will
        # not change that. The failed row shows coordinators that the message went nowhere.
        mine.update(status=Notification.Status.FAILED, last_error="recipient has no address")
        return "undeliverable"
    if not preferences_for(recipient).email:
        # Switched off (e.g. unsubscribed) after the row was written.
        mine.update(status=Notification.Status.SKIPPED)
        return "skipped"
    try:
        message = render_email(notification)
        unsubscribe = unsubscribe_url(recipient)
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        # RFC 8058: a mail client may unsubscribe with one POST, no page in between.
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    except Exception as exc:
        # A template or configuration fault: retrying will not mend it. Failed rows are
        # shown to coordinators, who send them again once it is fixed.
        logger.exception("notification %s could not be rendered", notification_id)
        mine.update(status=Notification.Status.FAILED, last_error=f"rendering: {exc!r}"[:2000])
        return "failed"
    try:
        message.send(fail_silently=False)
    except (SMTPException, OSError) as exc:
        failed = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        mine.update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            next_attempt_at=None if failed else now + backoff(notification.attempts),
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


# --- inbox and coordinators --------------------------------------------------------------------


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's own inbox items read (Notification.DoesNotExist otherwise)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user, in_inbox=True)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def retry_notification(notification_id: int) -> Notification:
    """A coordinator sends a failed email again: pending, with a fresh set of attempts."""
    from workers.tasks import deliver_notification

    return reset_failed(Notification, notification_id, deliver_notification.delay)
