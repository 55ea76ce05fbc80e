"""The front door in one process (issue 12): lockout of accounts and clients on the web, the
admin's and the API's sign-in, whatever X-Forwarded-For says; its end by the window and by a
password reset; /healthz for the public and for staff; the content policy and the
Permissions-Policy; throttles that count atomically in Redis. tests/e2e/test_front_door.py
does the same across two real web processes."""

import re
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient, APIRequestFactory

from accounts.models import Role
from api.throttles import LoginRateThrottle
from tests.factories import UserFactory
from tests.web.fixtures import PASSWORD, verified_login
from web import health

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    """Throttles count in the shared test Redis: start each test from zero, and with a small
    lockout limit."""
    cache.clear()
    settings.AXES_FAILURE_LIMIT = LIMIT
    yield
    cache.clear()


@pytest.fixture
def person(db):
    return UserFactory(username="nadia", email="nadia@example.org", preferred_language="de")


def web_login(client: Client, username: str, password: str, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


def rotating_forwarded_for() -> dict:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}


# --- lockout ---------------------------------------------------------------------------------


def test_the_web_sign_in_locks_an_account_after_the_limit_even_with_the_right_password(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    for _ in range(LIMIT - 1):
        response = web_login(client, "nadia", "wrong password", **rotating_forwarded_for())
        assert response.status_code == 200  # the form again, with its error
    response = web_login(client, "nadia", "wrong password", **rotating_forwarded_for())
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()

    response = web_login(client, "nadia", PASSWORD, **rotating_forwarded_for())
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_unknown_account_is_locked_with_the_same_words(person):
    """No account enumeration: a name nobody has is refused exactly like a real one."""
    answers = {}
    for username in ("nadia", "nobody-has-this-name"):
        cache.clear()
        AccessAttempt.objects.all().delete()
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        for _ in range(LIMIT):
            response = web_login(client, username, "wrong password")
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        answers[username] = (response.status_code, page)
    assert answers["nadia"] == answers["nobody-has-this-name"]
    assert answers["nadia"][0] == 429


def test_a_client_is_locked_across_accounts_and_forwarded_for_does_not_hide_it(person):
    UserFactory(username="other")
    client = Client()
    for n in range(LIMIT):
        response = web_login(client, f"guess-{n}", "wrong", **rotating_forwarded_for())
    assert response.status_code == 429
    # Another account from the same client: refused, the address is locked.
    assert web_login(client, "other", PASSWORD, **rotating_forwarded_for()).status_code == 429
    # The same account from another address: fine, only the client is locked.
    other_client = Client(REMOTE_ADDR="203.0.113.9")
    assert web_login(other_client, "other", PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="other")
    client = Client()  # REMOTE_ADDR 127.0.0.1: the proxy
    for n in range(LIMIT):
        web_login(client, f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
    locked = AccessAttempt.objects.values_list("ip_address", flat=True).distinct()
    assert list(locked) == ["198.51.100.7"]
    # Another client behind the same proxy signs in; the guessing one stays locked out.
    fine = web_login(client, "other", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert fine.status_code == 302
    refused = web_login(Client(), "other", PASSWORD, HTTP_X_FORWARDED_FOR="x, 198.51.100.7")
    assert refused.status_code == 429


def test_each_forwarded_address_still_counts_against_the_account(person, settings):
    """A botnet behind our proxy, one address per try: the account is locked all the same."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(LIMIT):
        response = web_login(Client(), "nadia", "wrong", **rotating_forwarded_for())
    assert response.status_code == 429
    assert web_login(Client(), "nadia", PASSWORD, **rotating_forwarded_for()).status_code == 429


def test_the_admin_sign_in_counts_and_locks(person):
    client = Client()
    for _ in range(LIMIT):
        response = client.post(
            "/admin/login/", {"username": "nadia", "password": "wrong", "next": "/admin/"}
        )
    assert response.status_code == 429
    assert web_login(Client(REMOTE_ADDR="203.0.113.9"), "nadia", PASSWORD).status_code == 429


def test_the_api_token_sign_in_counts_and_answers_429_in_the_clients_language(person):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="uk")
    for _ in range(LIMIT - 1):
        response = client.post("/api/v1/auth/token/", {"username": "nadia", "password": "x"})
        assert response.status_code == 400
    response = client.post("/api/v1/auth/token/", {"username": "nadia", "password": "x"})
    assert response.status_code == 429
    assert "Забагато невдалих спроб входу" in response.json()["detail"]
    right = client.post("/api/v1/auth/token/", {"username": "nadia", "password": PASSWORD})
    assert right.status_code == 429
    assert "token" not in right.json()
    # The web sign-in of the account is locked too: one count for every door.
    assert web_login(Client(REMOTE_ADDR="203.0.113.9"), "nadia", PASSWORD).status_code == 429


def test_the_lockout_ends_with_its_window(person, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(LIMIT):
        web_login(Client(), "nadia", "wrong")
    assert web_login(Client(), "nadia", PASSWORD).status_code == 429
    # Tries during the lockout do not prolong it: the last counted failure sets the window.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert web_login(Client(), "nadia", PASSWORD).status_code == 302


def test_a_password_reset_by_email_ends_the_accounts_lockout(person, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _ in range(LIMIT):
        web_login(Client(), "nadia", "wrong")
    assert web_login(Client(REMOTE_ADDR="203.0.113.9"), "nadia", PASSWORD).status_code == 429

    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="de")
    assert client.get("/password-reset/").status_code == 200
    response = client.post("/password-reset/", {"email": "nadia@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "Lindenauer Markt am Abend",
            "new_password2": "Lindenauer Markt am Abend",
        },
    )
    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(username="nadia").exists()
    assert web_login(Client(), "nadia", "Lindenauer Markt am Abend").status_code == 302


# --- throttles: one count for all processes, atomically ---------------------------------------


def test_the_login_throttle_admits_exactly_its_rate_to_a_parallel_burst():
    """Each of 40 threads asks at once (a barrier releases them together); DRF's own
    read-append-write let many more than the rate through. The slots are claimed with an
    atomic "set if absent" in Redis, which another web process would share."""
    LoginRateThrottle.THROTTLE_RATES = {"login": "10/hour"}
    try:
        request = APIRequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="192.0.2.44")
        barrier = threading.Barrier(40)
        allowed = []

        def ask():
            throttle = LoginRateThrottle()
            barrier.wait()
            allowed.append(throttle.allow_request(request, None))

        threads = [threading.Thread(target=ask) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert allowed.count(True) == 10
        throttle = LoginRateThrottle()
        assert throttle.allow_request(request, None) is False
        assert 0 < throttle.wait() <= 3600
    finally:
        del LoginRateThrottle.THROTTLE_RATES


def test_throttles_and_counters_live_in_redis(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


# --- /healthz --------------------------------------------------------------------------------


@pytest.fixture
def healthy(monkeypatch):
    monkeypatch.setattr(
        health,
        "CHECKS",
        {
            "database": lambda: "ok (PostGIS 3.4)",
            "redis": lambda: "ok",
            "worker": lambda: "ok (2 workers)",
        },
    )


def test_healthz_tells_the_public_only_ok(healthy):
    response = Client(REMOTE_ADDR="203.0.113.5").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_tells_the_public_only_failing(monkeypatch):
    def broken():
        raise RuntimeError("connection refused on 10.0.0.3:5432")

    monkeypatch.setattr(health, "CHECKS", {"database": broken})
    response = Client(REMOTE_ADDR="203.0.113.5").get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing"}


def test_healthz_forwarded_by_a_local_proxy_is_public(healthy):
    response = Client().get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.json() == {"status": "ok"}


def test_healthz_details_for_a_local_probe_and_for_verified_staff(healthy, settings):
    assert "PostGIS" in Client().get("/healthz").json()["checks"]["database"]

    settings.SECOND_FACTOR_REQUIRED = True
    coordinator = UserFactory(role=Role.COORDINATOR, is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.force_login(coordinator)
    assert "checks" not in client.get("/healthz").json()  # password only: not yet
    verified_login(client, coordinator)
    assert client.get("/healthz").json()["checks"]["worker"] == "ok (2 workers)"

    donor = Client(REMOTE_ADDR="203.0.113.5")
    donor.force_login(UserFactory(role=Role.DONOR))
    assert "checks" not in donor.get("/healthz").json()


# --- content policy and permissions ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/login/", "/password-reset/", "/api/v1/docs/"])
def test_pages_carry_a_content_policy_without_unsafe_inline_and_a_permissions_policy(path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    permissions = response["Permissions-Policy"]
    assert "geolocation=(self)" in permissions
    assert "camera=()" in permissions and "microphone=()" in permissions


def test_the_api_docs_inline_script_carries_the_nonce_of_its_policy():
    response = Client().get("/api/v1/docs/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    body = response.content.decode()
    inline = re.findall(r"<(script|style)( nonce=\"[^\"]*\")?>", body)
    assert inline, "the page has inline script and style"
    assert all(attr == f' nonce="{nonce}"' for _tag, attr in inline)
    assert "cdn" not in body.lower()


WEB_TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.mark.parametrize(
    "name", sorted(str(path.relative_to(WEB_TEMPLATES)) for path in WEB_TEMPLATES.rglob("*.html"))
)
def test_web_templates_have_no_inline_script_style_or_handler(name):
    text = (WEB_TEMPLATES / name).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=\"|\son[a-z]+=\"", text)
