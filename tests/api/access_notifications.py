"""Access rows for one's notification preferences and inbox, an organisation's webhooks, and
what coordinators see of failed deliveries.

Everyone sees only their own inbox (someone else's item: 404); only admins of an organisation
manage its webhooks; only coordinators see failures, and never a recipient's address in them.
Nobody reads an endpoint's secret back after it was created.
"""

from notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from tests.api.access import Call, Row, World, roles

SECRET_TITLE = "Kinderwagen für Zimmer 12"
REFUSED = "SMTPRecipientsRefused: {'member@example.org': (550, b'no such user')}"
LOGGED_IN = roles(200, anonymous=401)
ADMINS = roles(403, anonymous=401, member=200)
COORDINATORS = roles(403, anonymous=401, coordinator=200)


def _note(world: World, **fields) -> Notification:
    member = world.users["member"]
    return Notification.objects.create(
        recipient=member,
        template="geocoding_failed",
        language="de",
        context={"title": SECRET_TITLE, "address": "Zimmer 12"},
        idempotency_key=f"access:{member.pk}:{Notification.objects.count()}",
        **fields,
    )


def _inbox(world: World) -> Call:
    _note(world)
    return Call()


def _read(world: World) -> Call:
    return Call(kwargs={"pk": _note(world).pk})


def _failed(world: World) -> Call:
    return Call(kwargs={"pk": _note(world, status="failed", last_error=REFUSED).pk})


def _failed_list(world: World) -> Call:
    _failed(world)
    return Call()


def _endpoint(world: World) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        organisation=world.initiative, url="https://grünau.example/hooks"
    )


def _endpoints(world: World) -> Call:
    _endpoint(world)
    return Call(kwargs={"pk": world.initiative.pk})


def _new_endpoint(world: World) -> Call:
    return Call(kwargs={"pk": world.initiative.pk}, body={"url": "https://example.org/hook"})


def _endpoint_call(world: World) -> Call:
    return Call(kwargs={"pk": world.initiative.pk, "wid": _endpoint(world).pk})


def _delivery(world: World) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=_endpoint(world),
        event="match.offered",
        payload={"event": "match.offered", "match": {"id": 1}},
        idempotency_key=f"access:{WebhookDelivery.objects.count()}",
        status="failed",
        last_status_code=500,
    )


def _deliveries(world: World) -> Call:
    _delivery(world)
    return Call()


def _delivery_retry(world: World) -> Call:
    return Call(kwargs={"pk": _delivery(world).pk})


def _title(world: World) -> list[str]:
    return [SECRET_TITLE]


def _address(world: World) -> list[str]:
    return ["member@example.org", world.users["member"].email]


def _secrets(world: World) -> list[str]:
    return list(WebhookEndpoint.objects.values_list("secret", flat=True))


ROWS = [
    Row("notification-preferences", "get", lambda w: Call(), LOGGED_IN),
    Row(
        "notification-preferences",
        "put",
        lambda w: Call(body={"email": True, "in_app": True, "frequency": "daily"}),
        LOGGED_IN,
    ),
    Row("notification-preferences", "patch", lambda w: Call(body={"email": False}), LOGGED_IN),
    Row("inbox", "get", _inbox, LOGGED_IN, exact_for={"member"}, exact_markers=_title),
    Row("inbox-unread-count", "get", _inbox, LOGGED_IN),
    Row(
        "inbox-read",
        "post",
        _read,
        roles(404, anonymous=401, member=200),
        exact_for={"member"},
        exact_markers=_title,
    ),
    Row("inbox-read-all", "post", _inbox, LOGGED_IN),
    Row("organisation-webhooks", "get", _endpoints, ADMINS, exact_markers=_secrets),
    Row("organisation-webhooks", "post", _new_endpoint, roles(403, anonymous=401, member=201)),
    Row(
        "organisation-webhook-detail",
        "delete",
        _endpoint_call,
        roles(403, anonymous=401, member=204),
    ),
    Row(
        "organisation-webhook-deliveries",
        "get",
        lambda w: Call(kwargs={"pk": w.initiative.pk, "wid": _delivery(w).endpoint_id}),
        ADMINS,
        exact_markers=_secrets,
    ),
    Row("notifications-failed", "get", _failed_list, COORDINATORS, exact_markers=_address),
    Row("notification-retry", "post", _failed, COORDINATORS, exact_markers=_address),
    Row("webhook-deliveries", "get", _deliveries, COORDINATORS, exact_markers=_secrets),
    Row("webhook-delivery-retry", "post", _delivery_retry, COORDINATORS),
]
