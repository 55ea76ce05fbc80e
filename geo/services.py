"""Placing records on the map.

The in-process gazetteer answers at once (postal code, district or town). A street address is
placed there first and, where a remote geocoder is configured, refined later by a task: until then
the record is not matched, and if refinement fails its owner is told.
"""

import re
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from base.errors import ApplicationError
from geo import providers
from geo.gazetteer import get_gazetteer
from geo.models import GeocodeStatus, PlacedModel, Precision
from geo.privacy import approximate

# A house number ("12", "12a", "12-14") that is not a 5-digit postal code, or a street word.
_HOUSE_NUMBER = re.compile(r"(?<!\d)\d{1,4}\s?[a-zA-Z]?(?!\d)")
_STREET_WORD = re.compile(
    r"(stra(ss|ß)e|str\.|weg\b|platz\b|allee\b|ring\b|gasse\b|damm\b|ufer\b|chaussee\b)",
    re.IGNORECASE,
)


def looks_like_street_address(address: str) -> bool:
    return bool(_HOUSE_NUMBER.search(address) or _STREET_WORD.search(address))


@dataclass(frozen=True)
class Placement:
    point: Point
    approx_point: Point
    postal_code: str
    place: str
    district: str
    precision: str
    geocode_status: str


def _point(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


def place_address(
    address: str, latitude: float | None = None, longitude: float | None = None
) -> Placement:
    """Place an address with the gazetteer; a pin (latitude/longitude) set by the user wins.

    Raises ApplicationError keyed by field when the address cannot be placed at all.
    """
    address = (address or "").strip()
    found = get_gazetteer().geocode(address) if address else None
    if found is None:
        raise ApplicationError(
            {
                "address": _(
                    "We could not find this place. Please give a German postal code "
                    "or the name of a town or district, for example “04229 Leipzig”."
                )
            }
        )
    raw = found.raw
    if latitude is not None and longitude is not None:
        lat, lon, precision, status = latitude, longitude, Precision.PIN, GeocodeStatus.PLACED
    else:
        lat, lon = found.latitude, found.longitude
        precision = raw["precision"]
        status = GeocodeStatus.PLACED
        if providers.remote_geocoding_enabled() and looks_like_street_address(address):
            status = GeocodeStatus.PENDING_REFINEMENT
    district = raw.get("district") or ""
    if precision in (Precision.PIN, Precision.POSTAL_CODE) and not district:
        # A pin, or a postal code of a city with districts: name the nearest district, so that
        # people see "Lindenau" rather than only "Leipzig". A whole town's centre names none.
        nearest = get_gazetteer().nearest_district(lat, lon)
        district = nearest.district if nearest else ""
    return Placement(
        point=_point(lat, lon),
        approx_point=_point(*approximate(lat, lon)),
        postal_code=raw.get("postal_code") or "",
        place=raw.get("place") or raw.get("city") or "",
        district=district,
        precision=precision,
        geocode_status=status,
    )


def apply_placement(record: PlacedModel, placement: Placement) -> None:
    for field in (
        "point",
        "approx_point",
        "postal_code",
        "place",
        "district",
        "precision",
        "geocode_status",
    ):
        setattr(record, field, getattr(placement, field))


def apply_refinement(record: PlacedModel, result: tuple[float, float] | None) -> bool:
    """Apply the remote geocoder's answer to the record. Returns True when it was found.

    The caller holds the row lock and saves the record.
    """
    record.geocode_attempts += 1
    if result is None:
        record.geocode_status = GeocodeStatus.REFINEMENT_FAILED
        return False
    lat, lon = result
    record.point = _point(lat, lon)
    record.approx_point = _point(*approximate(lat, lon))
    nearest = get_gazetteer().nearest_district(lat, lon)
    if nearest:
        record.district = nearest.district
    record.precision = Precision.ADDRESS
    record.geocode_status = GeocodeStatus.REFINED
    return True
