"""Goods needs and donation offers over the API: bad input, visibility, placement."""

from datetime import date, timedelta

import pytest

from donations.models import Category, DonationOffer, GoodsNeed, PickupWindow
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import DonationOfferFactory, GoodsNeedFactory
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


# --- dates, pickup windows and attribute values -------------------------------------------------

IN_A_WEEK = (date.today() + timedelta(days=7)).isoformat()
WINDOW = {"start": f"{IN_A_WEEK}T16:00:00+01:00", "end": f"{IN_A_WEEK}T19:00:00+01:00"}
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()

NEED_BAD_INPUTS = [
    pytest.param({"deadline": "1900-12-24"}, "deadline", id="deadline-in-1900"),
    pytest.param({"deadline": "24.12.2030"}, "deadline", id="deadline-not-iso"),
    pytest.param({"attributes": {"size": "XXXXL"}}, "attributes", id="size-not-allowed"),
    pytest.param({"max_distance_km": -1}, "max_distance_km", id="distance-negative"),
]
OFFER_BAD_INPUTS = [
    pytest.param(
        {"pickup_windows": [{"start": "1900-01-01T10:00:00Z", "end": "1900-01-01T12:00:00Z"}]},
        "pickup_windows",
        id="window-in-1900",
    ),
    pytest.param(
        {"pickup_windows": [{"start": WINDOW["end"], "end": WINDOW["start"]}]},
        "pickup_windows",
        id="window-ends-before-it-starts",
    ),
    pytest.param(
        {"pickup_windows": [{"start": f"{YESTERDAY}T10:00Z", "end": f"{YESTERDAY}T12:00Z"}]},
        "pickup_windows",
        id="window-in-the-past",
    ),
    pytest.param(
        {"pickup_windows": [WINDOW, {"start": "next friday", "end": WINDOW["end"]}]},
        "pickup_windows",
        id="window-start-not-a-time",
    ),
    pytest.param({"pickup_windows": [{"start": WINDOW["start"]}]}, "pickup_windows", id="no-end"),
    pytest.param({"pickup_windows": "friday"}, "pickup_windows", id="windows-not-a-list"),
    pytest.param({"attributes": {"size": "xxxxl"}}, "attributes", id="size-not-allowed"),
    pytest.param({"condition": "broken"}, "condition", id="condition-unknown"),
]


def _assert_field_messages(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body and body[field], body
    assert all(isinstance(m, str) for m in body[field]), body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,payload,user,change,field",
    [
        *(("/api/v1/goods-needs/", GOOD_NEED, "member", *p.values) for p in NEED_BAD_INPUTS),
        *(("/api/v1/donation-offers/", GOOD_OFFER, "donor", *p.values) for p in OFFER_BAD_INPUTS),
    ],
    ids=[f"need-{p.id}" for p in NEED_BAD_INPUTS] + [f"offer-{p.id}" for p in OFFER_BAD_INPUTS],
)
def test_bad_dates_windows_and_attribute_values_are_a_400_and_write_nothing(
    url, payload, user, change, field, initiative_member, donor, django_capture_on_commit_callbacks
):
    client = client_for(initiative_member if user == "member" else donor)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {**payload, **change}, format="json")
    _assert_field_messages(response, field)
    assert GoodsNeed.objects.count() == DonationOffer.objects.count() == 0
    assert PickupWindow.objects.count() == 0 and callbacks == []


@pytest.mark.django_db
def test_a_window_that_ends_before_it_starts_is_named_by_its_number(donor):
    windows = [WINDOW, {"start": WINDOW["end"], "end": WINDOW["start"]}]
    response = client_for(donor).post(
        "/api/v1/donation-offers/", {**GOOD_OFFER, "pickup_windows": windows}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"pickup_windows": ["Window 2 ends before it starts."]}


@pytest.mark.django_db
def test_an_offer_shows_its_pickup_windows_and_an_update_replaces_them(donor, initiative_member):
    client = client_for(donor)
    later = {"start": f"{IN_A_WEEK}T10:00:00+01:00", "end": f"{IN_A_WEEK}T12:00:00+01:00"}
    created = client.post(
        "/api/v1/donation-offers/",
        {**GOOD_OFFER, "pickup_windows": [WINDOW, later]},
        format="json",
    ).json()
    starts = [w["start"] for w in created["pickup_windows"]]
    assert starts == [f"{IN_A_WEEK}T10:00:00+01:00", f"{IN_A_WEEK}T16:00:00+01:00"]
    # Others see when to pick up, too; only the place stays approximate.
    listed = client_for(initiative_member).get("/api/v1/donation-offers/").json()["results"]
    assert len(listed[0]["pickup_windows"]) == 2 and listed[0]["address"] is None
    url = f"/api/v1/donation-offers/{created['id']}/"
    changed = client.patch(url, {"pickup_windows": [WINDOW]}, format="json").json()
    assert [w["end"] for w in changed["pickup_windows"]] == [f"{IN_A_WEEK}T19:00:00+01:00"]
    assert PickupWindow.objects.count() == 1


@pytest.mark.django_db
def test_an_attribute_value_is_stored_as_the_taxonomy_spells_it(donor):
    response = client_for(donor).post(
        "/api/v1/donation-offers/", {**GOOD_OFFER, "attributes": {"size": "m"}}, format="json"
    )
    assert response.status_code == 201 and response.json()["attributes"] == {"size": "M"}


@pytest.mark.django_db
def test_categories_list_the_values_each_attribute_may_take(donor):
    categories = client_for(donor).get("/api/v1/categories/").json()
    assert len(categories) >= 60
    boots = next(c for c in categories if c["slug"] == "shoes-winter-boots")
    assert boots["attributes"] == ["shoe_size"]
    assert boots["allowed_values"]["shoe_size"][0] == "16"


# --- updates ------------------------------------------------------------------------------------

PATCH_BAD_INPUTS = [
    pytest.param({"quantity": "twelve"}, "quantity", id="quantity-not-a-number"),
    pytest.param({"quantity": 0}, "quantity", id="quantity-zero"),
    pytest.param({"quantity": -3}, "quantity", id="quantity-negative"),
    pytest.param({"title": ""}, "title", id="title-empty"),
    pytest.param({"category": "spaceship"}, "category", id="unknown-category"),
    pytest.param({"category": "furniture-bed"}, "attributes", id="category-without-size"),
    pytest.param({"address": "Xyzzyville"}, "address", id="address-unplaceable"),
    pytest.param({"latitude": 51.3, "longitude": 12.3}, "address", id="pin-without-address"),
    pytest.param({"attributes": {"colour": "red"}}, "attributes", id="attribute-not-of-category"),
    pytest.param({"attributes": {"size": "XXXXL"}}, "attributes", id="attribute-value-unknown"),
]
NEED_PATCH_BAD_INPUTS = [
    pytest.param({"deadline": "1900-01-01"}, "deadline", id="deadline-in-1900"),
]
OFFER_PATCH_BAD_INPUTS = [
    pytest.param(
        {"pickup_windows": [{"start": WINDOW["end"], "end": WINDOW["start"]}]},
        "pickup_windows",
        id="window-ends-before-it-starts",
    ),
    pytest.param(
        {"pickup_windows": [{"start": "1900-05-01T10:00Z", "end": "1900-05-01T12:00Z"}]},
        "pickup_windows",
        id="window-in-1900",
    ),
]


def _snapshot(record) -> dict:
    record.refresh_from_db()
    values = {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}
    if isinstance(record, DonationOffer):
        values["windows"] = list(record.pickup_windows.values_list("start", "end"))
    return values


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,change,field",
    [
        *(("need", *p.values) for p in [*PATCH_BAD_INPUTS, *NEED_PATCH_BAD_INPUTS]),
        *(("offer", *p.values) for p in [*PATCH_BAD_INPUTS, *OFFER_PATCH_BAD_INPUTS]),
    ],
    ids=[f"need-{p.id}" for p in [*PATCH_BAD_INPUTS, *NEED_PATCH_BAD_INPUTS]]
    + [f"offer-{p.id}" for p in [*PATCH_BAD_INPUTS, *OFFER_PATCH_BAD_INPUTS]],
)
def test_a_bad_update_is_a_400_and_changes_nothing(
    kind, change, field, initiative_member, donor, django_capture_on_commit_callbacks
):
    if kind == "need":
        client, url = client_for(initiative_member), "/api/v1/goods-needs/"
        created = client.post(url, GOOD_NEED, format="json").json()
        record = GoodsNeed.objects.get(pk=created["id"])
    else:
        client, url = client_for(donor), "/api/v1/donation-offers/"
        created = client.post(url, {**GOOD_OFFER, "pickup_windows": [WINDOW]}, format="json")
        record = DonationOffer.objects.get(pk=created.json()["id"])
    before = _snapshot(record)
    history = record.history.count()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.patch(f"{url}{record.pk}/", change, format="json")
    _assert_field_messages(response, field)
    assert _snapshot(record) == before
    assert record.history.count() == history and callbacks == []


@pytest.mark.django_db
def test_the_quantity_cannot_be_lowered_below_what_matches_hold(initiative_member, initiative):
    need = GoodsNeedFactory(
        organisation=initiative, created_by=initiative_member, quantity=10, quantity_open=4
    )
    url = f"/api/v1/goods-needs/{need.pk}/"
    response = client_for(initiative_member).patch(url, {"quantity": 5}, format="json")
    _assert_field_messages(response, "quantity")
    need.refresh_from_db()
    assert (need.quantity, need.quantity_open) == (10, 4)
    response = client_for(initiative_member).patch(url, {"quantity": 8}, format="json")
    assert response.status_code == 200
    assert (response.json()["quantity"], response.json()["quantity_open"]) == (8, 2)


@pytest.mark.django_db
def test_a_withdrawn_record_cannot_be_changed(donor, django_capture_on_commit_callbacks):
    client = client_for(donor)
    offer = client.post("/api/v1/donation-offers/", GOOD_OFFER, format="json").json()
    url = f"/api/v1/donation-offers/{offer['id']}/"
    assert client.post(f"{url}withdraw/").json()["status"] == "withdrawn"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.patch(url, {"quantity": 3}, format="json")
    _assert_field_messages(response, "status")
    assert DonationOffer.objects.get().quantity == 12 and callbacks == []


@pytest.mark.django_db
def test_a_draft_is_matched_only_once_it_is_published(
    initiative_member, donor, django_capture_on_commit_callbacks
):
    client = client_for(initiative_member)
    with django_capture_on_commit_callbacks() as callbacks:
        draft = client.post("/api/v1/goods-needs/", {**GOOD_NEED, "draft": True}, format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    assert callbacks == []
    # Nobody else sees a draft.
    assert client_for(donor).get("/api/v1/goods-needs/").json()["count"] == 0
    with django_capture_on_commit_callbacks() as callbacks:
        published = client.post(f"/api/v1/goods-needs/{draft.json()['id']}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "open"
    assert len(callbacks) == 1
    assert client_for(donor).get("/api/v1/goods-needs/").json()["count"] == 1


# --- filters ------------------------------------------------------------------------------------

GRUENAU = (51.3098, 12.2817)
CONNEWITZ = (51.3070, 12.3870)


@pytest.mark.django_db
def test_the_category_filter_includes_subcategories(donor):
    def offer(slug, **fields):
        category = Category.objects.get(slug=slug)
        return DonationOfferFactory(category=category, attributes={}, **fields).pk

    jacket, children, clothing = (
        offer("clothing-winter-jacket"),
        offer("clothing-children"),
        offer("clothing"),
    )
    offer("furniture-bed")
    client = client_for(donor)

    def ids(query):
        response = client.get(f"/api/v1/donation-offers/?{query}")
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids("category=clothing") == {jacket, children, clothing}
    assert ids("category=clothing-winter-jacket") == {jacket}
    assert ids("category=no-such-thing") == set()


@pytest.mark.django_db
def test_the_status_filter(initiative_member, initiative):
    def need(status):
        return GoodsNeedFactory(
            organisation=initiative, created_by=initiative_member, status=status
        ).pk

    open_, draft, partly = need("open"), need("draft"), need("partly_matched")
    need("withdrawn")
    client = client_for(initiative_member)

    def ids(query):
        return {r["id"] for r in client.get(f"/api/v1/goods-needs/?{query}").json()["results"]}

    assert ids("status=draft") == {draft}
    assert ids("status=open&status=partly_matched") == {open_, partly}
    response = client.get("/api/v1/goods-needs/?status=lost")
    _assert_field_messages(response, "status")


@pytest.mark.django_db
def test_the_near_filter_finds_records_within_the_radius(donor):
    in_gruenau = DonationOfferFactory(lat=GRUENAU[0], lon=GRUENAU[1]).pk
    DonationOfferFactory(lat=CONNEWITZ[0], lon=CONNEWITZ[1])  # about 7 km east
    client = client_for(donor)
    lat, lon = GRUENAU
    near = client.get(f"/api/v1/donation-offers/?lat={lat}&lon={lon}&within_km=2").json()
    assert [r["id"] for r in near["results"]] == [in_gruenau]
    wide = client.get(f"/api/v1/donation-offers/?lat={lat}&lon={lon}&within_km=10").json()
    assert wide["count"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,fields",
    [
        ("lat=51.3", {"lon", "within_km"}),
        ("lat=51.3&lon=12.3", {"within_km"}),
        ("within_km=5", {"lat", "lon"}),
        ("lat=95&lon=12.3&within_km=5", {"lat"}),
    ],
)
def test_a_partial_or_impossible_point_is_a_400(donor, query, fields):
    response = client_for(donor).get(f"/api/v1/donation-offers/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == fields
