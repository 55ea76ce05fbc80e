"""Placing what people type: postal code, district, town, or a pin they moved."""

import pytest
from django.core.exceptions import ValidationError

from geo.services import place_address


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
    placed = place_address("04229 Leipzig", latitude=51.3130, longitude=12.3740)
    assert placed.precision == "pin" and placed.district == "Connewitz"
    assert (placed.point.y, placed.point.x) == (51.3130, 12.3740)


@pytest.mark.parametrize("address", ["", "   ", "Xyzzyville", "ул. Ленина", "99999"])
def test_an_address_nobody_can_place_is_a_field_error(address):
    with pytest.raises(ValidationError) as error:
        place_address(address)
    assert "address" in error.value.message_dict
