"""`donations_knn_plane` names PostGIS's schema in its body.

pg_dump and pg_restore run with an empty search_path, so a restore (scripts/restore.sh)
failed at the goods candidate index: PostgreSQL inlines the function into the index
expression and could not find `geometry` or `ST_MakePoint`. A `SET search_path` clause would
stop the inlining the index and the candidate queries rely on (migration 0007), so the body
names the schema instead; pg_catalog's functions (degrees, asinh, ...) are always found.
"""

from django.db import migrations

BODY = (
    "SELECT {s}ST_MakePoint({s}ST_X($1::{s}geometry),"
    " degrees(asinh(tan(radians({s}ST_Y($1::{s}geometry))))))"
)
# The same signature and body as before: the index over it stays valid, nothing is rebuilt.
REPLACE = """
CREATE OR REPLACE FUNCTION donations_knn_plane(geography) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ {body} $$
"""


def _replace(schema_editor, prefix: str) -> None:
    schema_editor.execute(REPLACE.format(body=BODY.format(s=prefix)))


def qualify(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'"
        )
        [schema] = cursor.fetchone()
    _replace(schema_editor, f"{schema}.")


def unqualify(apps, schema_editor):
    _replace(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0010_matched_on_public_points"),
    ]

    operations = [migrations.RunPython(qualify, unqualify)]
