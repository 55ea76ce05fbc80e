"""Placing what people type: postal code, district, town, or a pin they moved."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from base.errors import INVALID, ApplicationError
from geo.gazetteer import get_gazetteer
from geo.privacy import approximate
from geo.services import pin_bound_km, place_address


@pytest.mark.parametrize(
    "address,place,district,precision",
    [
        ("Leipzig-Grünau", "Leipzig", "Grünau", "district"),
        ("04315 Leipzig", "Leipzig", "Volkmarsdorf", "postal_code"),
        ("Striesen, Dresden", "Dresden", "Striesen", "district"),
        ("Hauptstraße 5, 09111 Chemnitz", "Chemnitz", "", "postal_code"),
        # Only the town is known: its centre is no district's, so none is named.
        ("Leipzig, Eisenbahnstraße 12", "Leipzig", "", "place"),
        ("Köln", "Köln", "", "place"),
    ],
)
def test_placement_names_what_it_knows(address, place, district, precision):
    placed = place_address(address)
    assert (placed.place, placed.district, placed.precision) == (place, district, precision)
    assert placed.geocode_status == "placed"
    assert placed.approx_point != placed.point or precision == "place"


def test_a_pin_wins_over_the_address_and_is_named_by_its_district():
    placed = place_address("04229 Leipzig", latitude=51.3090, longitude=12.3780)
    assert placed.precision == "pin" and placed.district == "Connewitz"
    assert (placed.point.y, placed.point.x) == (51.3090, 12.3780)


def test_a_pin_is_named_by_the_district_of_its_public_point():
    # The exact pin is nearer Connewitz's centre, its grid cell nearer Südvorstadt's: the
    # district everybody sees is the cell's, or it would tell on which side of the border
    # within the cell the pin lies.
    exact = (51.3130, 12.3740)
    gazetteer = get_gazetteer()
    assert gazetteer.nearest_district(*exact).district == "Connewitz"
    assert gazetteer.nearest_district(*approximate(*exact)).district == "Südvorstadt"
    placed = place_address("04229 Leipzig", latitude=exact[0], longitude=exact[1])
    assert placed.district == "Südvorstadt"
    assert (placed.point.y, placed.point.x) == exact


@given(st.floats(51.29, 51.39), st.floats(12.30, 12.45))
def test_every_pin_in_one_grid_cell_gets_the_same_public_place(lat, lon):
    public = approximate(lat, lon)
    at_pin = place_address("Leipzig", latitude=lat, longitude=lon)
    at_cell_centre = place_address("Leipzig", latitude=public[0], longitude=public[1])
    assert at_pin.approx_point == at_cell_centre.approx_point
    assert at_pin.district == at_cell_centre.district


@pytest.mark.parametrize(
    "address,latitude,longitude",
    [
        ("04315 Leipzig", -33.8688, 151.2093),  # Sydney
        ("04315 Leipzig", 52.5200, 13.4050),  # Berlin, 150 km
        ("04315 Leipzig", 51.3485, 12.4105 + 0.37),  # 26 km east of the code's point
        ("Leipzig-Grünau", 51.3206, 12.2826 + 0.13),  # 9 km from the district's centre
        ("Leipzig", 51.3373 + 0.28, 12.38457),  # 31 km north of the town's centre
        ("Karl-Heine-Straße 12, 04229 Leipzig", 48.1374, 11.5755),  # München
    ],
)
def test_a_pin_far_from_the_place_its_address_names_is_refused(address, latitude, longitude):
    with pytest.raises(ApplicationError) as error:
        place_address(address, latitude=latitude, longitude=longitude)
    assert error.value.code == INVALID
    assert set(error.value.errors) == {"address"}
    assert "km away from" in error.value.errors["address"][0]


@pytest.mark.parametrize(
    "address,latitude,longitude",
    [
        ("04315 Leipzig", 51.3485, 12.4105 + 0.33),  # 23 km: a rural code can be that wide
        ("Leipzig-Grünau", 51.3206, 12.2826 + 0.10),  # 7 km: a district's edge
        ("Leipzig", 51.3373 + 0.25, 12.38457),  # 28 km: a town's outskirts
        ("Leipzig", 51.3373, 12.38457),
    ],
)
def test_a_pin_within_the_place_its_address_names_is_taken(address, latitude, longitude):
    placed = place_address(address, latitude=latitude, longitude=longitude)
    assert placed.precision == "pin" and (placed.point.y, placed.point.x) == (latitude, longitude)


def test_the_bound_for_a_pin_follows_what_the_address_names():
    assert pin_bound_km("district") < pin_bound_km("postal_code") < pin_bound_km("place")
    assert pin_bound_km("something new") == pin_bound_km("place")


@pytest.mark.parametrize("address", ["", "   ", "Xyzzyville", "ул. Ленина", "99999"])
def test_an_address_nobody_can_place_is_a_field_error(address):
    with pytest.raises(ValidationError) as error:
        place_address(address)
    assert "address" in error.value.message_dict
