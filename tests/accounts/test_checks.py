"""Checks are facts a coordinator recorded (what, who, when, a note), never the documents."""

from datetime import date, timedelta

import pytest
from django.db import models
from django.utils import timezone

from accounts import checks
from accounts.models import Check, CheckKind, Role
from base.errors import ApplicationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clara():
    return UserFactory(username="clara", role=Role.COORDINATOR, is_staff=True)


@pytest.fixture
def lars():
    return UserFactory(username="lars", role=Role.LANDLORD)


def test_a_check_can_hold_no_document():
    kinds = (models.FileField, models.BinaryField)
    assert not [f.name for f in Check._meta.get_fields() if isinstance(f, kinds)]
    text = {f.name: f.max_length for f in Check._meta.fields if isinstance(f, models.CharField)}
    # A short note at most: no room to paste a scan or a whole document's text.
    assert max(text.values()) <= 500
    assert not [f.name for f in Check._meta.fields if isinstance(f, models.TextField)]


def test_a_coordinator_records_what_was_seen_by_whom_and_when(clara, lars):
    check = checks.record_check(
        subject=lars, kind=CheckKind.IDENTITY, actor=clara, note="  Passport seen.  "
    )

    check.refresh_from_db()
    assert (check.subject, check.kind, check.recorded_by) == (lars, "identity", clara)
    assert check.note == "Passport seen." and check.recorded_at is not None
    assert checks.is_checked_host(lars)
    assert checks.standing_kinds([lars.pk]) == {lars.pk: ["identity"]}


def test_only_coordinators_record_checks_and_nobody_checks_themselves(clara, lars):
    with pytest.raises(ApplicationError) as refused:
        checks.record_check(subject=clara, kind=CheckKind.IDENTITY, actor=lars)
    assert refused.value.code == "not_allowed"
    with pytest.raises(ApplicationError) as own:
        checks.record_check(subject=clara, kind=CheckKind.IDENTITY, actor=clara)
    assert "subject" in own.value.errors
    assert not Check.objects.exists()


def test_a_certificate_of_conduct_needs_its_date_and_only_it_has_one(clara, lars):
    with pytest.raises(ApplicationError) as missing:
        checks.record_check(subject=lars, kind=CheckKind.CERTIFICATE_OF_CONDUCT, actor=clara)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ApplicationError) as future:
        checks.record_check(
            subject=lars,
            kind=CheckKind.CERTIFICATE_OF_CONDUCT,
            actor=clara,
            certificate_date=tomorrow,
        )
    with pytest.raises(ApplicationError) as stray:
        checks.record_check(
            subject=lars, kind=CheckKind.HOME_VISIT, actor=clara, certificate_date=date(2026, 1, 1)
        )
    with pytest.raises(ApplicationError) as unknown:
        checks.record_check(subject=lars, kind="passport_scan", actor=clara)

    assert set(missing.value.errors) == {"certificate_date"}
    assert set(future.value.errors) == {"certificate_date"}
    assert set(stray.value.errors) == {"certificate_date"}
    assert set(unknown.value.errors) == {"kind"}
    assert not Check.objects.exists()


def test_a_certificate_counts_for_the_configured_months_from_its_date(clara, lars, settings):
    settings.CERTIFICATE_OF_CONDUCT_VALID_MONTHS = 60
    today = date(2026, 11, 29)
    checks.record_check(
        subject=lars,
        kind=CheckKind.CERTIFICATE_OF_CONDUCT,
        actor=clara,
        certificate_date=date(2021, 11, 29),
    )

    assert checks.standing_kinds([lars.pk], today) == {lars.pk: ["certificate_of_conduct"]}
    assert checks.standing_kinds([lars.pk], today + timedelta(days=1)) == {}


def test_a_withdrawn_check_stays_in_the_history_and_counts_no_more(clara, lars):
    check = checks.record_check(subject=lars, kind=CheckKind.IDENTITY, actor=clara)

    checks.withdraw_check(check, actor=clara, reason="Recorded for the wrong person")

    check.refresh_from_db()
    assert check.withdrawn_by == clara and check.withdrawal_reason.startswith("Recorded")
    assert not checks.is_checked_host(lars)
    assert list(checks.checks_of(lars)) == [check]
    with pytest.raises(ApplicationError) as again:
        checks.withdraw_check(check, actor=clara, reason="Twice")
    assert again.value.code == "wrong_state"


def test_a_note_with_a_null_byte_is_refused_and_nothing_is_stored(clara, lars):
    with pytest.raises(ApplicationError) as refused:
        checks.record_check(subject=lars, kind=CheckKind.IDENTITY, actor=clara, note="a\x00b")

    assert set(refused.value.errors) == {"note"}
    assert not Check.objects.exists()
