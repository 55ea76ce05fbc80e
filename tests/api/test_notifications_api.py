"""The notifications API: one's preferences and inbox, failed emails for coordinators, and the
webhook URLs an organisation may not register."""

import pytest
from django.urls import reverse

from notifications.delivery import deliver
from notifications.models import Notification, WebhookEndpoint
from notifications.preferences import preferences_for
from notifications.services import notify, send_digests
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.notifications.fake_network import PUBLIC, PUBLIC_V6, network_fixture  # noqa: F401 (fixture "network")
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

PREFS = reverse("api:notification-preferences")
INBOX = reverse("api:inbox")


def _note(user, key: str, **context) -> Notification:
    return notify(
        user,
        "geocoding_failed",
        key,
        {"title": f"Kinderwagen {key}", "address": "Zimmer 12", **context},
    )


# --- preferences -------------------------------------------------------------------------------


def test_preferences_are_read_and_changed(donor):
    client = client_for(donor)
    assert client.get(PREFS).json() | {"updated_at": None} == {
        "email": True,
        "in_app": True,
        "frequency": "instant",
        "updated_at": None,
    }
    put = client.put(PREFS, {"email": True, "in_app": False, "frequency": "daily"}, format="json")
    assert put.status_code == 200 and put.json()["frequency"] == "daily"
    patch = client.patch(PREFS, {"frequency": "instant"}, format="json")
    assert patch.status_code == 200
    assert (patch.json()["in_app"], patch.json()["frequency"]) == (False, "instant")


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("put", {"email": False, "in_app": False, "frequency": "instant"}, "email"),
        ("patch", {"email": False, "in_app": False}, "in_app"),
        ("patch", {"frequency": "hourly"}, "frequency"),
        ("put", {"email": True}, "in_app"),
        ("patch", {"email": "perhaps"}, "email"),
    ],
)
def test_bad_preferences_are_refused_and_change_nothing(donor, method, body, field):
    response = getattr(client_for(donor), method)(PREFS, body, format="json")
    assert response.status_code == 400 and field in response.json()
    preference = preferences_for(donor)
    assert (preference.email, preference.in_app, preference.frequency) == (True, True, "instant")


def test_the_last_channel_cannot_be_switched_off(donor):
    client = client_for(donor)
    assert client.patch(PREFS, {"in_app": False}, format="json").status_code == 200
    refused = client.patch(PREFS, {"email": False}, format="json")
    assert refused.status_code == 400 and "email" in refused.json()
    assert preferences_for(donor).email is True


# --- inbox -------------------------------------------------------------------------------------


def test_the_inbox_lists_own_items_newest_first_with_text(donor, initiative_member):
    first = _note(donor, "a", match_id=41)
    second = _note(donor, "b")
    _note(initiative_member, "someone-else")
    body = client_for(donor).get(INBOX).json()
    assert body["count"] == 2
    items = body["results"]
    assert [item["id"] for item in items] == [second.pk, first.pk]
    assert items[1]["match_id"] == 41 and items[0]["match_id"] is None
    assert "Kinderwagen a" in items[1]["subject"] + items[1]["text"]
    assert items[0]["template"] == "geocoding_failed" and items[0]["read_at"] is None
    assert "someone-else" not in str(body)


def test_read_and_unread(donor):
    first, second = _note(donor, "a"), _note(donor, "b")
    client = client_for(donor)
    assert client.get(reverse("api:inbox-unread-count")).json() == {"unread": 2}
    read = client.post(reverse("api:inbox-read", kwargs={"pk": first.pk}))
    assert read.status_code == 200 and read.json()["read_at"]
    unread = client.get(INBOX, {"unread": "true"}).json()["results"]
    assert [item["id"] for item in unread] == [second.pk]
    assert [i["id"] for i in client.get(INBOX, {"unread": "false"}).json()["results"]] == [first.pk]
    assert client.get(INBOX, {"unread": "maybe"}).status_code == 400
    assert client.post(reverse("api:inbox-read-all")).json() == {"marked": 1}
    assert client.get(reverse("api:inbox-unread-count")).json() == {"unread": 0}


def test_someone_elses_item_is_not_found_and_stays_unread(donor, initiative_member):
    theirs = _note(initiative_member, "theirs")
    response = client_for(donor).post(reverse("api:inbox-read", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    client_for(donor).post(reverse("api:inbox-read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_digest_is_not_an_inbox_item_of_its_own(donor):
    client_for(donor).patch(PREFS, {"frequency": "daily"}, format="json")
    held = _note(donor, "a")
    send_digests()
    assert Notification.objects.filter(template="digest").count() == 1
    items = client_for(donor).get(INBOX).json()["results"]
    assert [item["id"] for item in items] == [held.pk]


# --- failed emails for coordinators ------------------------------------------------------------


def test_smtp_down_fails_after_the_last_try_visible_to_coordinators_then_retried(
    donor, coordinator, initiative_member, sink, settings
):
    from notifications.delivery import DeliveryDeferred

    row = _note(donor, "a")
    settings.EMAIL_PORT = free_port()  # the SMTP server is down
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    with pytest.raises(DeliveryDeferred):
        deliver(row.pk)
    assert deliver(row.pk) == "failed"

    url = reverse("api:notifications-failed")
    assert client_for(initiative_member).get(url).status_code == 403
    response = client_for(coordinator).get(url)
    assert response.status_code == 200
    [failed] = response.json()["results"]
    assert failed == {
        "id": row.pk,
        "recipient": donor.pk,
        "template": "geocoding_failed",
        "status": "failed",
        "attempts": 2,
        "last_error": failed["last_error"],
        "created_at": failed["created_at"],
    }
    assert "refused" in failed["last_error"].lower()
    assert donor.email not in response.content.decode()

    # The server is back; a coordinator tries again.
    settings.EMAIL_PORT = sink.port
    retry = client_for(coordinator).post(reverse("api:notification-retry", kwargs={"pk": row.pk}))
    assert retry.status_code == 200 and retry.json()["status"] == "pending"
    assert deliver(row.pk) == "sent" and len(sink.received()) == 1
    again = client_for(coordinator).post(reverse("api:notification-retry", kwargs={"pk": row.pk}))
    assert again.status_code == 400 and "status" in again.json()


def test_an_address_quoted_in_an_smtp_error_is_not_shown(coordinator):
    user = UserFactory(username="refused", email="refused@example.org")
    Notification.objects.create(
        recipient=user,
        template="geocoding_failed",
        language="de",
        idempotency_key="x",
        status="failed",
        last_error="SMTPRecipientsRefused: {'refused@example.org': (550, b'unknown')}",
    )
    response = client_for(coordinator).get(reverse("api:notifications-failed"))
    assert "refused@example.org" not in response.content.decode()
    assert "550" in response.content.decode()


# --- webhook URLs that would reach the platform's own network ----------------------------------

REFUSED_ADDRESSES = [
    # loopback, also as a name (RFC 6761) and in IPv6
    "http://127.0.0.1/hooks",
    "http://127.0.0.1:5432/",
    "http://127.8.9.10/hooks",
    "http://[::1]/hooks",
    "http://localhost/hooks",
    "http://LOCALHOST./hooks",
    "https://api.localhost/hooks",
    # IPv4 inside IPv6: mapped, compatible, 6to4, NAT64
    "http://[::ffff:127.0.0.1]/hooks",
    "http://[::ffff:7f00:1]/hooks",
    "http://[::ffff:10.0.0.1]/hooks",
    "http://[::127.0.0.1]/hooks",
    "http://[2002:7f00:1::1]/hooks",
    "http://[64:ff9b::a00:1]/hooks",
    # decimal, octal, hex and short IPv4 spellings
    "http://2130706433/hooks",
    "http://0177.0.0.1/hooks",
    "http://0x7f.1/hooks",
    "http://0x7f000001/hooks",
    "http://127.1/hooks",
    # private (RFC 1918) and unique local
    "http://10.0.0.1/hooks",
    "http://172.16.5.4/hooks",
    "http://192.168.1.1/hooks",
    "http://[fd12:3456:789a::1]/hooks",
    # link-local, and the cloud metadata services
    "http://169.254.1.1/hooks",
    "http://[fe80::1]/hooks",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
    "http://192.0.0.192/opc/v2/instance/",
    # shared address space (carrier-grade NAT)
    "http://100.64.0.1/hooks",
    # unspecified and "this network"
    "http://0.0.0.0/hooks",
    "http://0.1.2.3/hooks",
    "http://[::]/hooks",
    # multicast, broadcast and reserved
    "http://224.0.0.1/hooks",
    "http://[ff02::1]/hooks",
    "http://255.255.255.255/hooks",
    "http://240.0.0.1/hooks",
    # documentation and benchmarking
    "http://192.0.2.1/hooks",
    "http://198.51.100.7/hooks",
    "http://203.0.113.9/hooks",
    "http://198.18.0.1/hooks",
    "http://[2001:db8::1]/hooks",
    # names whose DNS answers are internal (one of several is enough)
    "https://intranet.example.net/hooks",
    "https://loopback.example.net/hooks",
    "https://mixed.example.net/hooks",
    "https://v6.example.net/hooks",
    "https://metadata.example.net/hooks",
]


def _webhooks_api(initiative) -> str:
    return reverse("api:organisation-webhooks", kwargs={"pk": initiative.pk})


@pytest.fixture
def internal_names(network, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    network.name("intranet.example.net", ["10.1.2.3"])
    network.name("loopback.example.net", ["127.0.0.1"])
    network.name("mixed.example.net", [PUBLIC, "10.0.0.1"])
    network.name("v6.example.net", [PUBLIC_V6, "::1"])
    network.name("metadata.example.net", ["169.254.169.254"])
    network.name("hooks.example.net", [PUBLIC, PUBLIC_V6])
    return network


@pytest.mark.parametrize("url", REFUSED_ADDRESSES)
def test_a_webhook_to_an_address_that_is_not_public_is_refused(
    initiative, initiative_member, internal_names, url
):
    response = client_for(initiative_member).post(
        _webhooks_api(initiative), {"url": url}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, url
    [message] = response.json()["url"]
    assert "not allowed" in message and "public" in message, message
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@hooks.example.net/hooks",
        "https://user@hooks.example.net/hooks",
        "https://:pw@hooks.example.net/hooks",
        "https://hooks.example.net@127.0.0.1/hooks",
    ],
)
def test_a_webhook_url_with_a_user_name_or_password_is_refused(
    initiative, initiative_member, internal_names, url
):
    response = client_for(initiative_member).post(
        _webhooks_api(initiative), {"url": url}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    [message] = response.json()["url"]
    assert "user name or password" in message
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.net/hooks", True),
        ("http://hooks.example.net/hooks", True),
        ("https://hooks.example.net:8443/hooks", True),
        (f"http://{PUBLIC}:3000/hooks", True),
        (f"http://[{PUBLIC_V6}]:8080/hooks", True),
        ("https://hooks.example.net:22/hooks", False),
        ("https://hooks.example.net:25/hooks", False),
        ("https://hooks.example.net:8/hooks", False),
        (f"http://{PUBLIC}:5432/", False),
        (f"http://{PUBLIC}:6379/", False),
        (f"http://{PUBLIC}:2375/", False),
        (f"http://{PUBLIC}:27017/", False),
    ],
)
def test_webhook_ports_are_80_443_or_unprivileged_but_not_internal_services(
    initiative, initiative_member, internal_names, url, allowed
):
    response = client_for(initiative_member).post(
        _webhooks_api(initiative), {"url": url}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    if allowed:
        assert response.status_code == 201, response.json()
        assert WebhookEndpoint.objects.get().url == url
    else:
        assert response.status_code == 400
        [message] = response.json()["url"]
        assert "Port" in message
        assert not WebhookEndpoint.objects.exists()


def test_a_public_address_in_ipv6_forms_is_allowed(initiative, initiative_member, internal_names):
    client = client_for(initiative_member)
    for url in (
        f"http://[::ffff:{PUBLIC}]/hooks",
        "http://[64:ff9b::5db8:d822]/hooks",
        "http://[2002:5db8:d822::1]/hooks",
    ):
        assert client.post(_webhooks_api(initiative), {"url": url}, format="json").status_code == (
            201
        ), url
