"""The daily privacy tasks: closed records lose their personal data after RETENTION_DAYS, and
needs past their deadline expire. Both may run any number of times."""

from datetime import timedelta

import pytest
from django.utils import timezone

from donations.models import DonationOffer, GoodsNeed
from lifecycle import tasks as lifecycle_tasks
from lifecycle.states import Status
from privacy import tasks as privacy_tasks
from tests.factories import DonationOfferFactory, GoodsNeedFactory


def _closed_offer(days_ago: int) -> DonationOffer:
    offer = DonationOfferFactory(
        title="Kinderwagen von Familie Schmidt",
        address="Karl-Heine-Straße 12, 04229 Leipzig",
        description="Bitte zweimal klingeln",
        lat=51.332713,
        lon=12.339271,
        status=Status.FULFILLED,
    )
    DonationOffer.objects.filter(pk=offer.pk).update(
        closed_at=timezone.now() - timedelta(days=days_ago)
    )
    offer.refresh_from_db()
    return offer


@pytest.fixture
def retention(settings):
    settings.RETENTION_DAYS = 30
    return 30


@pytest.mark.django_db
def test_a_record_closed_longer_than_the_retention_period_loses_its_personal_data(retention):
    old = _closed_offer(days_ago=retention + 1)

    assert privacy_tasks.apply_retention() == 1

    old.refresh_from_db()
    assert (old.title, old.address, old.description) == ("—", "", "")
    assert old.point == old.approx_point and old.scrubbed_at is not None
    # What statistics need stays.
    assert (old.status, old.quantity, old.district) == (Status.FULFILLED, 10, "Zentrum")
    assert all(h.title == "—" for h in old.history.all())


@pytest.mark.django_db
def test_a_record_closed_more_recently_keeps_its_personal_data(retention):
    young = _closed_offer(days_ago=retention - 1)
    open_offer = DonationOfferFactory(address="Eisenbahnstraße 40, 04315 Leipzig")

    assert privacy_tasks.apply_retention() == 0

    young.refresh_from_db()
    open_offer.refresh_from_db()
    assert young.address == "Karl-Heine-Straße 12, 04229 Leipzig" and young.scrubbed_at is None
    assert open_offer.address == "Eisenbahnstraße 40, 04315 Leipzig"


@pytest.mark.django_db
def test_running_retention_twice_is_harmless(retention):
    old = _closed_offer(days_ago=retention + 5)
    assert privacy_tasks.apply_retention() == 1
    old.refresh_from_db()
    first = old.scrubbed_at

    assert privacy_tasks.apply_retention() == 0

    old.refresh_from_db()
    assert old.scrubbed_at == first and old.title == "—"


@pytest.mark.django_db
def test_the_expiry_task_expires_a_goods_need_past_its_deadline():
    today = timezone.localdate()
    due = GoodsNeedFactory(deadline=today - timedelta(days=1))
    running = GoodsNeedFactory(deadline=today + timedelta(days=3))

    assert lifecycle_tasks.expire_due() == 1
    assert lifecycle_tasks.expire_due() == 0  # a second run finds nothing left to do

    due.refresh_from_db()
    running.refresh_from_db()
    assert due.status == Status.EXPIRED and due.closed_at is not None
    assert running.status == Status.OPEN
    assert GoodsNeed.objects.filter(status=Status.EXPIRED).count() == 1


def test_both_tasks_run_daily(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["lifecycle.tasks.expire_due"] == 24 * 60 * 60
    assert schedule["privacy.tasks.apply_retention"] == 24 * 60 * 60
