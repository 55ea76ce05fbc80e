"""Webhooks: an organisation's events posted to its endpoints, signed, retried, logged.

`emit_webhook` writes one delivery per active endpoint in the caller's transaction; the task
`deliver_webhook` posts it after commit with the same conditional claim and backoff as emails.
The receiver checks `X-Willkommen-Signature` = "sha256=" + hex HMAC-SHA256 of
"<X-Willkommen-Timestamp>.<body>" with the endpoint's secret, and drops a copy whose
`X-Willkommen-Delivery` it has seen (a retry after a lost answer carries the same id).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from base.errors import ApplicationError
from notifications import addresses, tasks
from notifications.delivery import reset_failed
from notifications.models import WebhookDelivery, WebhookEndpoint

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


# --- endpoints ---------------------------------------------------------------------------------


def create_endpoint(
    organisation: Organisation, *, url: str, events: list[str] | None = None, actor: User
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret. Only http(s) URLs to public internet addresses
    (see `notifications.addresses`) and known event names."""
    check_target(url)
    events = list(events or [])
    unknown = sorted(set(events) - set(EVENTS))
    if unknown:
        raise ApplicationError(
            {"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    return WebhookEndpoint.objects.create(
        organisation=organisation, url=url, events=events, created_by=actor
    )


def check_target(url: str) -> None:
    """Refuse a URL the platform will not post to, with a message on "url". A name that
    does not resolve (yet) is accepted: every delivery resolves and checks it again."""
    try:
        target = addresses.parse(url)
        URLValidator(schemes=["http", "https"])(url)
        addresses.resolved(target)
    except addresses.TargetRefused as exc:
        raise ApplicationError({"url": _refusal_message(exc)}) from exc
    except ValidationError as exc:
        raise ApplicationError({"url": _("Enter an http:// or https:// URL.")}) from exc
    except OSError:
        pass


def _refusal_message(refused: addresses.TargetRefused) -> str:
    if refused.kind == "credentials":
        return _(
            "A webhook URL may not contain a user name or password; receivers check the "
            "signature instead."
        )
    if refused.kind == "port":
        return _(
            "Port %(port)s is not allowed: use 80, 443 or a port from 1024 on that is not a "
            "database, cache or cluster service."
        ) % {"port": refused.port}
    if refused.kind == "address":
        if refused.address:
            return _(
                "The address %(address)s is not allowed: webhooks go to public internet "
                "addresses only, not to loopback, private, link-local, shared or reserved ones."
            ) % {"address": refused.address}
        return _(
            "%(host)s is not allowed: its address is not a public internet address (loopback, "
            "private, link-local, shared or reserved)."
        ) % {"host": refused.host}
    return _("Enter an http:// or https:// URL.")


def emit_webhook(
    organisation: Organisation | None, event: str, payload: dict, key: str
) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the organisation that wants the event, written in
    the caller's transaction and posted after commit. The same key twice: the same
    deliveries."""
    if organisation is None:
        return []
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(organisation=organisation, active=True):
        if not endpoint.wants(event):
            continue
        delivery, created = WebhookDelivery.objects.get_or_create(
            idempotency_key=f"{key}:endpoint-{endpoint.pk}",
            defaults={"endpoint": endpoint, "event": event, "payload": payload},
        )
        if created:
            transaction.on_commit(lambda pk=delivery.pk: tasks.deliver_webhook.delay(pk))
        deliveries.append(delivery)
    return deliveries


def retry_delivery(delivery_id: int) -> WebhookDelivery:
    """A coordinator tries a failed delivery again: pending, with a fresh set of attempts."""
    return reset_failed(WebhookDelivery, delivery_id, tasks.deliver_webhook.delay)


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
