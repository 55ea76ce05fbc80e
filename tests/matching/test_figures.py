"""The figures of the welcome centre (matching/figures.py) on a small constructed data set
whose answers are known, and the supply and demand per district."""

from datetime import timedelta

import pytest
from django.utils import timezone

from donations.models import Category, DonationOffer, GoodsNeed
from housing.models import HousingNeed
from matching import figures
from matching.models import Match, MatchState
from notifications.models import Notification
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory

pytestmark = pytest.mark.django_db


def posted(record, days_ago: float):
    """Set when the record was posted (created_at is set on insert)."""
    when = timezone.now() - timedelta(days=days_ago)
    type(record).objects.filter(pk=record.pk).update(created_at=when)
    record.refresh_from_db()
    return record


def goods_match(need: GoodsNeed, *, after: float, state: str, accepted_after=None) -> Match:
    match = Match.objects.create(
        kind=Match.Kind.GOODS,
        goods_need=need,
        donation_offer=DonationOfferFactory(category=need.category),
        quantity=1,
        distance_m=500,
        score=0.5,
        state=state,
        accepted_at=(
            need.created_at + timedelta(days=accepted_after) if accepted_after is not None else None
        ),
    )
    Match.objects.filter(pk=match.pk).update(created_at=need.created_at + timedelta(days=after))
    return match


def housing_match(need: HousingNeed, *, after: float, state: str, accepted_after=None) -> Match:
    match = Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=need,
        housing_offer=HousingOfferFactory(),
        quantity=1,
        distance_m=500,
        score=0.5,
        state=state,
        accepted_at=(
            need.created_at + timedelta(days=accepted_after) if accepted_after is not None else None
        ),
    )
    Match.objects.filter(pk=match.pk).update(created_at=need.created_at + timedelta(days=after))
    return match


@pytest.fixture
def centre():
    """Goods: a need met (proposed after 2 days, first accepted after 3, a second match
    accepted after 5), an open need proposed only after 8 days, a need posted yesterday with
    a proposal, a draft. Housing: a household housed (proposed after 1 day, accepted after 9),
    one with an accepted match proposed after 10 days. Volunteers: nothing."""
    met = posted(GoodsNeedFactory(status="fulfilled"), 10)
    goods_match(met, after=2, state=MatchState.FULFILLED, accepted_after=3)
    goods_match(met, after=4, state=MatchState.FULFILLED, accepted_after=5)
    late = posted(GoodsNeedFactory(), 10)
    goods_match(late, after=8, state=MatchState.REJECTED)
    fresh = posted(GoodsNeedFactory(), 1)
    goods_match(fresh, after=0.5, state=MatchState.PROPOSED)
    posted(GoodsNeedFactory(status="draft"), 20)

    housed = posted(HousingNeedFactory(status="fulfilled"), 30)
    housing_match(housed, after=1, state=MatchState.FULFILLED, accepted_after=9)
    waiting = posted(HousingNeedFactory(), 20)
    housing_match(waiting, after=10, state=MatchState.ACCEPTED, accepted_after=12)

    someone = UserFactory()
    for n, status in enumerate(["failed", "failed", "sent", "pending"]):
        Notification.objects.create(
            recipient=someone,
            template="match_offered",
            language="de",
            idempotency_key=f"figures-{n}",
            status=status,
        )


def test_needs_met_counts_the_fulfilled_needs_of_each_kind(centre):
    assert figures.needs_met() == {"goods": 1, "volunteers": 0, "housing": 1, "jobs": 0}


def test_the_median_time_runs_from_posting_to_the_first_accepted_match(centre):
    waits = figures.median_time_to_accepted()
    assert waits["goods"] == timedelta(days=3)  # the first of 3 and 5 days
    assert waits["housing"] == timedelta(days=10.5)  # median of 9 and 12 days
    assert waits["volunteers"] is None
    assert waits["all"] == timedelta(days=9)  # median of 3, 9 and 12 days


def test_households_housed_are_those_with_a_fulfilled_housing_match(centre):
    assert figures.households_housed() == 1


def test_the_share_with_a_proposal_within_7_days_counts_needs_posted_a_week_ago(centre):
    shares = figures.proposed_within_a_week()
    # Goods: the met need (proposed after 2 days) of it and the late one; not the need of
    # yesterday, not the draft.
    assert (shares["goods"].part, shares["goods"].whole) == (1, 2)
    assert (shares["housing"].part, shares["housing"].whole) == (1, 2)
    assert (shares["volunteers"].part, shares["volunteers"].whole) == (0, 0)
    assert shares["volunteers"].percent is None
    assert (shares["all"].part, shares["all"].whole) == (2, 4)
    assert shares["all"].percent == 50


def test_failed_notifications_count_the_emails_that_failed(centre):
    assert figures.failed_notifications() == 2


def test_supply_and_demand_counts_open_records_per_district_and_category():
    jacket = Category.objects.get(slug="clothing-winter-jacket")
    bed = Category.objects.get(slug="furniture-bed")
    GoodsNeedFactory.create_batch(2, district="Lindenau", category=jacket)
    GoodsNeedFactory(district="Lindenau", category=bed)
    GoodsNeedFactory(district="Lindenau", category=jacket, status="withdrawn")
    DonationOfferFactory(district="Gohlis", category=jacket)

    assert figures.supply_and_demand("goods") == [
        {"district": "Lindenau", "needs": 3, "offers": 0},
        {"district": "Gohlis", "needs": 0, "offers": 1},
    ]
    clothing = Category.objects.get(slug="clothing")
    assert figures.supply_and_demand("goods", category_id=clothing.pk) == [
        {"district": "Lindenau", "needs": 2, "offers": 0},
        {"district": "Gohlis", "needs": 0, "offers": 1},
    ]
    assert figures.supply_and_demand("housing") == []


def test_the_map_points_are_the_public_ones():
    offer = DonationOfferFactory(district="Gohlis", lat=51.3612, lon=12.3712)
    [point] = figures.open_points("goods", "offer")
    assert (point["lat"], point["lon"]) == (offer.approx_point.y, offer.approx_point.x)
    assert (point["lat"], point["lon"]) != (offer.point.y, offer.point.x)
    assert point["district"] == "Gohlis" and point["title"] == offer.title
    assert DonationOffer.objects.count() == 1
