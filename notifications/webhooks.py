"""Webhooks: an organisation's events posted to its endpoints, signed, retried, logged.

`emit_webhook` writes one delivery per active endpoint in the caller's transaction; the task
`deliver_webhook` posts it after commit with the same conditional claim and backoff as emails.
The receiver checks `X-Willkommen-Signature` = "sha256=" + hex HMAC-SHA256 of
"<X-Willkommen-Timestamp>.<body>" with the endpoint's secret, and drops a copy whose
`X-Willkommen-Delivery` it has seen (a retry after a lost answer carries the same id).
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.services import DeliveryDeferred, backoff, claim, reset_failed

logger = logging.getLogger(__name__)

EVENTS = (
    "match.offered",
    "match.accepted",
    "match.declined",
    "match.expired",
    "match.cancelled",
    "match.fulfilled",
    "match.message",
    "need.handed_over",
)
USER_AGENT = "Willkommen-Webhooks/1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def body_of(delivery: WebhookDelivery) -> bytes:
    # The same bytes on every try, so that a receiver may compare copies.
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


# --- endpoints ---------------------------------------------------------------------------------


def create_endpoint(
    organisation: Organisation, *, url: str, events: list[str] | None = None, actor: User
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret. Only http(s) URLs and known event names."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter an http:// or https:// URL.")}) from exc
    events = list(events or [])
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ValidationError(
            {"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return WebhookEndpoint.objects.create(
        organisation=organisation, url=url, events=events, created_by=actor
    )


def emit_webhook(
    organisation: Organisation | None, event: str, payload: dict, key: str
) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the organisation that wants the event, written in
    the caller's transaction and posted after commit. The same key twice: the same
    deliveries."""
    if organisation is None:
        return []
    from workers.tasks import deliver_webhook

    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(organisation=organisation, active=True):
        if not endpoint.wants(event):
            continue
        delivery, created = WebhookDelivery.objects.get_or_create(
            idempotency_key=f"{key}:endpoint-{endpoint.pk}",
            defaults={"endpoint": endpoint, "event": event, "payload": payload},
        )
        if created:
            transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
        deliveries.append(delivery)
    return deliveries


def retry_delivery(delivery_id: int) -> WebhookDelivery:
    """A coordinator tries a failed delivery again: pending, with a fresh set of attempts."""
    from workers.tasks import deliver_webhook

    return reset_failed(WebhookDelivery, delivery_id, deliver_webhook.delay)


# --- delivery ----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET elsewhere: count it as a failed try instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once: (status code or None, error text or "")."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}"
    except (OSError, http.client.HTTPException) as exc:  # refused, timeout, reset, garbage
        reason = getattr(exc, "reason", None) or exc
        return None, f"{type(exc).__name__}: {reason}"[:2000]


def deliver_webhook(delivery_id: int) -> str:
    """Post one delivery if nobody else is posting it. Returns what happened; raises
    DeliveryDeferred when another try is due."""
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
    code, error = _post(endpoint.url, body, headers)
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


def due_deliveries(now=None) -> list[int]:
    """Deliveries the queue may have lost: pending and due, or claimed by a dead worker."""
    now = now or timezone.now()
    settled = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    abandoned = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    return list(
        WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING, created_at__lt=settled)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            | Q(status=WebhookDelivery.Status.SENDING, claimed_at__lt=abandoned)
        ).values_list("pk", flat=True)[:1000]
    )
