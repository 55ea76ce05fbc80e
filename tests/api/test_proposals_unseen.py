"""Proposals stay internal until a coordinator approves them, also through what they hold:
to everyone but coordinators, capacity that an unreviewed proposal holds is still open and a
record held only by proposals is still open, in every list, detail, map and status filter.
Once approved (and so offered to both sides), the sides and everyone else see it held."""

import pytest

from matching import workflow
from tests.conftest import client_for
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.matching.batching import created, run_for
from tests.safety.scenes import (
    coordinator,
    flat,
    household,
    identity_seen,
    landlord,
    volunteer,
    volunteer_need,
)
from web.summaries import offer_facts

pytestmark = pytest.mark.django_db


def _seen(client, url: str, pk: int, **query) -> dict | None:
    """The record as the list shows it (None if the list leaves it out)."""
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    rows = response.json()
    rows = rows.get("results", rows.get("features", rows))
    for row in rows:
        if row["id"] == pk:
            return row.get("properties", row)
    return None


def _goods_proposal():
    need = GoodsNeedFactory(quantity=4)
    offer = DonationOfferFactory(quantity=4, lat=need.point.y, lon=need.point.x + 0.01)
    [match] = created(run_for(need))
    assert match.quantity == 4
    return need, offer, match


def test_a_proposals_hold_on_goods_is_not_shown_before_review():
    need, offer, _ = _goods_proposal()
    people = {
        "the initiative": need.created_by,
        "the donor": offer.donor,
        "a stranger": UserFactory(),
    }
    for who, user in people.items():
        client = client_for(user)
        for url, record in (("/api/v1/goods-needs/", need), ("/api/v1/donation-offers/", offer)):
            detail = client.get(f"{url}{record.pk}/").json()
            assert (detail["status"], detail["quantity_open"]) == ("open", 4), (who, url)
            assert _seen(client, url, record.pk)["quantity_open"] == 4, (who, url)
            assert _seen(client, f"{url}map/", record.pk)["status"] == "open", (who, url)
            # A filter answers by the status shown, so it tells nothing the answer hides.
            assert _seen(client, url, record.pk, status="open") is not None, (who, url)
            assert _seen(client, url, record.pk, status="partly_matched") is None, (who, url)


def test_coordinators_see_what_the_proposal_holds():
    need, _, _ = _goods_proposal()

    detail = client_for(coordinator()).get(f"/api/v1/goods-needs/{need.pk}/").json()

    assert (detail["status"], detail["quantity_open"]) == ("partly_matched", 0)


def test_once_approved_everyone_sees_it_held():
    need, offer, match = _goods_proposal()
    workflow.approve(match, actor=coordinator())

    for user in (need.created_by, offer.donor, UserFactory()):
        detail = client_for(user).get(f"/api/v1/goods-needs/{need.pk}/").json()
        assert (detail["status"], detail["quantity_open"]) == ("partly_matched", 0)


def test_a_proposed_volunteer_does_not_take_a_place_of_the_shift_before_review():
    need = volunteer_need()
    volunteer()
    [match] = created(run_for(need))
    url = f"/api/v1/volunteer-needs/{need.pk}/"

    before = client_for(need.created_by).get(url).json()
    assert before["status"] == "open"
    assert [s["people_open"] for s in before["shifts"]] == [1]
    seen_by_coordinator = client_for(coordinator()).get(url).json()
    assert [s["people_open"] for s in seen_by_coordinator["shifts"]] == [0]

    workflow.approve(match, actor=coordinator("approver"))
    after = client_for(need.created_by).get(url).json()
    assert after["status"] == "partly_matched"
    assert [s["people_open"] for s in after["shifts"]] == [0]


def test_a_proposed_flat_stays_open_to_the_public_before_review():
    owner = landlord()
    identity_seen(owner)
    household()
    offer = flat(owner)
    [match] = created(run_for(offer))
    stranger = client_for(UserFactory())
    url = "/api/v1/housing-offers/"

    assert stranger.get(f"{url}{offer.pk}/").json()["status"] == "open"
    assert client_for(owner).get(f"{url}{offer.pk}/").json()["status"] == "open"
    assert _seen(stranger, url, offer.pk, status="partly_matched") is None

    workflow.approve(match, actor=coordinator())
    assert stranger.get(f"{url}{offer.pk}/").json()["status"] == "partly_matched"


def test_the_still_available_page_counts_what_proposals_hold_as_open():
    _, offer, _ = _goods_proposal()
    offer.refresh_from_db()
    assert offer.quantity_open == 0  # the engine's bookkeeping

    facts = dict(offer_facts(offer))

    assert facts["Still open"] == "4"
