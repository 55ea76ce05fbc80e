"""Debounced scheduling per area: a burst of changes in one cell becomes one batch."""

import pytest
from django.conf import settings

from matching.areas import cell_of
from matching.debounce import KEY_PREFIX
from matching.scheduling import cells_to_match, schedule_everything
from tests.factories import DonationOfferFactory, GoodsNeedFactory

pytestmark = pytest.mark.django_db


def queued_batches(client) -> int:
    return client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)


def test_a_burst_of_changes_in_one_cell_enqueues_one_batch(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        needs = [GoodsNeedFactory(lat=51.34, lon=12.37 + i / 1000) for i in range(20)]
        for need in needs:
            need.request_matching()
    assert queued_batches(broker) == 1
    assert broker.exists(f"{KEY_PREFIX}:goods:{cell_of(needs[0].approx_point)}")


def test_a_change_after_the_batch_started_schedules_the_next_one(
    broker, django_capture_on_commit_callbacks
):
    from matching.debounce import release_cell

    need = GoodsNeedFactory(lat=51.34, lon=12.37)
    with django_capture_on_commit_callbacks(execute=True):
        need.request_matching()
    release_cell("goods", cell_of(need.approx_point))  # what the batch does as it starts
    with django_capture_on_commit_callbacks(execute=True):
        need.request_matching()
    assert queued_batches(broker) == 2


def test_an_offer_schedules_its_own_cell_and_the_cells_of_needs_it_reaches():
    offer = DonationOfferFactory(lat=51.34, lon=12.325, delivery_radius_km=10)
    west = GoodsNeedFactory(lat=51.34, lon=12.30)  # across the cell border, in reach
    GoodsNeedFactory(lat=51.05, lon=13.74)  # Dresden: out of reach
    kind, cells = cells_to_match(offer)
    assert kind == "goods"
    assert cells == {cell_of(offer.approx_point), cell_of(west.approx_point)}


def test_the_full_run_schedules_every_cell_with_open_needs(broker):
    leipzig = GoodsNeedFactory(lat=51.34, lon=12.37)
    dresden = GoodsNeedFactory(lat=51.05, lon=13.74)
    GoodsNeedFactory(lat=50.83, lon=12.92, status="withdrawn")  # Chemnitz, closed
    assert schedule_everything() == 2
    assert cell_of(leipzig.approx_point) != cell_of(dresden.approx_point)


def test_a_broker_that_is_down_leaves_the_record_flagged_for_the_sweep(broker):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from matching.scheduling import schedule_cell

    with mock.patch(
        "matching.tasks.match_area.apply_async", side_effect=OperationalError("refused")
    ):
        assert schedule_cell("goods", "285:44") is False
    # The debounce key is gone, so the next change tries the broker again.
    assert not broker.exists(f"{KEY_PREFIX}:goods:285:44")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_that_found_its_offer_held_elsewhere_schedules_its_cell_again(broker):
    from django.db import connections

    from donations.models import DonationOffer
    from matching.models import Match
    from matching.tasks import match_area

    need = GoodsNeedFactory(lat=51.34, lon=12.37, quantity=1)
    offer = DonationOfferFactory(lat=51.34, lon=12.371, quantity=1)
    cell = cell_of(need.approx_point)
    # Another transaction (a handover being recorded, another cell's batch) holds the offer.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                f"SELECT id FROM {DonationOffer._meta.db_table} WHERE id = %s FOR UPDATE",
                [offer.pk],
            )
            outcome = match_area.run("goods", cell)
            cursor.execute("ROLLBACK")
    finally:
        other.close()

    assert outcome["waiting"] == 1 and outcome["created"] == 0
    need.refresh_from_db()
    assert need.needs_matching and not Match.objects.exists()
    assert queued_batches(broker) == 1
    assert broker.exists(f"{KEY_PREFIX}:goods:{cell}")
