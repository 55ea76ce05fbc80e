"""The review queue's district filter lists the districts of the proposals waiting: read once
while the proposals stay the same, and at once anew when one is made or reviewed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from donations.models import Category
from matching import review, workflow
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.matching.batching import created, run_for

pytestmark = pytest.mark.django_db


def _proposal(n: int, district: str):
    """A need and a donation 2 km east of it, proposed by the engine; far from the others."""
    lat, lon = 51.34 + 0.4 * n, 12.33
    category = Category.objects.get(slug="clothing-winter-jacket")
    need = GoodsNeedFactory(category=category, quantity=3, district=district, lat=lat, lon=lon)
    DonationOfferFactory(category=category, quantity=3, district="Ost", lat=lat, lon=lon + 0.0287)
    [match] = created(run_for(need))
    return match


def _districts() -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        names = review.districts()
    return names, len(queries.captured_queries)


def test_the_districts_are_read_once_while_the_proposals_stay_the_same():
    _proposal(0, "Lindenau")
    first, scans = _districts()
    again, checks = _districts()
    assert first == again == ["Lindenau", "Ost"]
    assert scans > 1 and checks == 1


def test_a_new_proposal_and_a_reviewed_one_change_the_list_at_once():
    gohlis = _proposal(0, "Gohlis")
    assert _districts()[0] == ["Gohlis", "Ost"]
    _proposal(1, "Lindenau")
    assert _districts()[0] == ["Gohlis", "Lindenau", "Ost"]
    coordinator = UserFactory(role=Role.COORDINATOR, is_staff=True)
    workflow.approve(gohlis, actor=coordinator, reason="fits")
    assert _districts()[0] == ["Lindenau", "Ost"]
