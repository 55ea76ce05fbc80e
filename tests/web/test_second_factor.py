"""The second factor of coordinators, admins and staff (issue 12): without one verified in
this session they reach neither /coordination/ nor /admin/ nor the API by session; they set
up a TOTP app (QR code as inline SVG, or the key as text), get backup codes, and confirm
each sign-in. An API token for them needs a code too."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import UserFactory
from tests.web.fixtures import PASSWORD, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.SECOND_FACTOR_REQUIRED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(db):
    return UserFactory(username="clara", role=Role.COORDINATOR, is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", role=Role.DONOR, is_staff=True, is_superuser=True)


def current_code(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later * device.step
    return f"{totp.token():06d}"


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    assert (
        client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    return client


@pytest.mark.parametrize("path", ["/coordination/", "/admin/", "/admin/accounts/user/"])
def test_a_password_alone_does_not_open_coordination_or_the_admin(coordinator, superuser, path):
    for user in (coordinator, superuser):
        response = signed_in(user).get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/two-factor/?next=")


def test_with_a_verified_second_factor_they_do(coordinator, superuser):
    client = Client()
    verified_login(client, coordinator)
    assert client.get("/coordination/").status_code == 200
    admin = Client()
    verified_login(admin, superuser)
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/accounts/user/").status_code == 200


def test_coordination_views_refuse_an_unverified_coordinator_even_without_the_middleware(
    coordinator, settings
):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "SecondFactor" not in m]
    client = Client()
    client.force_login(coordinator)
    assert client.get("/coordination/").status_code == 403


def test_the_api_by_session_needs_the_second_factor_a_token_does_not(coordinator):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    response = client.get("/api/v1/matches/")
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]
    token = Token.objects.create(user=coordinator)
    with_token = client.get("/api/v1/matches/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert with_token.status_code == 200


def test_other_people_need_no_second_factor(db):
    donor = UserFactory(role=Role.DONOR)
    client = signed_in(donor)
    assert client.get("/inbox/").status_code == 200
    assert client.get("/api/v1/matches/").status_code == 200
    assert client.get("/account/two-factor/").status_code == 403


def test_setting_up_a_totp_app_and_confirming_sign_ins(coordinator):
    client = signed_in(coordinator)
    page = client.get("/account/two-factor/?next=/coordination/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "http" not in body.split("<svg", 1)[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = re.search(r'id="otp-secret" class="secret">([A-Z2-7 ]+)<', body).group(1)
    assert secret.replace(" ", "") in device.config_url
    # Visiting again shows the same secret until it is confirmed.
    assert secret in client.get("/account/two-factor/").content.decode()

    wrong = client.post("/account/two-factor/", {"code": "000000", "next": "/coordination/"})
    assert wrong.status_code == 400
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert client.get("/coordination/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above made it wait a second
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post("/account/two-factor/", {"code": current_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/coordination/").status_code == 200

    # A new sign-in asks for a code again; a backup code works once.
    client.post("/logout/")
    again = signed_in(coordinator)
    assert again.get("/coordination/").status_code == 302
    assert "Anmeldung bestätigen" in again.get("/account/two-factor/").content.decode()
    verified = again.post(
        "/account/two-factor/", {"code": codes[0].upper(), "next": "/coordination/"}
    )
    assert verified.status_code == 302 and verified["Location"] == "/coordination/"
    assert again.get("/coordination/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()


def test_the_next_page_after_the_code_stays_on_this_site(coordinator):
    client = signed_in(coordinator)
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    response = client.post(
        "/account/two-factor/", {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/coordination/"


# --- API token ---------------------------------------------------------------------------------


def token_login(**data):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/auth/token/", data, format="json")


def test_a_coordinator_without_a_second_factor_gets_no_token(coordinator):
    response = token_login(username="clara", password=PASSWORD)
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]
    assert not Token.objects.filter(user=coordinator).exists()


def test_a_coordinator_gets_a_token_only_with_a_right_code(coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device = TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    missing = token_login(username="clara", password=PASSWORD)
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = token_login(username="clara", password=PASSWORD, otp="000000")
    assert wrong.status_code == 400 and "otp" in wrong.json()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = token_login(username="clara", password=PASSWORD, otp=current_code(device))
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=coordinator).key


def test_wrong_codes_count_towards_the_lockout(coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    assert token_login(username="clara", password=PASSWORD, otp="111111").status_code == 400
    assert token_login(username="clara", password=PASSWORD, otp="222222").status_code == 429


def test_a_donor_gets_a_token_with_the_password_alone(db):
    UserFactory(username="david", role=Role.DONOR)
    assert token_login(username="david", password=PASSWORD).status_code == 200
