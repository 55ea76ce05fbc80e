"""The goods candidate index over (category, point on the Mercator plane) instead of
(category, geography point).

A 2-D geometry GiST built by inserts stays tighter than the 3-D geography one as the table
grows (bench/README.md: p95 of one need's search at a million offers 1.2 -> 0.7 ms). The
plane is spherical Mercator in degrees: conformal, so near a need planar distance is true
distance times one scale in every direction, and the walk in planar order is nearly the walk
in true order; matching.candidates checks every walk against true distances, so results stay
exact wherever the approximation is weaker.
"""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

# asinh(tan φ) is the Mercator ordinate; unlike ln(tan(π/4 + φ/2)) it is finite at the poles.
# A single SELECT, IMMUTABLE: PostgreSQL inlines it into the index and into the queries, so
# both read the same expression and no function call is paid per row.
CREATE_PLANE = """
CREATE FUNCTION donations_knn_plane(geography) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ST_MakePoint(ST_X($1::geometry), degrees(asinh(tan(radians(ST_Y($1::geometry)))))) $$
"""
DROP_PLANE = "DROP FUNCTION donations_knn_plane(geography)"

_MATCHABLE_WITH_STOCK = models.Q(
    ("status__in", ("open", "partly_matched")),
    ("geocode_status__in", ["placed", "refined"]),
    ("quantity_open__gt", 0),
)


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0006_candidate_indexes"),
    ]

    operations = [
        migrations.RunSQL(CREATE_PLANE, reverse_sql=DROP_PLANE),
        migrations.RemoveIndex(
            model_name="donationoffer",
            name="donationoffer_cat_point_gist",
        ),
        migrations.AddIndex(
            model_name="donationoffer",
            index=django.contrib.postgres.indexes.GistIndex(
                models.F("category"),
                models.Func(
                    models.F("point"),
                    function="donations_knn_plane",
                    output_field=django.contrib.gis.db.models.fields.PointField(srid=4326),
                ),
                condition=_MATCHABLE_WITH_STOCK,
                name="donationoffer_cat_point_gist",
            ),
        ),
    ]
