"""Webhooks never reach the platform's own network: every delivery checks the URL again,
connects only to the addresses it checked, and its log keeps a status code and a fixed reason,
never what a failed target sent back."""

import importlib
import ipaddress
import ssl
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from base.errors import ApplicationError
from notifications import delivery as delivery_module
from notifications.addresses import forbidden
from notifications.delivery import DeliveryDeferred, deliver_webhook
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.webhooks import create_endpoint, emit_webhook
from tests.conftest import client_for
from tests.notifications.fake_network import PUBLIC, network_fixture  # noqa: F401 (fixture "network")
from tests.notifications.webhook_receiver import BannerService, Receiver

pytestmark = pytest.mark.django_db

PAYLOAD = {"event": "match.offered", "match": {"id": 7}}
CERTIFICATE = str(Path(__file__).with_name("tls") / "hooks.example.net.pem")


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def strict(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOK_MAX_ATTEMPTS = 8


def _deliver_once(initiative, url: str) -> WebhookDelivery:
    """A delivery to an endpoint stored as it is (as one registered before the rules was),
    tried once; the try must fail."""
    WebhookEndpoint.objects.create(organisation=initiative, url=url)
    [delivery] = emit_webhook(initiative, "match.offered", PAYLOAD, f"key:{url}")
    with pytest.raises(DeliveryDeferred):
        deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- refused at delivery -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/hooks", "the address 127.0.0.1 is not allowed"),
        ("http://2130706433:{port}/hooks", "the address 127.0.0.1 is not allowed"),
        ("http://0x7f.1:{port}/hooks", "the address 127.0.0.1 is not allowed"),
        (
            "http://[::ffff:127.0.0.1]:{port}/hooks",
            # (spelt ::ffff:7f00:1 or ::ffff:127.0.0.1, depending on Python's version)
            f"the address {ipaddress.ip_address('::ffff:127.0.0.1')} is not allowed",
        ),
        ("http://localhost:{port}/hooks", "the address of localhost is not allowed"),
        (
            "http://user:pw@127.0.0.1:{port}/hooks",
            "a user name or password in the URL is not allowed",
        ),
    ],
)
def test_an_endpoint_stored_before_the_rules_is_not_contacted(
    initiative, receiver, strict, url, reason
):
    delivery = _deliver_once(initiative, url.format(port=receiver.port))
    assert receiver.connections == 0 and receiver.received == []
    [attempt] = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.error) == (None, reason)
    assert delivery.status == "pending" and delivery.last_error == reason
    assert delivery.last_status_code is None


def test_a_name_that_resolves_to_loopback_after_registration_is_not_contacted(
    initiative, initiative_member, receiver, strict, network
):
    host = "hooks.example.net"
    network.name(host, [PUBLIC])
    endpoint = create_endpoint(
        initiative, url=f"http://{host}:{receiver.port}/hooks", actor=initiative_member
    )
    # The attacker's DNS now answers with the platform's own loopback (DNS rebinding).
    network.name(host, ["127.0.0.1"])
    [delivery] = emit_webhook(initiative, "match.offered", PAYLOAD, "rebind")
    with pytest.raises(DeliveryDeferred):
        deliver_webhook(delivery.pk)
    assert receiver.connections == 0
    delivery.refresh_from_db()
    [attempt] = delivery.attempt_log.all()
    assert attempt.error == f"the address of {host} is not allowed"
    assert "127.0.0.1" not in attempt.error  # what the resolver knows is not told
    assert delivery.endpoint == endpoint

    # Several answers, one of them internal: refused as well.
    network.name(host, [PUBLIC, "127.0.0.1"])
    with pytest.raises(DeliveryDeferred):
        deliver_webhook(_retried(delivery).pk)
    assert receiver.connections == 0 and network.connects == []


def _retried(delivery: WebhookDelivery) -> WebhookDelivery:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending", next_attempt_at=None)
    return delivery


def test_the_connection_goes_to_the_address_checked_not_to_a_new_answer(
    initiative, strict, network
):
    """The name answers a public address once, then loopback: a sender that checks and then
    connects by name would reach the internal service."""
    host = "hooks.example.net"
    with Receiver() as public_server, Receiver() as internal_service:
        port = internal_service.port
        network.name(host, [PUBLIC], ["127.0.0.1"])
        network.route(PUBLIC, port, ("127.0.0.1", public_server.port))
        WebhookEndpoint.objects.create(organisation=initiative, url=f"http://{host}:{port}/hooks")
        [delivery] = emit_webhook(initiative, "match.offered", PAYLOAD, "pinned")
        assert deliver_webhook(delivery.pk) == "sent"
        assert internal_service.connections == 0
        [request] = public_server.received
        assert request["headers"]["Host"] == f"{host}:{port}"
        assert network.lookups == [host] and network.connects == [(PUBLIC, port)]


@pytest.fixture
def tls_server():
    with Receiver() as server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(CERTIFICATE)
        server.sni = []
        context.sni_callback = lambda sock, name, ctx: server.sni.append(name)
        server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
        yield server


def test_https_verifies_the_certificate_for_the_host_name_at_the_checked_address(
    initiative, strict, network, tls_server, monkeypatch
):
    network.name("hooks.example.net", [PUBLIC])
    network.name("other.example.net", [PUBLIC])
    network.route(PUBLIC, 8443, ("127.0.0.1", tls_server.port))

    # The system's trust store does not know this self-signed certificate.
    untrusted = _deliver_once(initiative, "https://hooks.example.net:8443/hooks")
    assert untrusted.last_error == "TLS certificate not valid"
    assert tls_server.sni == ["hooks.example.net"] and tls_server.received == []
    assert delivery_module.tls_context().check_hostname
    assert delivery_module.tls_context().verify_mode == ssl.CERT_REQUIRED

    # Trusted, it is valid for hooks.example.net (not for the address connected to) …
    trusting = ssl.create_default_context(cafile=CERTIFICATE)
    monkeypatch.setattr(delivery_module, "tls_context", lambda: trusting)
    WebhookEndpoint.objects.all().delete()
    WebhookEndpoint.objects.create(
        organisation=initiative, url="https://hooks.example.net:8443/hooks"
    )
    [delivery] = emit_webhook(initiative, "match.offered", PAYLOAD, "tls")
    assert deliver_webhook(delivery.pk) == "sent"
    [request] = tls_server.received
    assert request["headers"]["Host"] == "hooks.example.net:8443"

    # … and for no other name that resolves to the same address.
    WebhookEndpoint.objects.all().delete()
    other = _deliver_once(initiative, "https://other.example.net:8443/hooks")
    assert other.last_error == "TLS certificate not valid" and len(tls_server.received) == 1
    assert all(host == PUBLIC for host, _ in network.connects)


def test_a_path_with_spaces_or_umlauts_is_sent_percent_encoded(initiative, settings, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    WebhookEndpoint.objects.create(
        organisation=initiative, url=f"{receiver.url}/grünau eins?token=a%20b&x=ä"
    )
    [delivery] = emit_webhook(initiative, "match.offered", PAYLOAD, "path")
    assert deliver_webhook(delivery.pk) == "sent"
    [request] = receiver.received
    assert request["path"] == "/hooks/gr%C3%BCnau%20eins?token=a%20b&x=%C3%A4"


# --- what the log keeps ------------------------------------------------------------------------

BANNERS = [
    b"SSH-2.0-OpenSSH_9.2p1 SECRET-BANNER\r\n",
    b"-ERR unknown command 'POST', SECRET-BANNER\r\n",
    b"220 mail.internal ESMTP SECRET-BANNER\r\n",
    b"HTTP/1.1 SECRET-BANNER\r\n\r\n",
]


@pytest.mark.parametrize("banner", BANNERS)
def test_the_log_never_quotes_what_a_failed_target_sent(
    initiative, initiative_member, coordinator, settings, banner
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # a local stand-in for a public target
    with BannerService(banner) as service:
        delivery = _deliver_once(initiative, service.url)
        assert service.connections == 1
    _assert_no_banner(delivery, initiative, initiative_member, coordinator)
    assert delivery.last_error in {
        "not an HTTP answer",
        "connection closed without an answer",
        "connection reset",
    }


def test_a_500_with_a_banner_in_its_reason_and_body_is_logged_as_its_code(
    initiative, initiative_member, coordinator, settings, receiver
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    receiver.status, receiver.reason = 500, "SECRET-BANNER"
    receiver.body = b"SECRET-BANNER: PostgreSQL 15.4 on x86_64-pc-linux-gnu"
    delivery = _deliver_once(initiative, receiver.url)
    [attempt] = delivery.attempt_log.all()
    assert (attempt.status_code, attempt.error) == (500, "HTTP 500")
    _assert_no_banner(delivery, initiative, initiative_member, coordinator)


def _assert_no_banner(delivery, initiative, initiative_member, coordinator) -> None:
    assert all("SECRET" not in a.error for a in delivery.attempt_log.all())
    assert "SECRET" not in delivery.last_error
    coordinators = client_for(coordinator).get(reverse("api:webhook-deliveries"))
    log = client_for(initiative_member).get(
        reverse(
            "api:organisation-webhook-deliveries",
            kwargs={"pk": initiative.pk, "wid": delivery.endpoint_id},
        )
    )
    assert coordinators.status_code == log.status_code == 200
    assert "SECRET" not in coordinators.content.decode() + log.content.decode()


def test_a_name_that_does_not_resolve_is_a_failed_try(initiative, strict, network):
    delivery = _deliver_once(initiative, "https://gone.example.net/hooks")
    assert delivery.last_error == "host name not found" and network.connects == []


# --- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        PUBLIC,
        "2a00:1450:4001:81b::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses_are_allowed(address):
    assert not forbidden(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        *("127.0.0.1", "::1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "fc00::1"),
        *("169.254.0.1", "fe80::1", "fe80::1%eth0", "fec0::1", "100.64.0.1", "100.127.255.254"),
        *("0.0.0.0", "::", "224.0.0.251", "ff02::1", "240.0.0.1", "255.255.255.255"),
        *("192.0.2.1", "198.51.100.1", "203.0.113.1", "198.18.0.1", "2001:db8::1", "192.0.0.8"),
        *("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "192.0.0.192"),
        *("::ffff:127.0.0.1", "::ffff:192.168.1.1", "::127.0.0.1", "2002:a00:1::1"),
        *("64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2001::1", "100::1"),
    ],
)
def test_addresses_that_are_not_public_are_forbidden(address):
    assert forbidden(ipaddress.ip_address(address))


def test_the_development_switch_lets_private_targets_through_but_not_metadata_or_credentials(
    initiative, initiative_member, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    create_endpoint(initiative, url="http://127.0.0.1:8000/hooks", actor=initiative_member)
    create_endpoint(initiative, url="http://localhost:8000/hooks", actor=initiative_member)
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://user:pw@127.0.0.1:8000/hooks",
        "http://127.0.0.1:6379/",
    ):
        with pytest.raises(ApplicationError) as refused:
            create_endpoint(initiative, url=url, actor=initiative_member)
        assert "url" in refused.value.errors, url
    assert WebhookEndpoint.objects.count() == 2


# --- what older versions logged ----------------------------------------------------------------

scrub = importlib.import_module("notifications.migrations.0003_webhook_errors_without_replies")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("BadStatusLine: SSH-2.0-OpenSSH_9.2p1 SECRET-BANNER\r\n", "not an HTTP answer"),
        ("BadStatusLine: -ERR unknown command 'POST' SECRET-BANNER", "not an HTTP answer"),
        ("URLError: [Errno 111] Connection refused", "connection refused"),
        ("URLError: timed out", "timed out"),
        ("TimeoutError: The read operation timed out", "timed out"),
        (
            "RemoteDisconnected: Remote end closed connection without response",
            "connection closed without an answer",
        ),
        ("ConnectionResetError: [Errno 104] Connection reset by peer", "connection reset"),
        ("URLError: [SSL: CERTIFICATE_VERIFY_FAILED] SECRET-BANNER", "TLS certificate not valid"),
        ("URLError: [SSL: WRONG_VERSION_NUMBER] wrong version number", "TLS error"),
        ("URLError: [Errno -2] Name or service not known", "host name not found"),
        ("URLError: [Errno 101] Network is unreachable", "address unreachable"),
        ("LineTooLong: got more than 65536 bytes SECRET-BANNER", "not an HTTP answer"),
        ("InvalidURL: SECRET-BANNER", "connection failed"),
        ("HTTP 500", "HTTP 500"),
        ("endpoint switched off", "endpoint switched off"),
        ("", ""),
    ],
)
def test_errors_logged_by_older_versions_keep_only_a_reason(initiative, stored, shown):
    endpoint = WebhookEndpoint.objects.create(organisation=initiative, url="https://a.example/h")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="match.offered", idempotency_key="old", last_error=stored
    )
    attempt = WebhookAttempt.objects.create(delivery=delivery, error=stored)
    scrub.scrub_errors(django_apps, None)
    delivery.refresh_from_db()
    attempt.refresh_from_db()
    assert delivery.last_error == shown and attempt.error == shown
