"""Outbox: write notifications with the event, deliver each one once, as the recipient wants.

A notification is one event for one recipient. It is always the inbox item (unless the
recipient switched the in-app channel off); its email is sent at once, held for the daily
digest, held to the next day by the cap per sender organisation, or skipped when the
recipient switched email off.
"""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from base.errors import NOT_FOUND, ApplicationError
from notifications import tasks
from notifications.delivery import reset_failed
from notifications.models import Notification, NotificationPreference
from notifications.preferences import preferences_for, user_for_unsubscribe

logger = logging.getLogger(__name__)

# Days of the cap and of the digest are days in Berlin, whatever the server's zone.
BERLIN = ZoneInfo("Europe/Berlin")
DIGEST_TEMPLATE = "digest"
BATCH = 1000


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
            raise ApplicationError({name: message for name in turned_off or ["email"]})
        if frequency is not None and frequency not in NotificationPreference.Frequency.values:
            raise ApplicationError({"frequency": _("Choose instant or daily.")})
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


# Rows written in one transaction go out in tasks of at most this many (one SMTP connection
# each), so that a burst is spread over the worker processes.
SEND_BATCH = 50


def enqueue_delivery(ids: list[int]) -> None:
    """Put the rows on the queue in tasks of at most SEND_BATCH (one SMTP connection each); a
    single row goes as a task of its own."""
    for start in range(0, len(ids), SEND_BATCH):
        chunk = ids[start : start + SEND_BATCH]
        if len(chunk) == 1:
            tasks.deliver_notification.delay(chunk[0])
        else:
            tasks.deliver_notifications.delay(chunk)


class _SendAfterCommit:
    """The ids of the rows one transaction made ready to send; enqueued when it commits."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = list(ids)

    def __call__(self) -> None:
        enqueue_delivery(self.ids)


def _enqueue_after_commit(ids: list[int]) -> None:
    """Send the rows after the commit: all rows of one transaction together, in batches
    (a burst of thousands costs tens of task messages, not thousands).

    Joins the callback that the transaction registered already, if Django still holds it.
    Django drops that callback only when a savepoint that was open at its registration rolls
    back; a row joined to it later was written while that savepoint was still open, so the
    rollback removes the row as well. An id whose row a rollback removed (a savepoint of its
    own) is a task that finds nothing to claim.
    """
    if not ids:
        return
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _SendAfterCommit):
                callback.ids.extend(ids)
                return
    transaction.on_commit(_SendAfterCommit(ids))


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


def notify_geocoding_failed(record) -> None:
    """The remote geocoder could not find the record's street: its owner is asked to fix it."""
    notify(
        record.owner(),
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


def unsubscribe(token: str) -> User | None:
    """Switch the email channel off for the token's user (the inbox stays on, or comes on:
    one channel always stays). None and no change for a bad token."""
    user = user_for_unsubscribe(token)
    if user is None:
        return None
    update_preferences(user, email=False, in_app=True)
    return user


# --- inbox and coordinators --------------------------------------------------------------------


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's own inbox items read; anything else is not found."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient=user, in_inbox=True
    ).first()
    if notification is None:
        raise ApplicationError(_("No such item in your inbox."), code=NOT_FOUND)
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
    return reset_failed(Notification, notification_id, tasks.deliver_notification.delay)
