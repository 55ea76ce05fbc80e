"""Two real workers batch the same area at the same time: capacity is never promised twice."""

import random

import pytest
from django.db.models import Sum

from donations.models import DonationOffer, GoodsNeed
from housing.models import HousingNeed, HousingOffer
from matching import tasks
from matching.areas import cell_of
from matching.models import ACTIVE_STATES, Match
from tests.e2e.conftest import queue_drained
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.smtp import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Central Leipzig, well inside one cell of the default grid.
LAT, LON = 51.34, 12.40


def _near(rng: random.Random) -> dict:
    return {"lat": LAT + rng.uniform(-0.03, 0.03), "lon": LON + rng.uniform(-0.05, 0.05)}


def _held(model, field: str, record) -> int:
    live = Match.objects.filter(**{field: record}, state__in=ACTIVE_STATES)
    return live.aggregate(n=Sum("quantity"))["n"] or 0


def test_two_workers_racing_on_one_area_never_over_allocate(processes, broker, sink):
    rng = random.Random(7)
    # Scarce supply, so that every batch wants the same offers.
    needs = [GoodsNeedFactory(**_near(rng), quantity=rng.randint(1, 6)) for _ in range(80)]
    [DonationOfferFactory(**_near(rng), quantity=rng.randint(1, 4)) for _ in range(60)]
    [HousingNeedFactory(**_near(rng)) for _ in range(30)]
    [HousingOfferFactory(**_near(rng)) for _ in range(20)]
    cell = cell_of(needs[0].approx_point)
    assert {cell_of(n.approx_point) for n in GoodsNeed.objects.all()} == {cell}

    processes.worker("w1")
    processes.worker("w2")
    for _ in range(12):
        tasks.match_area.delay("goods", cell)
        tasks.match_area.delay("housing", cell)
    wait_until(lambda: queue_drained(broker), 120, "both workers to finish every batch")

    logs = processes.log("w1") + processes.log("w2")
    assert "raised unexpected" not in logs and "IntegrityError" not in logs
    # Both workers really ran batches of this area.
    for name in ("w1", "w2"):
        assert "matching.tasks.match_area" in processes.log(name) and "succeeded" in processes.log(
            name
        )
    assert Match.objects.filter(kind="goods").exists()
    for offer in DonationOffer.objects.all():
        held = _held(DonationOffer, "donation_offer", offer)
        assert held <= offer.quantity and offer.quantity_open == offer.quantity - held
    for need in GoodsNeed.objects.all():
        held = _held(GoodsNeed, "goods_need", need)
        assert held <= need.quantity and need.quantity_open == need.quantity - held
    for flat in HousingOffer.objects.all():
        assert _held(HousingOffer, "housing_offer", flat) <= 1
    for household in HousingNeed.objects.all():
        assert _held(HousingNeed, "housing_need", household) <= 1
    assert Match.objects.filter(kind="housing").count() == 20  # every flat let once
