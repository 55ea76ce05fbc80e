"""Donation records for tests that are about a person rather than about goods."""

from django.contrib.gis.geos import Point

from tests.factories import DonationOfferFactory

# An exact place that is not a point of the public grid, so that a scrubbed record (whose
# point collapses onto the grid) can be told apart from one that still holds the truth.
EXACT_LAT, EXACT_LON = 51.337913, 12.381477


def personal_records(user, marker: str) -> list:
    """A donation offer owned by `user` with `marker` in every personal text field (title,
    description, address), at an exact point off the public grid."""
    offer = DonationOfferFactory(
        donor=user,
        title=f"{marker} jackets",
        address=f"{marker}straße 7, 04109 Leipzig",
        description=f"Ask {marker} at the back door.",
        lat=EXACT_LAT,
        lon=EXACT_LON,
    )
    # A second change, so the history holds more than one version of the marked title.
    offer.title = f"{marker} winter jackets"
    offer.save()
    return [offer]


def exact_point() -> Point:
    return Point(EXACT_LON, EXACT_LAT, srid=4326)
