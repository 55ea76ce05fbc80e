"""Goods needs and donation offers over the API: bad input, visibility, placement."""

import pytest

from donations.models import DonationOffer, GoodsNeed
from notifications.models import Notification
from tests.conftest import client_for
from tests.payloads import JACKETS_NEED, JACKETS_OFFER

GOOD_NEED = JACKETS_NEED
GOOD_OFFER = JACKETS_OFFER

BAD_INPUTS = [
    pytest.param({"quantity": None}, "quantity", id="quantity-null"),
    pytest.param({"quantity": "twelve"}, "quantity", id="quantity-not-a-number"),
    pytest.param({"quantity": 0}, "quantity", id="quantity-zero"),
    pytest.param({"quantity": -3}, "quantity", id="quantity-negative"),
    pytest.param({"category": "spaceship"}, "category", id="unknown-category"),
    pytest.param({"address": "Xyzzyville"}, "address", id="address-unplaceable"),
    pytest.param({"address": "99999"}, "address", id="postal-code-unknown"),
    pytest.param({"address": ""}, "address", id="address-empty"),
    pytest.param({"latitude": 95.0, "longitude": 12.3}, "latitude", id="latitude-out-of-range"),
    pytest.param({"latitude": 51.3, "longitude": 200}, "longitude", id="longitude-out-of-range"),
    pytest.param({"latitude": 51.3}, "longitude", id="latitude-without-longitude"),
    pytest.param({"attributes": {"colour": "red"}}, "attributes", id="attribute-not-of-category"),
]


def _without_missing(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if v is not None}


@pytest.mark.django_db
@pytest.mark.parametrize("change,field", BAD_INPUTS)
@pytest.mark.parametrize(
    "url,payload,user",
    [
        ("/api/v1/goods-needs/", GOOD_NEED, "member"),
        ("/api/v1/donation-offers/", GOOD_OFFER, "donor"),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_writes_nothing(
    url,
    payload,
    user,
    change,
    field,
    initiative_member,
    donor,
    django_capture_on_commit_callbacks,
):
    client = client_for(initiative_member if user == "member" else donor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, _without_missing({**payload, **change}), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body and body[field] and all(isinstance(m, str) for m in body[field])
    assert GoodsNeed.objects.count() == 0 and DonationOffer.objects.count() == 0
    assert Notification.objects.count() == 0 and callbacks == []


@pytest.mark.django_db
def test_missing_quantity_is_named_in_the_users_language(initiative_member):
    payload = {k: v for k, v in GOOD_NEED.items() if k != "quantity"}
    client = client_for(initiative_member)  # prefers German
    response = client.post("/api/v1/goods-needs/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"quantity": ["Dieses Feld ist zwingend erforderlich."]}
    response = client.post(
        "/api/v1/goods-needs/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json() == {"quantity": ["This field is required."]}


@pytest.mark.django_db
def test_a_donor_without_an_initiative_cannot_post_a_need(donor):
    response = client_for(donor).post("/api/v1/goods-needs/", GOOD_NEED, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    assert GoodsNeed.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_cannot_post():
    response = client_for(None).post("/api/v1/donation-offers/", GOOD_OFFER, format="json")
    assert response.status_code == 401
    assert DonationOffer.objects.count() == 0


@pytest.mark.django_db
def test_a_good_need_is_created_placed_and_queued_after_commit(
    initiative_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(initiative_member).post(
            "/api/v1/goods-needs/", GOOD_NEED, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["district"] == "Grünau" and body["quantity_open"] == 20
    assert body["address"] == "Leipzig-Grünau"  # the owner sees the exact data
    assert len(callbacks) == 1  # the matching task, enqueued only once the row is committed
    assert GoodsNeed.objects.get().needs_matching


@pytest.mark.django_db
def test_others_see_only_the_approximate_place(initiative_member, donor, coordinator):
    offer = client_for(donor).post("/api/v1/donation-offers/", GOOD_OFFER, format="json").json()
    assert offer["location"] is not None
    listed = client_for(initiative_member).get("/api/v1/donation-offers/").json()
    assert listed["count"] == 1  # open offers are listed, in public form
    public = listed["results"][0]
    assert public["address"] is public["location"] is public["contact"] is None
    assert public["approx_location"] and public["district"] == "Lindenau"
    seen = client_for(coordinator).get("/api/v1/donation-offers/").json()["results"][0]
    assert seen["address"] == "Leipzig-Lindenau"


@pytest.mark.django_db
def test_schema_describes_the_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/goods-needs/", "/api/v1/donation-offers/", "/api/v1/matches/"):
        assert path in paths


@pytest.mark.django_db
def test_a_membership_still_waiting_for_approval_gives_no_exact_data_or_edits(
    initiative_member, initiative
):
    from accounts.models import Membership
    from tests.factories import UserFactory

    client_for(initiative_member).post("/api/v1/goods-needs/", GOOD_NEED, format="json")
    applicant = UserFactory(role="initiative_member")
    Membership.objects.create(
        user=applicant, organisation=initiative, status=Membership.Status.REQUESTED
    )
    seen = client_for(applicant).get("/api/v1/goods-needs/").json()["results"][0]
    assert seen["address"] is None and seen["is_mine"] is False
    response = client_for(applicant).patch(f"/api/v1/goods-needs/{seen['id']}/", {"quantity": 1})
    assert response.status_code == 403
    mine = client_for(initiative_member).get("/api/v1/goods-needs/").json()["results"][0]
    assert mine["address"] == "Leipzig-Grünau" and mine["is_mine"] is True
