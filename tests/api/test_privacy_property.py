"""Property: whatever the personal data, a user who is not entitled to it never finds the
exact point, the street or a contact detail in any response about the record."""

import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.access import World
from tests.conftest import client_for
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory

streets = st.builds(
    lambda name, number: f"{name}straße {number}",
    st.text(alphabet="ABCDEFGHKLMNPRSTUVWZäöüß", min_size=4, max_size=12),
    st.integers(min_value=1, max_value=250),
)
phones = st.from_regex(r"\+49 1[5-7][0-9] [0-9]{6,8}", fullmatch=True)
emails = st.from_regex(r"[a-z]{5,10}\.[a-z]{3,8}@[a-z]{4,9}\.(de|org)", fullmatch=True)
# Leipzig and its surroundings, to a micrometre: an exact point is never on the public grid.
latitudes = st.floats(min_value=51.25, max_value=51.45).map(lambda v: round(v, 6))
longitudes = st.floats(min_value=12.20, max_value=12.55).map(lambda v: round(v, 6))


def _of_initiative(factory):
    def make(world, owner_role, address, lat, lon):
        return factory(
            organisation=world.initiative,
            created_by=world.users["member"],
            address=address,
            lat=lat,
            lon=lon,
        )

    return make


def _owned_by(factory, field):
    def make(world, owner_role, address, lat, lon):
        return factory(**{field: world.users[owner_role]}, address=address, lat=lat, lon=lon)

    return make


# url prefix → (how to make a record with the given personal data, its owner's role)
KINDS = {
    "goods-needs": (_of_initiative(GoodsNeedFactory), "member"),
    "donation-offers": (_owned_by(DonationOfferFactory, "donor"), "donor"),
    "volunteer-needs": (_of_initiative(VolunteerNeedFactory), "member"),
    "volunteer-profiles": (_owned_by(VolunteerProfileFactory, "user"), "volunteer"),
    "housing-needs": (_of_initiative(HousingNeedFactory), "member"),
    "housing-offers": (_owned_by(HousingOfferFactory, "landlord"), "landlord"),
}
NOT_ENTITLED = ["donor", "landlord", "volunteer", "member", "other_member"]


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, float):
        yield value


@pytest.mark.django_db
@settings(
    max_examples=90,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    viewer=st.sampled_from(NOT_ENTITLED),
    street=streets,
    phone=phones,
    email=emails,
    lat=latitudes,
    lon=longitudes,
)
def test_no_response_leaks_exact_place_or_contact_to_the_not_entitled(
    kind, viewer, street, phone, email, lat, lon
):
    make, owner_role = KINDS[kind]
    if viewer == owner_role:
        return  # the owner is entitled; the table tests what owners see
    savepoint = transaction.savepoint()
    try:
        world = World.build()
        owner = world.users[owner_role]
        owner.phone, owner.email = phone, email
        owner.save()
        world.initiative.email = email
        world.initiative.save()
        record = make(world, owner_role, f"{street}, 04109 Leipzig", lat, lon)
        client = client_for(world.users[viewer])
        bodies = [
            client.get(f"/api/v1/{kind}/"),
            client.get(f"/api/v1/{kind}/{record.pk}/"),
            client.get(f"/api/v1/{kind}/map/"),
            client.get("/api/v1/matches/"),
        ]
        for response in bodies:
            assert response.status_code in (200, 404), response.content
            text = response.content.decode()
            for secret in (street, phone, email):
                assert secret not in text, f"{viewer} sees {secret!r} in {response.request}"
            numbers = set(_numbers(json.loads(text)))
            assert not {lat, lon} <= numbers, f"{viewer} sees the exact point"
            assert lat not in numbers or record.approx_point.y == lat
    finally:
        transaction.savepoint_rollback(savepoint)
