"""The public point: fixed grid, never far from the truth, never the truth itself."""

import math

from hypothesis import given
from hypothesis import strategies as st

from geo.gazetteer import haversine_km
from geo.privacy import approximate

lat = st.floats(47.2, 55.1)
lon = st.floats(5.8, 15.1)


@given(lat, lon)
def test_the_public_point_is_within_half_a_cell_diagonal(la, lo):
    a_lat, a_lon = approximate(la, lo, grid_metres=500)
    assert haversine_km(la, lo, a_lat, a_lon) * 1000 <= 500 * math.sqrt(2) / 2 + 5


@given(lat, lon)
def test_the_same_point_always_gives_the_same_public_point(la, lo):
    assert approximate(la, lo, grid_metres=500) == approximate(la, lo, grid_metres=500)


@given(lat, lon, st.floats(-0.0008, 0.0008), st.floats(-0.0008, 0.0008))
def test_nearby_points_share_cells_so_averaging_reveals_nothing(la, lo, dlat, dlon):
    # Every public point is a cell centre: snapping it again changes nothing, so many requests
    # for many nearby points only ever show the few centres of their cells.
    public = approximate(la + dlat, lo + dlon, grid_metres=500)
    assert approximate(*public, grid_metres=500) == public
