"""Sending what the outbox holds: each email and each webhook delivery once.

A row is sent by whoever holds its sender lock and claimed it by a conditional update, alone
or in a batch (the rows one transaction wrote, over one SMTP connection, each row still
locked, claimed and marked on its own); failures retry with backoff, and a row that keeps
failing (or whose senders keep dying) ends as failed, listed for coordinators. A copy is
only possible when a sender dies after the receiver took the message and before the row was
marked sent; it carries the same Message-ID (emails) or X-Willkommen-Delivery (webhooks), so
the receiver can drop it.
"""

import errno
import functools
import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import NOT_FOUND, ApplicationError
from notifications import addresses
from notifications.models import (
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
)
from notifications.preferences import preferences_for, unsubscribe_url
from notifications.rendering import render_email

logger = logging.getLogger(__name__)

USER_AGENT = "Willkommen-Webhooks/1"


class DeliveryDeferred(Exception):
    """Sending failed for now; the row is pending again and will be retried."""


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@contextmanager
def sender_lock(model, pk: int) -> Iterator[bool]:
    """Whether this process may send the row: True while it holds the row's sender lock.

    The lock is a PostgreSQL session-level advisory lock on the sender's own database
    connection, held for the whole send. PostgreSQL drops it when that session ends, also
    when the worker is killed; so a row whose sender lock is free has no live sender, and
    one whose lock is taken is never overtaken, however slow its sender is.
    """
    key = f"{model._meta.db_table}:{pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            _unlock(key)


def _unlock(key: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])
    except DatabaseError:
        # The connection is gone, and with its session the lock.
        logger.warning("could not release the sender lock %s", key, exc_info=True)


def claim(model, pk: int, now) -> QuerySet | None:
    """Take one outbox row (an email or a webhook delivery) for sending, by a conditional
    update: pending, or sending but abandoned by a dead worker. Call it holding the row's
    `sender_lock`: a row still marked sending then has no live sender. Returns the queryset
    that names the row while this claim holds it, or None if it is not to be sent now."""
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
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ApplicationError(_("No such delivery."), code=NOT_FOUND)
        if row.status != "failed":
            raise ApplicationError({"status": _("Only a failed delivery can be tried again.")})
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = None
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: enqueue(pk))
    return row


def deliver(notification_id: int) -> str:
    """Send one notification's email if nobody else is sending it. Returns what happened;
    raises DeliveryDeferred when another try is due."""
    outcome, error = _send_emails([notification_id])[notification_id]
    if outcome == DEFERRED:
        raise DeliveryDeferred(error)
    return outcome


def deliver_many(notification_ids: list[int]) -> dict[str, int]:
    """Send the emails of many rows over one SMTP connection, each row exactly as `deliver`
    sends it alone: its own sender lock, its own claim, marked sent as soon as the server
    took it. Returns how many rows had which outcome; raises DeliveryDeferred after trying
    them all if any is to be tried again (a retry finds the others done)."""
    outcomes = _send_emails(notification_ids)
    deferred = [error for outcome, error in outcomes.values() if outcome == DEFERRED]
    if deferred:
        raise DeliveryDeferred(f"{len(deferred)} of {len(outcomes)} rows: {deferred[-1]}")
    counts: dict[str, int] = {}
    for outcome, _error in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


DEFERRED = "deferred"
# A batch stops taking rows after this long (a server that times out on every connection),
# well inside the task's time limit; the rest stay pending for the task's retry.
BATCH_SECONDS = 120


@contextmanager
def sender_locks(model, pks: list[int]) -> Iterator[set[int]]:
    """The rows of `pks` whose sender lock (see `sender_lock`, the same keys) this process
    took, held until the block ends: one query for all of them, one to let them go."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id"
            " WHERE pg_try_advisory_lock(hashtextextended(%s || ':' || id::text, 0))",
            [pks, table],
        )
        held = {row[0] for row in cursor.fetchall()}
    try:
        yield held
    finally:
        if held:
            _unlock_many(table, sorted(held))


def _unlock_many(table: str, pks: list[int]) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(hashtextextended(%s || ':' || id::text, 0))"
                " FROM unnest(%s::bigint[]) AS id",
                [table, pks],
            )
    except DatabaseError:
        # The connection is gone, and with its session the locks.
        logger.warning("could not release the sender locks of %s rows", len(pks), exc_info=True)


class _Mailer:
    """One SMTP connection for the emails of a batch: opened at the first send, and again
    after a failed one (whose connection is not trusted any more)."""

    def __init__(self) -> None:
        self.backend = None

    def send(self, message) -> None:
        if self.backend is None:
            backend = get_connection(fail_silently=False)
            # Opened here, the backend keeps it open after each message (send_messages only
            # closes a connection it opened itself).
            backend.open()
            self.backend = backend
        message.connection = self.backend
        try:
            message.send(fail_silently=False)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is None:
            return
        try:
            backend.close()
        except (SMTPException, OSError):
            logger.info("the SMTP connection did not close cleanly", exc_info=True)


def _send_emails(notification_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(outcome, error) for each id: sent, deferred, failed, undeliverable, skipped or
    not-pending (someone else has it, or it is not to be sent)."""
    pks = list(dict.fromkeys(notification_ids))
    outcomes = {pk: ("not-pending", "") for pk in pks}
    with sender_locks(Notification, pks) as held:
        # Read once for the whole batch, before each row's claim: only a claim (under the
        # sender lock this process holds) changes a pending or sending row's attempts, and
        # a failed row is left out here (one a coordinator resets has its own task).
        rows = (
            Notification.objects.select_related("recipient", "recipient__notification_preference")
            .filter(
                pk__in=held,
                status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
            )
            .order_by("attempts", "pk")  # the least tried first, should the batch stop early
        )
        mailer = _Mailer()
        started = time.monotonic()
        try:
            for row in rows:
                if time.monotonic() - started > BATCH_SECONDS:
                    outcomes[row.pk] = (DEFERRED, "the batch ran out of time")
                    continue
                outcomes[row.pk] = _deliver_email(row, mailer)
        finally:
            mailer.close()
    return outcomes


def _preferences(recipient):
    try:
        return recipient.notification_preference
    except NotificationPreference.DoesNotExist:
        return preferences_for(recipient)


def _deliver_email(notification: Notification, mailer: _Mailer) -> tuple[str, str]:
    now = timezone.now()
    mine = claim(Notification, notification.pk, now)
    if mine is None:
        return "not-pending", ""
    notification.attempts += 1  # what the claim counted
    if notification.attempts > settings.NOTIFICATION_MAX_ATTEMPTS:
        # Claimed again and again without an outcome (a worker that dies on this row): give
        # up, so that coordinators see it instead of the sweep taking it back forever.
        mine.update(
            status=Notification.Status.FAILED,
            next_attempt_at=None,
            last_error=notification.last_error or "gave up: the worker was lost on every try",
        )
        return "failed", ""
    recipient = notification.recipient
    if not (recipient.is_active and recipient.email):
        # An erased or deactivated account: there is nobody to write to, and retrying will
        # not change that. The failed row shows coordinators that the message went nowhere.
        mine.update(status=Notification.Status.FAILED, last_error="recipient has no address")
        return "undeliverable", ""
    if not _preferences(recipient).email:
        # Switched off (e.g. unsubscribed) after the row was written.
        mine.update(status=Notification.Status.SKIPPED)
        return "skipped", ""
    try:
        message = render_email(notification)
        unsubscribe = unsubscribe_url(recipient)
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        # RFC 8058: a mail client may unsubscribe with one POST, no page in between.
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    except Exception as exc:
        # A template or configuration fault: retrying will not mend it. Failed rows are
        # shown to coordinators, who send them again once it is fixed.
        logger.exception("notification %s could not be rendered", notification.pk)
        mine.update(status=Notification.Status.FAILED, last_error=f"rendering: {exc!r}"[:2000])
        return "failed", ""
    try:
        mailer.send(message)
    except (SMTPException, OSError) as exc:
        failed = notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        mine.update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            next_attempt_at=None if failed else now + backoff(notification.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning(
            "notification %s: attempt %s failed: %s", notification.pk, notification.attempts, exc
        )
        if failed:
            return "failed", ""
        return DEFERRED, str(exc)
    mine.update(status=Notification.Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent", ""


# --- webhooks ---------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def body_of(delivery: WebhookDelivery) -> bytes:
    # The same bytes on every try, so that a receiver may compare copies.
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked addresses only. `host` stays the URL's host, so the Host header
    names it; the socket goes to an address `addresses.check` approved, never to a fresh
    lookup of the name (whose answer could have changed to an internal one since)."""

    def __init__(self, target: addresses.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self) -> None:
        self.sock = _open_socket(self.target, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses only; SNI and certificate verification are for the
    URL's host name, as if it had been looked up."""

    def __init__(self, target: addresses.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=tls_context())
        self.target = target

    def connect(self) -> None:
        sock = _open_socket(self.target, self.timeout)
        try:
            self.sock = tls_context().wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


@functools.cache
def tls_context() -> ssl.SSLContext:
    # The system's trust store, host name checked, certificate required.
    return ssl.create_default_context()


# At most this many of a name's addresses are tried, one timeout each.
_MAX_ADDRESSES_TRIED = 3


def _open_socket(target: addresses.Target, timeout: float) -> socket.socket:
    error: OSError = ConnectionRefusedError("no address")
    for address in target.addresses[:_MAX_ADDRESSES_TRIED]:
        try:
            return socket.create_connection((address, target.port), timeout)
        except OSError as exc:
            error = exc
    raise error


def failure_reason(exc: BaseException) -> str:
    """A fixed wording for why a try failed. Never the exception's text: it may quote what
    the peer sent (a status line, a server banner, a certificate's names)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS certificate not valid"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "connection closed without an answer"
    if isinstance(exc, ConnectionError):
        return "connection reset"
    if isinstance(exc, http.client.InvalidURL | UnicodeError):
        return "the URL is not an http:// or https:// URL"
    if isinstance(exc, http.client.HTTPException):
        return "not an HTTP answer"
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "address unreachable"
    return "connection failed"


def _post(target: addresses.Target, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once to a checked target: (status code or None, reason or ""). A redirect is a
    failed try like any other answer outside 2xx (it would turn the POST into a GET
    elsewhere); the answer's body is never read."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        code = connection.getresponse().status
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # Only the class goes to the log: the text may quote the peer.
        logger.info("webhook to %s failed: %s", target.host, type(exc).__name__)
        return None, failure_reason(exc)
    finally:
        connection.close()
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def _check_and_post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """Check the URL again (the rules may be newer than the endpoint, and its name may
    resolve elsewhere now), then post to the addresses just checked. A refusal is a failed
    try without a connection."""
    try:
        target = addresses.check(url)
    except addresses.TargetRefused as exc:
        return None, exc.reason
    except OSError as exc:  # the name does not resolve
        return None, failure_reason(exc)
    return _post(target, body, headers)


def deliver_webhook(delivery_id: int) -> str:
    """Post one delivery if nobody else is posting it. Returns what happened; raises
    DeliveryDeferred when another try is due."""
    with sender_lock(WebhookDelivery, delivery_id) as held:
        if not held:
            return "not-pending"
        return _post_delivery(delivery_id)


def _post_delivery(delivery_id: int) -> str:
    now = timezone.now()
    mine = claim(WebhookDelivery, delivery_id, now)
    if mine is None:
        return "not-pending"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.attempts > settings.WEBHOOK_MAX_ATTEMPTS:
        # Claimed again and again without an outcome (a worker that dies on this row).
        mine.update(
            status=WebhookDelivery.Status.FAILED,
            next_attempt_at=None,
            last_error=delivery.last_error or "gave up: the worker was lost on every try",
        )
        return "failed"
    endpoint = delivery.endpoint
    if not endpoint.active:
        mine.update(status=WebhookDelivery.Status.FAILED, last_error="endpoint switched off")
        return "inactive"
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Willkommen-Event": delivery.event,
        "X-Willkommen-Delivery": str(delivery.uuid),
        "X-Willkommen-Timestamp": timestamp,
        "X-Willkommen-Signature": sign(endpoint.secret, timestamp, body),
    }
    started = time.monotonic()
    code, error = _check_and_post(endpoint.url, body, headers)
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=code,
        duration_ms=int((time.monotonic() - started) * 1000),
        error=error,
    )
    if code is not None and 200 <= code < 300:
        mine.update(
            status=WebhookDelivery.Status.SENT,
            delivered_at=timezone.now(),
            last_status_code=code,
            last_error="",
        )
        return "sent"
    failed = delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    mine.update(
        status=WebhookDelivery.Status.FAILED if failed else WebhookDelivery.Status.PENDING,
        next_attempt_at=None if failed else now + backoff(delivery.attempts),
        last_status_code=code,
        last_error=error,
    )
    logger.warning("webhook delivery %s: attempt %s: %s", delivery_id, delivery.attempts, error)
    if failed:
        return "failed"
    raise DeliveryDeferred(error)
