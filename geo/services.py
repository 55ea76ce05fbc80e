"""Placing records on the map.

The in-process gazetteer answers at once (postal code, district or town). A street address is
placed there first and, where a remote geocoder is configured, refined later by a task: until then
the record is not matched, and if refinement fails its owner is told.
"""

import re
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from geopy.location import Location

from base.errors import ApplicationError
from geo import providers
from geo.gazetteer import District, get_gazetteer, haversine_km
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


# How far a pin (or the remote geocoder's answer) may lie from the gazetteer's point for the
# address it claims, by what the address names. The bound is the size of such an area, with
# room for a point at its edge, not a test of precision: a pin in Sydney for "04315 Leipzig"
# is refused, a pin at the far end of the town or postal code is not.
# - district: a city district's centre is approximate (within about 1 km, geo/data/README.md)
#   and a borough ("Leipzig-Südwest") is the mean of its districts, some 5 km across.
# - postal code: rural codes span several villages (in 99 % of codes every village lies within
#   11 km of the code's point), and 177 big-city codes keep a city-wide placeholder point that
#   can be 20 km from their area.
# - town: the gazetteer's point is the mean of the town's postal code points; Berlin's lie up to
#   23 km from it, merged rural municipalities as much.
PIN_BOUND_KM = {
    Precision.DISTRICT: 8.0,
    Precision.POSTAL_CODE: 25.0,
    Precision.PLACE: 30.0,
}
# Anything else the gazetteer might answer with is held to the widest bound.
_WIDEST_PIN_BOUND_KM = max(PIN_BOUND_KM.values())


def pin_bound_km(precision: str) -> float:
    """How far from the gazetteer's point for an address of this precision a pin may lie."""
    return PIN_BOUND_KM.get(precision, _WIDEST_PIN_BOUND_KM)


def _check_pin(latitude: float, longitude: float, found: Location) -> None:
    """Refuse a pin that is not where the address says (it would publish a record in a place
    other than the one it names)."""
    precision = found.raw["precision"]
    distance = haversine_km(latitude, longitude, found.latitude, found.longitude)
    if distance <= pin_bound_km(precision):
        return
    # Keyed by "address", not the pin: either may be the wrong one, and an address error is
    # what the one create path answers without repeating it as "point is required".
    raise ApplicationError(
        {
            "address": _(
                "The pin is %(km)s km away from %(place)s, the place this address names. "
                "Please move the pin there or correct the address."
            )
            % {"km": round(distance), "place": found.address}
        }
    )


def _public_district(lat: float, lon: float) -> District | None:
    """The district named for a point the user or the remote geocoder gave: the one nearest
    its public point, so that the district, which everybody sees, tells nothing about where
    the exact point lies within its grid cell (a district border can cross a cell)."""
    return get_gazetteer().nearest_district(*approximate(lat, lon))


def address_for_pin(latitude: float, longitude: float) -> str:
    """A place name for a pin set on a map without typing an address (the web pages'
    pin picker): its district as the gazetteer spells it ("Leipzig-Lindenau"), named from the
    public point like every district; "" where no district is near (the person then types an
    address or postal code)."""
    district = _public_district(latitude, longitude)
    return f"{district.city}-{district.district}" if district else ""


def place_address(
    address: str, latitude: float | None = None, longitude: float | None = None
) -> Placement:
    """Place an address with the gazetteer; a pin (latitude/longitude) set by the user wins.

    Raises ApplicationError keyed by field when the address cannot be placed at all, or when
    the pin is farther from the address's place than `pin_bound_km` allows.
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
        _check_pin(latitude, longitude, found)
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
        nearest = (
            _public_district(lat, lon)
            if precision == Precision.PIN
            else get_gazetteer().nearest_district(lat, lon)  # the gazetteer's point is public
        )
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
    # The record's point is still the gazetteer's for its address: an answer far from it is
    # the same street name in another town, not this address.
    bound = pin_bound_km(record.precision)
    if haversine_km(lat, lon, record.point.y, record.point.x) > bound:
        record.geocode_status = GeocodeStatus.REFINEMENT_FAILED
        return False
    record.point = _point(lat, lon)
    record.approx_point = _point(*approximate(lat, lon))
    nearest = _public_district(lat, lon)
    if nearest:
        record.district = nearest.district
    record.precision = Precision.ADDRESS
    record.geocode_status = GeocodeStatus.REFINED
    return True
