"""Flats and households over the API: create, read, change, withdraw, publish, filters, bad
input, privacy and expiry."""

import json
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import Role
from housing.models import HousingNeed, HousingOffer
from lifecycle.services import expire_due
from notifications.models import Notification
from tests.api.access import World
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory

TODAY = date.today()
OFFERS = "/api/v1/housing-offers/"
NEEDS = "/api/v1/housing-needs/"

FLAT = {
    "title": "3 Zimmer, ebenerdig, nahe Tram",
    "description": "Hell, Einbauküche, Balkon.",
    "address": "Karl-Heine-Straße 12, 04229 Leipzig",
    "rooms": "2.5",
    "size_m2": 68,
    "warm_rent": "780.00",
    "max_occupants": 5,
    "floor": 0,
    "step_free": True,
    "pets_allowed": True,
    "available_from": (TODAY + timedelta(days=14)).isoformat(),
}
HOUSEHOLD = {
    "title": "Familie aus Charkiw",
    "description": "Zwei Erwachsene, zwei Kinder (4 und 9).",
    "address": "Leipzig-Grünau",
    "adults": 2,
    "children": 2,
    "rent_ceiling": "850",
    "move_in_date": (TODAY + timedelta(days=7)).isoformat(),
    "max_distance_km": 8,
    "needs_step_free": True,
    "household_notes": "Ein Kind nutzt einen Rollstuhl.",
}


@pytest.fixture
def landlord(db):
    return UserFactory(
        username="lena", email="lena@example.org", role=Role.LANDLORD, phone="0176 999"
    )


def _post(user, url, payload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(user).post(url, payload, format="json")
    return response, callbacks


# --- create and read -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_landlord_offers_a_flat_and_sees_it_whole(landlord):
    response = client_for(landlord).post(OFFERS, FLAT, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rooms"] == 2.5 and body["warm_rent"] == 780.0 and body["step_free"] is True
    assert body["district"] == "Schleußig" and body["status"] == "open" and body["is_mine"]
    assert body["address"] == FLAT["address"] and body["contact"]["phone"] == "0176 999"
    offer = HousingOffer.objects.get()
    assert offer.landlord == landlord and offer.needs_matching


@pytest.mark.django_db
def test_an_initiative_member_posts_a_household_for_their_initiative(initiative_member, initiative):
    response = client_for(initiative_member).post(NEEDS, HOUSEHOLD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organisation"] == initiative.name and body["adults"] == 2
    assert body["household_notes"] == HOUSEHOLD["household_notes"]
    assert body["rent_ceiling"] == 850.0 and body["district"] == "Grünau"
    assert HousingNeed.objects.get().created_by == initiative_member


@pytest.mark.django_db
def test_without_an_initiative_nobody_posts_a_household(landlord):
    response = client_for(landlord).post(NEEDS, HOUSEHOLD, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    assert HousingNeed.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_can_neither_read_nor_post():
    assert client_for(None).get(OFFERS).status_code == 401
    assert client_for(None).post(OFFERS, FLAT, format="json").status_code == 401
    assert client_for(None).get(NEEDS).status_code == 401
    assert HousingOffer.objects.count() == 0


# --- change, withdraw, publish ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_landlord_changes_the_rent_and_others_may_not(landlord, donor):
    offer = HousingOfferFactory(landlord=landlord)
    url = f"{OFFERS}{offer.pk}/"
    response = client_for(landlord).patch(url, {"warm_rent": "720"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["warm_rent"] == 720.0
    assert client_for(donor).patch(url, {"warm_rent": "1"}, format="json").status_code == 403
    offer.refresh_from_db()
    assert str(offer.warm_rent) == "720.00"
    assert offer.history.first().history_user == landlord


@pytest.mark.django_db
def test_a_patch_that_ends_the_flat_before_it_starts_is_refused(landlord):
    offer = HousingOfferFactory(landlord=landlord, available_from=TODAY + timedelta(days=30))
    response = client_for(landlord).patch(
        f"{OFFERS}{offer.pk}/",
        {"available_until": (TODAY + timedelta(days=5)).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "available_until" in response.json()
    offer.refresh_from_db()
    assert offer.available_until is None


@pytest.mark.django_db
def test_a_member_updates_withdraws_and_a_withdrawn_household_stays_closed(
    initiative_member, initiative
):
    need = HousingNeedFactory(organisation=initiative, created_by=initiative_member)
    client = client_for(initiative_member)
    response = client.patch(f"{NEEDS}{need.pk}/", {"children": 3}, format="json")
    assert response.status_code == 200 and response.json()["children"] == 3
    response = client.post(f"{NEEDS}{need.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = client.patch(f"{NEEDS}{need.pk}/", {"children": 4}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    response = client.post(f"{NEEDS}{need.pk}/publish/")
    assert response.status_code == 400 and "status" in response.json()


@pytest.mark.django_db
def test_a_draft_flat_is_hidden_until_published(landlord, donor):
    response = client_for(landlord).post(OFFERS, {**FLAT, "draft": True}, format="json")
    assert response.json()["status"] == "draft"
    offer = HousingOffer.objects.get()
    assert not offer.needs_matching
    assert client_for(donor).get(OFFERS).json()["count"] == 0
    response = client_for(landlord).post(f"{OFFERS}{offer.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "open"
    offer.refresh_from_db()
    assert offer.needs_matching
    assert client_for(donor).get(OFFERS).json()["count"] == 1


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def flats(db):
    return {
        "small": HousingOfferFactory(rooms="1.5", warm_rent="450", max_occupants=2),
        "family": HousingOfferFactory(
            rooms="4", warm_rent="1100", max_occupants=6, step_free=True, pets_allowed=True
        ),
        "far": HousingOfferFactory(
            rooms="3",
            warm_rent="700",
            max_occupants=4,
            lat=51.05,
            lon=13.74,  # Dresden
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,expected",
    [
        ("min_rooms=3", {"family", "far"}),
        ("min_rooms=1.5", {"small", "family", "far"}),
        ("max_rent=700", {"small", "far"}),
        ("occupants=4", {"family", "far"}),
        ("occupants=5", {"family"}),
        ("step_free=true", {"family"}),
        ("pets_allowed=false", {"small", "far"}),
        ("lat=51.34&lon=12.37&within_km=20", {"small", "family"}),
        ("min_rooms=2&max_rent=800&lat=51.34&lon=12.37&within_km=20", set()),
        ("status=open&occupants=2&max_rent=1000", {"small", "far"}),
    ],
)
def test_flats_are_filtered(flats, donor, query, expected):
    response = client_for(donor).get(f"{OFFERS}?{query}")
    assert response.status_code == 200, response.content
    by_id = {flat.pk: name for name, flat in flats.items()}
    assert {by_id[r["id"]] for r in response.json()["results"]} == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,field",
    [
        ("min_rooms=-1", "min_rooms"),
        ("max_rent=cheap", "max_rent"),
        ("occupants=0", "occupants"),
        ("lat=51.34&lon=12.37", "within_km"),
    ],
)
def test_bad_filters_are_a_400_with_field_messages(donor, query, field):
    response = client_for(donor).get(f"{OFFERS}?{query}")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.django_db
def test_mine_lists_only_my_flats_and_needs_use_the_shared_filters(
    landlord, initiative_member, initiative
):
    mine = HousingOfferFactory(landlord=landlord)
    HousingOfferFactory()
    listed = client_for(landlord).get(f"{OFFERS}?mine=true").json()["results"]
    assert [r["id"] for r in listed] == [mine.pk]
    open_need = HousingNeedFactory(organisation=initiative)
    HousingNeedFactory(organisation=initiative, status="withdrawn")
    listed = client_for(initiative_member).get(f"{NEEDS}?status=open").json()["results"]
    assert [r["id"] for r in listed] == [open_need.pk]


# --- bad input -------------------------------------------------------------------------------

PAST_1900 = "1900-03-01"
BAD_FLATS = [
    pytest.param({"rooms": -2}, "rooms", id="negative-rooms"),
    pytest.param({"rooms": "2.3"}, "rooms", id="rooms-not-half"),
    pytest.param({"rooms": "three"}, "rooms", id="rooms-not-a-number"),
    pytest.param({"warm_rent": 0}, "warm_rent", id="rent-zero"),
    pytest.param({"warm_rent": [780]}, "warm_rent", id="rent-a-list"),
    pytest.param({"max_occupants": 0}, "max_occupants", id="nobody-fits"),
    pytest.param({"size_m2": 9000}, "size_m2", id="size-absurd"),
    pytest.param({"floor": 99}, "floor", id="floor-too-high"),
    pytest.param({"step_free": "perhaps"}, "step_free", id="step-free-not-boolean"),
    pytest.param({"available_from": PAST_1900}, "available_from", id="year-1900"),
    pytest.param({"available_from": "next week"}, "available_from", id="date-not-a-date"),
    pytest.param({"available_from": 20261201}, "available_from", id="date-a-number"),
    pytest.param(
        {"available_until": (TODAY + timedelta(days=3)).isoformat()},
        "available_until",
        id="until-before-from",
    ),
    pytest.param({"title": {"de": "Wohnung"}}, "title", id="title-an-object"),
    pytest.param({"address": "Xyzzyville"}, "address", id="address-unplaceable"),
    pytest.param({"latitude": 51.3}, "longitude", id="latitude-without-longitude"),
    pytest.param({"min_stay_months": 0}, "min_stay_months", id="min-stay-zero"),
]
BAD_HOUSEHOLDS = [
    pytest.param({"adults": 0}, "adults", id="no-adult"),
    pytest.param({"adults": "two"}, "adults", id="adults-not-a-number"),
    pytest.param({"children": -1}, "children", id="children-negative"),
    pytest.param({"rent_ceiling": 0}, "rent_ceiling", id="rent-ceiling-zero"),
    pytest.param({"rent_ceiling": "-5"}, "rent_ceiling", id="rent-ceiling-negative"),
    pytest.param({"move_in_date": PAST_1900}, "move_in_date", id="year-1900"),
    pytest.param({"move_in_date": "1999-12-31"}, "move_in_date", id="before-2000"),
    pytest.param(
        {"move_in_date": (TODAY - timedelta(days=400)).isoformat()},
        "move_in_date",
        id="move-in-far-past",
    ),
    pytest.param({"max_distance_km": 0}, "max_distance_km", id="distance-zero"),
    pytest.param({"has_pets": [True]}, "has_pets", id="pets-a-list"),
]


def _assert_refused(response, field, callbacks):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body and body[field], body
    assert all(isinstance(message, str) for message in body[field])
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize("change,field", BAD_FLATS)
def test_a_bad_flat_is_a_400_with_field_messages_and_writes_nothing(
    landlord, change, field, django_capture_on_commit_callbacks
):
    payload = {**FLAT, "available_from": (TODAY + timedelta(days=10)).isoformat(), **change}
    response, callbacks = _post(landlord, OFFERS, payload, django_capture_on_commit_callbacks)
    _assert_refused(response, field, callbacks)
    assert HousingOffer.objects.count() == 0 and HousingOffer.history.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("change,field", BAD_HOUSEHOLDS)
def test_a_bad_household_is_a_400_with_field_messages_and_writes_nothing(
    initiative_member, change, field, django_capture_on_commit_callbacks
):
    response, callbacks = _post(
        initiative_member, NEEDS, {**HOUSEHOLD, **change}, django_capture_on_commit_callbacks
    )
    _assert_refused(response, field, callbacks)
    assert HousingNeed.objects.count() == 0 and HousingNeed.history.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_household_without_an_adult_is_told_so_in_its_language(initiative_member):
    response = client_for(initiative_member).post(
        NEEDS, {**HOUSEHOLD, "adults": 0}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json() == {"adults": ["A household needs at least one adult."]}


@pytest.mark.django_db
def test_mistakes_found_past_the_input_checks_are_named_together(initiative_member):
    response = client_for(initiative_member).post(
        NEEDS, {**HOUSEHOLD, "address": "Xyzzyville", "move_in_date": PAST_1900}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"address", "move_in_date"}


# --- privacy ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_other_landlords_list_an_open_flat_without_its_address(landlord, coordinator):
    client_for(landlord).post(OFFERS, FLAT, format="json")
    rival = UserFactory(username="rolf", role=Role.LANDLORD)
    for url in (OFFERS, f"{OFFERS}{HousingOffer.objects.get().pk}/"):
        body = client_for(rival).get(url).json()
        seen = body["results"][0] if "results" in body else body
        assert seen["address"] is seen["location"] is seen["contact"] is None
        assert seen["approx_location"] and seen["district"] == "Schleußig"
        assert seen["is_mine"] is False
        raw = client_for(rival).get(url).content.decode()
        assert "Karl-Heine" not in raw and "0176 999" not in raw and "lena@" not in raw
    seen = client_for(coordinator).get(OFFERS).json()["results"][0]
    assert seen["address"] == FLAT["address"]


@pytest.mark.django_db
def test_the_map_shows_only_approximate_points(landlord, donor):
    offer = HousingOfferFactory(landlord=landlord, lat=51.331234, lon=12.341234)
    features = client_for(donor).get(f"{OFFERS}map/").json()["features"]
    assert [f["id"] for f in features] == [offer.pk]
    lon, lat = features[0]["geometry"]["coordinates"]
    assert (round(lat, 6), round(lon, 6)) != (51.331234, 12.341234)
    assert "address" not in features[0]["properties"]


@pytest.mark.django_db
def test_households_are_seen_only_by_their_initiative_and_coordinators(
    initiative_member, initiative, coordinator, landlord
):
    client_for(initiative_member).post(NEEDS, HOUSEHOLD, format="json")
    need = HousingNeed.objects.get()
    other_member = UserFactory(username="olga", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=other_member)
    for outsider in (landlord, other_member):
        client = client_for(outsider)
        assert client.get(NEEDS).json()["count"] == 0
        assert client.get(f"{NEEDS}map/").json()["features"] == []
        assert client.get(f"{NEEDS}{need.pk}/").status_code == 404
        raw = client.get(NEEDS).content.decode()
        assert "Rollstuhl" not in raw
    seen = client_for(coordinator).get(f"{NEEDS}{need.pk}/").json()
    assert seen["household_notes"] == HOUSEHOLD["household_notes"]
    assert seen["contact"]["organisation"] == initiative.name


@pytest.mark.django_db
def test_household_notes_and_description_are_private_fields():
    from api.housing import HousingNeedSerializer

    need = HousingNeedFactory(household_notes="Herr K. braucht Dialyse", description="Fam. K.")
    data = HousingNeedSerializer(need, context={"is_entitled": lambda record: False}).data
    assert data["household_notes"] is data["description"] is None
    assert data["address"] is data["location"] is data["contact"] is None
    assert data["adults"] == 2 and data["district"]


# --- expiry ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flat_expires_after_its_last_day_and_leaves_the_public_list(landlord, donor):
    offer = HousingOfferFactory(
        landlord=landlord,
        available_from=TODAY - timedelta(days=90),
        available_until=TODAY - timedelta(days=1),
    )
    assert client_for(donor).get(OFFERS).json()["count"] == 1
    assert expire_due(TODAY) == 1
    offer.refresh_from_db()
    assert offer.status == "expired" and offer.closed_at and not offer.needs_matching
    assert client_for(donor).get(OFFERS).json()["count"] == 0
    mine = client_for(landlord).get(f"{OFFERS}{offer.pk}/").json()
    assert mine["status"] == "expired"
    response = client_for(landlord).patch(f"{OFFERS}{offer.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


@pytest.mark.django_db
def test_the_schema_describes_the_housing_endpoints(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (OFFERS, NEEDS, f"{OFFERS}{{id}}/", f"{NEEDS}{{id}}/withdraw/", f"{OFFERS}map/"):
        assert path in paths, sorted(paths)


# --- privacy as a property -------------------------------------------------------------------

notes = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß ", min_size=12, max_size=40).filter(
    lambda t: len(t.strip()) >= 12
)
HOUSING_KINDS = {
    # url prefix → (owner role, roles not entitled to the exact data)
    "housing-offers": ("landlord", ["donor", "volunteer", "member", "other_member"]),
    "housing-needs": ("member", ["donor", "landlord", "volunteer", "other_member"]),
}


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(HOUSING_KINDS)),
    viewer_index=st.integers(min_value=0, max_value=3),
    street=st.builds(
        lambda name, number: f"{name}straße {number}",
        st.text(alphabet="ABCDEFGHKLMNPRSTUVWZäöüß", min_size=4, max_size=12),
        st.integers(min_value=1, max_value=250),
    ),
    phone=st.from_regex(r"\+49 1[5-7][0-9] [0-9]{6,8}", fullmatch=True),
    email=st.from_regex(r"[a-z]{5,10}\.[a-z]{3,8}@[a-z]{4,9}\.(de|org)", fullmatch=True),
    household_notes=notes,
    lat=st.floats(min_value=51.25, max_value=51.45).map(lambda v: round(v, 6)),
    lon=st.floats(min_value=12.20, max_value=12.55).map(lambda v: round(v, 6)),
)
def test_no_housing_response_leaks_place_contact_or_notes_to_the_not_entitled(
    kind, viewer_index, street, phone, email, household_notes, lat, lon
):
    owner_role, not_entitled = HOUSING_KINDS[kind]
    viewer = not_entitled[viewer_index]
    savepoint = transaction.savepoint()
    try:
        world = World.build()
        owner = world.users[owner_role]
        owner.phone, owner.email = phone, email
        owner.save()
        world.initiative.email = email
        world.initiative.save()
        place = {"address": f"{street}, 04109 Leipzig", "lat": lat, "lon": lon}
        if kind == "housing-offers":
            record = HousingOfferFactory(landlord=owner, **place)
        else:
            record = HousingNeedFactory(
                organisation=world.initiative,
                created_by=owner,
                household_notes=household_notes,
                **place,
            )
        client = client_for(world.users[viewer])
        for url in (f"/api/v1/{kind}/", f"/api/v1/{kind}/{record.pk}/", f"/api/v1/{kind}/map/"):
            response = client.get(url)
            assert response.status_code in (200, 404), response.content
            text = response.content.decode()
            for secret in (street, phone, email, household_notes.strip()):
                assert secret not in text, f"{viewer} sees {secret!r} in {url}"
            numbers = set(_numbers(json.loads(text)))
            assert not {lat, lon} <= numbers, f"{viewer} sees the exact point in {url}"
    finally:
        transaction.savepoint_rollback(savepoint)


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, float):
        yield value
