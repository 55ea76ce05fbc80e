"""Erasure takes the lockout's records of the person's sign-ins and their second factor with
the account: the name, the address and the browser they signed in from are personal data."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from privacy.services import erase_account
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_erasure_deletes_sign_in_attempts_and_second_factor_devices():
    user = UserFactory(username="amira.k")
    other = UserFactory(username="someone")
    for name in (user.username, other.username):
        seen = {"username": name, "ip_address": "203.0.113.7", "user_agent": "Firefox"}
        AccessAttempt.objects.create(**seen, failures_since_start=3)
        AccessFailureLog.objects.create(**seen)
        AccessLog.objects.create(**seen)
    TOTPDevice.objects.create(user=user, name="phone")
    StaticDevice.objects.create(user=user, name="backup")

    erase_account(user)

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["someone"]
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
