"""Who needs a second factor, and checking one (django-otp: a TOTP app, or a backup code).

Shared by the web pages (web/otp_views.py, web/middleware.py) and the API's token login
(api/accounts.py), so that both ask the same people for the same codes.
"""

import re

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_CODE = re.compile(r"^\d{6}$")
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def requires_second_factor(user) -> bool:
    """Coordinators, admins and anyone with access to the admin: they see exact addresses and
    contacts of vulnerable people, so a password alone must not be enough."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or getattr(user, "is_coordinator", False))


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def verify_code(user, code: str) -> Device | None:
    """The device that accepts `code`: six digits go to the TOTP app, anything else is tried
    as a backup code (used up by the check). Each device throttles its own failures
    (django-otp: a growing wait after each wrong code)."""
    code = "".join(code.split())
    if not code:
        return None
    wanted = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    if wanted is StaticDevice:
        code = code.lower()  # backup codes are shown in lower case; typing them is easier
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, wanted) and device.verify_token(code):
                return device
    return None


def pending_app_device(user) -> TOTPDevice:
    """The TOTP device being set up: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def confirm_app_device(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new TOTP device with its first code; returns fresh backup codes (shown
    once), or None if the code is not right. Older devices of the person are removed: one
    app at a time, so a lost phone is replaced rather than kept valid."""
    code = "".join(code.split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not TOTP_CODE.match(code) or not device.verify_token(code):
            return None
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_backup_codes(device.user)


def new_backup_codes(user) -> list[str]:
    """Replace the person's backup codes with OTP_BACKUP_CODES new ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
