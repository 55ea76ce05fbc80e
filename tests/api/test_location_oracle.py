"""No location oracle: whatever someone not entitled to a record's exact place can observe of
it is computed from its public point, so many queries cannot find the exact point.

The attacker is a logged-in user who is no side of any match. They use only the distance
filter (`lat`, `lon`, `within_km`) of the list and map endpoints: does the record come back
within this circle or not? With that one bit per request they bisect the radius around three
anchors and trilaterate, and bisect the centre along the meridian and the parallel with the
smallest radius the API allows. Against a filter on the exact point both attacks find it to
about a metre; against the public point they find the grid point and nothing closer.
"""

import math

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.housing import FLAT_OFFER, HOUSEHOLD_NEED
from api.volunteers import NEED_EXAMPLE, PROFILE_EXAMPLE
from donations.models import DonationOffer, GoodsNeed
from geo.privacy import approximate
from housing.models import HousingNeed, HousingOffer
from tests.api.access import World
from tests.conftest import client_for
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.payloads import JACKETS_NEED, JACKETS_OFFER
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory
from volunteers.models import VolunteerNeed, VolunteerProfile

# WGS84, for metres per degree near a point (the database measures on the spheroid too).
_A, _E2 = 6378137.0, 0.00669437999014


def _metres_per_degree(lat: float) -> tuple[float, float]:
    phi = math.radians(lat)
    w = 1 - _E2 * math.sin(phi) ** 2
    north = math.radians(1) * _A * (1 - _E2) / w**1.5
    east = math.radians(1) * _A * math.cos(phi) / math.sqrt(w)
    return north, east


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    north, east = _metres_per_degree((a[0] + b[0]) / 2)
    return math.hypot((a[0] - b[0]) * north, (a[1] - b[1]) * east)


def _moved(origin: tuple[float, float], north_m: float, east_m: float) -> tuple[float, float]:
    north, east = _metres_per_degree(origin[0])
    return origin[0] + north_m / north, origin[1] + east_m / east


def _of_initiative(factory):
    def make(world, lat, lon):
        return factory(
            organisation=world.initiative, created_by=world.users["member"], lat=lat, lon=lon
        )

    return make


def _owned_by(factory, field, role):
    return lambda world, lat, lon: factory(**{field: world.users[role]}, lat=lat, lon=lon)


# Every list with a distance filter. Volunteer profiles and households are shown only to those
# entitled to them; the attacker must not even find them.
KINDS = {
    "goods-needs": _of_initiative(GoodsNeedFactory),
    "donation-offers": _owned_by(DonationOfferFactory, "donor", "donor"),
    "volunteer-needs": _of_initiative(VolunteerNeedFactory),
    "volunteer-profiles": _owned_by(VolunteerProfileFactory, "user", "volunteer"),
    "housing-needs": _of_initiative(HousingNeedFactory),
    "housing-offers": _owned_by(HousingOfferFactory, "landlord", "landlord"),
}
BROWSABLE = ("goods-needs", "donation-offers", "volunteer-needs", "housing-offers")
# The list and the map of a kind share the filter; the attacker may use either.
ENDPOINTS = ("", "map/")


def _smallest_radius_m() -> float:
    """The smallest circle the API answers: one cell of the public grid."""
    return float(django_settings.APPROXIMATE_GRID_METRES)


# Bisection stops when the interval is this small: far finer than the grid.
PRECISION_M = 1.0
# What bisection and the flat-earth arithmetic over a few kilometres may add to an estimate.
TOLERANCE_M = 5.0


class Oracle:
    """One bit per request: is the record in the circle? Counts the requests it took."""

    def __init__(self, client, kind: str, endpoint: str, record_id: int) -> None:
        self.client, self.url, self.record_id = client, f"/api/v1/{kind}/{endpoint}", record_id
        self.requests = 0

    def __call__(self, centre: tuple[float, float], radius_m: float) -> bool:
        self.requests += 1
        response = self.client.get(
            self.url,
            {"lat": f"{centre[0]:.7f}", "lon": f"{centre[1]:.7f}", "within_km": radius_m / 1000},
        )
        assert response.status_code == 200, response.content
        body = response.json()
        rows = body.get("features", body.get("results"))
        return any(row["id"] == self.record_id for row in rows)


def _bisect(inside, low: float, high: float) -> float:
    """The boundary where `inside(x)` turns from `inside(low)` to `inside(high)`."""
    low_inside = inside(low)
    while abs(high - low) > PRECISION_M:
        middle = (low + high) / 2
        if inside(middle) == low_inside:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def trilaterate(found: Oracle, start: tuple[float, float]) -> tuple[float, float]:
    """Shrink circles around three anchors some kilometres away until the record drops out:
    three distances, one point."""
    anchors = [_moved(start, 3000, 0), _moved(start, -1500, 2600), _moved(start, -1500, -2600)]
    smallest = _smallest_radius_m()
    ranges = [_bisect(lambda r, a=a: found(a, r), smallest, 8000) for a in anchors]
    # Flat coordinates (metres north and east of `start`); subtracting the first circle's
    # equation from the others leaves two linear equations.
    north, east = _metres_per_degree(start[0])
    xy = [((a[1] - start[1]) * east, (a[0] - start[0]) * north) for a in anchors]
    (x1, y1), (x2, y2), (x3, y3) = xy
    r1, r2, r3 = ranges
    a11, a12, b1 = 2 * (x2 - x1), 2 * (y2 - y1), r1**2 - r2**2 + x2**2 - x1**2 + y2**2 - y1**2
    a21, a22, b2 = 2 * (x3 - x1), 2 * (y3 - y1), r1**2 - r3**2 + x3**2 - x1**2 + y3**2 - y1**2
    det = a11 * a22 - a12 * a21
    x, y = (b1 * a22 - a12 * b2) / det, (a11 * b2 - a21 * b1) / det
    return _moved(start, y, x)


def slide(found: Oracle, start: tuple[float, float]) -> tuple[float, float]:
    """Slide the smallest circle the API allows north, south, east and west of `start` until
    the record drops out; the middle of each pair of edges is the record's coordinate."""
    radius = _smallest_radius_m()
    reach = 2 * radius + 800  # beyond the record from any start within its cell
    edges = {}
    for name, (dn, de) in {"n": (1, 0), "s": (-1, 0), "e": (0, 1), "w": (0, -1)}.items():
        edges[name] = _bisect(
            lambda d, dn=dn, de=de: found(_moved(start, dn * d, de * d), radius), 0, reach
        )
    # With the record at (y, x) from `start`: (n - y)² + x² = r² = (s + y)² + x², so
    # y = (n - s) / 2, and the same for x from east and west.
    return _moved(start, (edges["n"] - edges["s"]) / 2, (edges["e"] - edges["w"]) / 2)


# Leipzig and around, to a micrometre: an exact point is (almost) never a grid point.
latitudes = st.floats(min_value=51.25, max_value=51.45).map(lambda v: round(v, 6))
longitudes = st.floats(min_value=12.20, max_value=12.55).map(lambda v: round(v, 6))


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    endpoint=st.sampled_from(ENDPOINTS),
    attack=st.sampled_from([trilaterate, slide]),
    lat=latitudes,
    lon=longitudes,
)
def test_an_attacker_never_locates_a_record_closer_than_half_a_grid_cell(
    kind, endpoint, attack, lat, lon
):
    savepoint = transaction.savepoint()
    try:
        cache.clear()  # throttles count per example
        world = World.build()
        record = KINDS[kind](world, lat, lon)
        attacker = client_for(world.users["other_member"])
        found = Oracle(attacker, kind, endpoint, record.pk)
        exact = (lat, lon)
        public = (record.approx_point.y, record.approx_point.x)
        assert public == approximate(lat, lon)

        if kind not in BROWSABLE:
            assert not found(public, 50_000), f"{kind} is shown to someone not entitled"
            return
        # What the attacker knows to begin with: the public point every response shows.
        assert found(public, _smallest_radius_m())
        half_cell = django_settings.APPROXIMATE_GRID_METRES / 2
        # Closer than the public point itself is to the truth, or than half a cell, is a leak.
        allowed = min(half_cell, _distance_m(public, exact)) - TOLERANCE_M
        guess = attack(found, public)
        off = _distance_m(guess, exact)
        assert off >= allowed, (
            f"{attack.__name__} on {kind}/{endpoint} put the record {off:.1f} m from its exact "
            f"point in {found.requests} requests; the public point is "
            f"{_distance_m(public, exact):.1f} m from it"
        )
    finally:
        transaction.savepoint_rollback(savepoint)


# --- the radius and the point the filter uses, by example ----------------------------------


def _ids(client, url: str, **query) -> list[int]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BROWSABLE)
def test_a_radius_below_the_grid_is_refused_with_a_field_message(kind):
    world = World.build()
    KINDS[kind](world, 51.34, 12.37)
    client = client_for(world.users["other_member"])
    url = f"/api/v1/{kind}/"
    for radius in ("0.3", "0.01", "0", "-1"):
        response = client.get(url, {"lat": 51.34, "lon": 12.37, "within_km": radius})
        assert response.status_code == 400, (radius, response.content)
        assert set(response.json()) == {"within_km"}, response.json()
    message = client.get(url, {"lat": 51.34, "lon": 12.37, "within_km": "0.3"}).json()
    assert "0.5 km" in message["within_km"][0]
    map_response = client.get(f"{url}map/", {"lat": 51.34, "lon": 12.37, "within_km": "0.2"})
    assert map_response.status_code == 400 and "within_km" in map_response.json()
    assert len(_ids(client, url, lat=51.34, lon=12.37, within_km="0.5")) == 1


@pytest.mark.django_db
def test_the_smallest_radius_follows_the_grid(settings):
    settings.APPROXIMATE_GRID_METRES = 1000
    world = World.build()
    client = client_for(world.users["member"])
    response = client.get("/api/v1/goods-needs/", {"lat": 51.34, "lon": 12.37, "within_km": 0.8})
    assert response.status_code == 400 and "1.0 km" in response.json()["within_km"][0]


@pytest.mark.django_db
def test_the_circle_counts_records_by_their_public_point_for_everyone():
    world = World.build()
    exact = (51.3427, 12.3750)
    public = approximate(*exact)
    need = GoodsNeedFactory(
        organisation=world.initiative, created_by=world.users["member"], lat=exact[0], lon=exact[1]
    )
    assert _distance_m(public, exact) > 100  # far enough apart to tell which one counts
    # A circle of 0.5 km whose edge passes between the two points, on the far side of the
    # exact point from the public one: it holds the exact point but not the public point.
    north, east = _metres_per_degree(exact[0])
    dy, dx = (exact[0] - public[0]) * north, (exact[1] - public[1]) * east
    gap = math.hypot(dx, dy)
    unit = (dy / gap, dx / gap)
    holds_exact_only = _moved(public, unit[0] * (gap + 480), unit[1] * (gap + 480))
    holds_public_only = _moved(public, -unit[0] * 480, -unit[1] * 480)
    assert _distance_m(holds_exact_only, exact) < 500 < _distance_m(holds_exact_only, public)
    assert _distance_m(holds_public_only, public) < 500 < _distance_m(holds_public_only, exact)
    for role in ("other_member", "member", "coordinator"):  # not entitled, owner, coordinator
        client = client_for(world.users[role])
        near = {"within_km": "0.5"}
        lat, lon = holds_exact_only
        assert _ids(client, "/api/v1/goods-needs/", lat=lat, lon=lon, **near) == [], role
        lat, lon = holds_public_only
        assert _ids(client, "/api/v1/goods-needs/", lat=lat, lon=lon, **near) == [need.pk], role


# --- a pin far from the address it claims --------------------------------------------------

SYDNEY = {"latitude": -33.8688, "longitude": 151.2093}
# (kind, who posts, what): every kind of need and offer.
CREATES = [
    ("donation-offers", "donor", JACKETS_OFFER),
    ("goods-needs", "member", JACKETS_NEED),
    ("housing-offers", "landlord", FLAT_OFFER),
    ("volunteer-profiles", "volunteer", PROFILE_EXAMPLE),
    ("volunteer-needs", "member", NEED_EXAMPLE),
    ("housing-needs", "member", HOUSEHOLD_NEED),
]


def _model_of(kind: str):
    return {
        "goods-needs": GoodsNeed,
        "donation-offers": DonationOffer,
        "volunteer-needs": VolunteerNeed,
        "volunteer-profiles": VolunteerProfile,
        "housing-needs": HousingNeed,
        "housing-offers": HousingOffer,
    }[kind]


@pytest.mark.django_db
@pytest.mark.parametrize("kind,role,payload", CREATES, ids=[c[0] for c in CREATES])
def test_a_record_pinned_far_from_its_address_is_refused_and_nothing_is_stored(kind, role, payload):
    world = World.build()
    client = client_for(world.users[role])
    body = {**payload, "address": "04315 Leipzig", **SYDNEY}
    response = client.post(f"/api/v1/{kind}/", body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"address"}
    assert "04315 Leipzig" in response.json()["address"][0]
    assert not _model_of(kind).objects.exists()
    # The same pin where the address is: taken.
    body.update(latitude=51.3480, longitude=12.4120)
    response = client.post(f"/api/v1/{kind}/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["location"] == {"lat": 51.348, "lon": 12.412}


@pytest.mark.django_db
@pytest.mark.parametrize("kind,role,payload", CREATES[:4], ids=[c[0] for c in CREATES[:4]])
def test_moving_a_pin_far_from_its_address_is_refused_and_changes_nothing(kind, role, payload):
    world = World.build()
    client = client_for(world.users[role])
    created = client.post(
        f"/api/v1/{kind}/", {**payload, "address": "04315 Leipzig"}, format="json"
    )
    assert created.status_code == 201, created.content
    record = _model_of(kind).objects.get()
    before = (record.address, record.point, record.approx_point, record.district, record.precision)

    change = {"address": "04315 Leipzig", **SYDNEY}
    response = client.patch(f"/api/v1/{kind}/{record.pk}/", change, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"address"}
    record.refresh_from_db()
    after = (record.address, record.point, record.approx_point, record.district, record.precision)
    assert after == before
    assert record.history.count() == 1  # no change was recorded either
