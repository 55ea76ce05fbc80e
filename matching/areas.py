"""Areas that matching is partitioned into: cells of a fixed latitude/longitude grid.

A batch allocates the open needs of one cell together with every offer in their reach, so
batches of different cells can run on different workers at once. They may reach for the same
offer near a border: row locks taken with SKIP LOCKED keep it from being promised twice, and a
later batch may revise the neighbour's unseen proposals on it (see `matching.batches`).
The grid is fixed in degrees, not fitted to one city, so any place on earth has a cell.
"""

import math

from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import F, Func, IntegerField, QuerySet

Cell = str  # "row:col", e.g. "285:44" for central Leipzig with the default grid


def _steps() -> tuple[float, float]:
    lat_step, lon_step = settings.MATCHING_CELL_DEGREES
    return float(lat_step), float(lon_step)


def cell_of(point: Point) -> Cell:
    lat_step, lon_step = _steps()
    return f"{math.floor(point.y / lat_step)}:{math.floor(point.x / lon_step)}"


def parse_cell(cell: Cell) -> tuple[int, int]:
    """(row, col) of a cell key; ValueError for anything else."""
    row, col = cell.split(":")
    return int(row), int(col)


def cell_polygon(cell: Cell) -> Polygon:
    row, col = parse_cell(cell)
    lat_step, lon_step = _steps()
    south, west = row * lat_step, col * lon_step
    return Polygon.from_bbox((west, south, west + lon_step, south + lat_step))


def in_cell(queryset: QuerySet, cell: Cell) -> QuerySet:
    """Records of `queryset` placed in `cell`: exactly those that `cell_of` and
    `cells_of_queryset` put there, so that the batch a change schedules sees the record.

    The GiST index finds them in the cell's box widened by a margin; the floor of the degrees
    then decides. The box alone is not the cell on geography: its edges are great-circle arcs,
    and one between two corners on a parallel bulges poleward (9 m half-way along a cell
    0.28° wide at 54°), so a record just north of a parallel sat in the southern neighbour's
    polygon, never in its own, and kept its flag (and its cell's sweep) forever.
    """
    row, col = parse_cell(cell)
    lat_step, lon_step = _steps()
    margin = max(lat_step, lon_step) * 0.05  # far above any bulge of cells up to 10° wide
    south, west = row * lat_step, col * lon_step
    box = Polygon.from_bbox(
        (west - margin, south - margin, west + lon_step + margin, south + lat_step + margin)
    )
    return (
        queryset.filter(approx_point__intersects=box)
        .alias(cell_row=_cell_index("Y", lat_step), cell_col=_cell_index("X", lon_step))
        .filter(cell_row=row, cell_col=col)
    )


def _cell_index(axis: str, step: float) -> Func:
    # The step comes from settings, never from a request, so it may be part of the SQL text.
    return Func(
        F("approx_point"),
        template=f"floor(ST_{axis}(%(expressions)s::geometry) / {float(step)!r})::int",
        output_field=IntegerField(),
    )


def cells_of_needs_within(need_queryset: QuerySet, point: Point, radius_m: float) -> set[Cell]:
    """Cells of the needs in `need_queryset` within `radius_m` of `point`: the cells an offer
    there could serve."""
    return cells_of_queryset(need_queryset.filter(approx_point__dwithin=(point, D(m=radius_m))))


def cells_of_queryset(queryset: QuerySet) -> set[Cell]:
    """Distinct cells of the records of `queryset`, computed by the database."""
    lat_step, lon_step = _steps()
    rows = (
        queryset.annotate(cell_row=_cell_index("Y", lat_step), cell_col=_cell_index("X", lon_step))
        .values_list("cell_row", "cell_col")
        .order_by()
        .distinct()
    )
    return {f"{row}:{col}" for row, col in rows}
