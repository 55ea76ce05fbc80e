"""Public, approximate points.

An exact point is snapped to the centre of a fixed grid cell (about 500 m by default). The same
exact point always gives the same public point, so repeated requests cannot be averaged back to
the truth, as fresh random noise could be.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

METRES_PER_DEGREE_LAT = 111_320.0


def approximate(lat: float, lon: float, grid_metres: int | None = None) -> tuple[float, float]:
    grid = grid_metres or settings.APPROXIMATE_GRID_METRES
    lat_step = grid / METRES_PER_DEGREE_LAT
    snapped_lat = (math.floor(lat / lat_step) + 0.5) * lat_step
    # The longitude step depends only on the snapped latitude, so every point in one row of
    # cells shares one step and the grid stays fixed.
    lon_step = grid / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(snapped_lat)), 0.01))
    snapped_lon = (math.floor(lon / lon_step) + 0.5) * lon_step
    return round(snapped_lat, 6), round(snapped_lon, 6)


def minimum_search_radius_km() -> float:
    """The smallest radius a search around a point may ask for: one grid cell.

    Searches are answered from public points, so a smaller circle could not find anything
    more precisely; it would only suggest a precision the answer does not have.
    """
    return settings.APPROXIMATE_GRID_METRES / 1000


@deconstructible
class AtLeastOneGridCell:
    """A radius a person chooses (how far they deliver, travel or search) is at least one cell
    of the public grid. Matching measures between public points, so a smaller radius could
    not be honoured more precisely; refusing it says so instead of pretending. Read at call
    time, so a city with a coarser grid raises the floor without a migration."""

    def __call__(self, value: float | None) -> None:
        smallest = minimum_search_radius_km()
        if value is not None and value < smallest:
            raise ValidationError(
                _("Places are public only to about %(metres)s m, so choose at least %(km)s km."),
                code="min_value",
                params={"metres": settings.APPROXIMATE_GRID_METRES, "km": smallest},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AtLeastOneGridCell)

    def __hash__(self) -> int:
        return hash(type(self).__name__)
