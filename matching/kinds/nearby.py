"""What a diagnosis reads around one need: the offers within the need's own radius.

Unlike the batch's candidate search (`matching.candidates`), which returns only pairs that can
be matched, a diagnosis looks at every matchable offer in range, of any category and whatever
its remaining capacity, so that it can say which hard constraint each one fails.
"""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

from matching.kinds.rows import matchable


def around(model: type[Model], need: Model, radius_km: float) -> QuerySet:
    """Matchable, placed offers within the need's radius, nearest first, each annotated with
    its `distance` (the caller slices: a diagnosis checks a bounded number).

    Ordered by the KNN operator `<->`, which the GiST index on `approx_point` answers in order, so a
    slice stops after that many rows even where thousands lie within the radius.
    """
    table = model._meta.db_table
    nearest = RawSQL(f'"{table}"."approx_point" <-> %s::geography', (need.approx_point.ewkt,))
    return (
        matchable(model.objects)
        .filter(approx_point__dwithin=(need.approx_point, D(km=radius_km)))
        .annotate(distance=Distance("approx_point", need.approx_point))
        .order_by(nearest)
    )
