"""Owed batches: the cells a change must reach are owed with the change, in the database,
until a batch of each has started; the sweep enqueues what a lost message left owed."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from donations.models import DonationOffer
from matching.areas import cell_of
from matching.batches import run_batch
from matching.models import OwedBatch
from matching.owed import owed_before, settle
from matching.scheduling import cells_to_match
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from workers.sweep import sweep_pending

pytestmark = pytest.mark.django_db


def _queued(client) -> list[bytes]:
    return client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)


def _owed() -> set[tuple[str, str]]:
    return set(OwedBatch.objects.values_list("kind", "cell"))


def _offer_reaching_a_need_in_the_next_cell():
    west = GoodsNeedFactory(lat=51.34, lon=12.30)
    offer = DonationOfferFactory(lat=51.34, lon=12.325, delivery_radius_km=10)
    assert cell_of(west.approx_point) != cell_of(offer.approx_point)
    return offer, west


def test_a_change_owes_every_cell_it_reaches_in_its_own_transaction():
    offer, west = _offer_reaching_a_need_in_the_next_cell()
    OwedBatch.objects.all().delete()

    offer.request_matching()  # no commit yet: nothing enqueued, but owed

    assert _owed() == {("goods", cell) for cell in cells_to_match(offer)[1]}
    assert ("goods", cell_of(west.approx_point)) in _owed()


def test_an_offer_seen_by_its_own_cell_still_owes_the_cells_of_the_needs_it_reaches(broker):
    offer, west = _offer_reaching_a_need_in_the_next_cell()
    OwedBatch.objects.all().delete()
    offer.request_matching()

    # Only the offer's own cell ran; the task of the need's cell was lost with its worker.
    run_batch("goods", cell_of(offer.approx_point))

    assert not DonationOffer.objects.get(pk=offer.pk).needs_matching
    assert _owed() == {("goods", cell_of(west.approx_point))}


def test_the_sweep_enqueues_a_cell_still_owed_after_the_grace(broker):
    offer, west = _offer_reaching_a_need_in_the_next_cell()
    OwedBatch.objects.all().delete()
    offer.request_matching()
    run_batch("goods", cell_of(offer.approx_point))
    DonationOffer.objects.filter(pk=offer.pk).update(needs_matching=False)
    type(west).objects.filter(pk=west.pk).update(needs_matching=False)
    broker.flushdb()
    past = timezone.now() - timedelta(seconds=settings.SWEEP_GRACE_SECONDS + 5)
    OwedBatch.objects.update(created_at=past)

    counts = sweep_pending()

    assert counts["owed-cells"] == 1
    [message] = _queued(broker)
    assert cell_of(west.approx_point).encode() in message


def test_the_sweep_leaves_a_fresh_owed_cell_to_its_own_message(broker):
    GoodsNeedFactory().request_matching()

    assert owed_before(timezone.now() - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)) == []


def test_a_batch_settles_only_its_own_kind_and_cell():
    need = GoodsNeedFactory(lat=51.34, lon=12.37)
    other = GoodsNeedFactory(lat=51.05, lon=13.74)
    OwedBatch.objects.all().delete()
    need.request_matching()
    other.request_matching()
    OwedBatch.objects.create(kind="housing", cell=cell_of(need.approx_point))

    run_batch("goods", cell_of(need.approx_point))

    assert _owed() == {
        ("goods", cell_of(other.approx_point)),
        ("housing", cell_of(need.approx_point)),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_committed_while_a_batch_runs_stays_owed_and_no_batch_waits_for_another():
    cell = cell_of(GoodsNeedFactory(lat=51.34, lon=12.37).approx_point)
    OwedBatch.objects.all().delete()
    OwedBatch.objects.create(kind="goods", cell=cell)
    settled_first, first_is_running, finish_first = [], threading.Event(), threading.Event()

    def first_batch() -> None:
        try:
            with transaction.atomic():
                settled_first.append(settle("goods", cell))
                first_is_running.set()
                finish_first.wait(timeout=60)
        finally:
            connection.close()

    thread = threading.Thread(target=first_batch)
    thread.start()
    try:
        assert first_is_running.wait(timeout=60)
        OwedBatch.objects.create(kind="goods", cell=cell)  # a change commits meanwhile
        # A second batch of the cell skips the rows the first one is settling (no wait) and
        # settles the change that came after it.
        assert settle("goods", cell) == 1
    finally:
        finish_first.set()
        thread.join(timeout=60)
    assert settled_first == [1]
    assert not OwedBatch.objects.exists()
