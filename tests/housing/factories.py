"""Factories for flats and households, and personal records for erasure tests."""

from datetime import date, timedelta
from decimal import Decimal

import factory

from accounts.models import Role
from housing.models import HousingNeed, HousingOffer
from tests.factories import OrganisationFactory, PlacedFactory, UserFactory


class HousingOfferFactory(PlacedFactory):
    class Meta:
        model = HousingOffer

    landlord = factory.SubFactory(UserFactory, role=Role.LANDLORD)
    title = factory.Sequence(lambda n: f"Flat {n}")
    rooms = Decimal("3")
    size_m2 = 70
    warm_rent = Decimal("800.00")
    max_occupants = 4
    floor = 1
    available_from = factory.LazyFunction(date.today)


class HousingNeedFactory(PlacedFactory):
    class Meta:
        model = HousingNeed

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, role=Role.INITIATIVE_MEMBER)
    title = factory.Sequence(lambda n: f"Household {n}")
    adults = 2
    children = 1
    rent_ceiling = Decimal("900.00")
    move_in_date = factory.LazyFunction(lambda: date.today() + timedelta(days=14))
    max_distance_km = 10


# An exact place off the public grid, so a scrubbed record (whose point collapses onto the
# grid) can be told apart from one that still holds the truth. The same point as the donation
# records of tests/donations/factories.py, which the erasure test scans every table for.
EXACT_LAT, EXACT_LON = 51.337913, 12.381477


def personal_records(user, marker: str) -> list:
    """A flat owned by `user` with `marker` in every personal text field (title, description,
    address), at an exact point off the public grid, for the export and erasure tests."""
    offer = HousingOfferFactory(
        landlord=user,
        title=f"{marker} flat",
        address=f"{marker}weg 3, 04109 Leipzig",
        description=f"Ask for {marker} at the door.",
        lat=EXACT_LAT,
        lon=EXACT_LON,
    )
    # A second change, so the history holds more than one version of the marked title.
    offer.title = f"{marker} flat with balcony"
    offer.save()
    return [offer]
