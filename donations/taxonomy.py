"""The shared goods taxonomy, kept as a data file so that translators can edit it."""

import csv
from pathlib import Path

TAXONOMY_FILE = Path(__file__).parent / "data" / "taxonomy.tsv"


def read_taxonomy() -> list[dict]:
    """Rows in file order, parents before children."""
    with TAXONOMY_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        row["attributes"] = [a for a in row["attributes"].split(",") if a]
    return rows


def sync_taxonomy(category_model) -> int:
    """Create or update every category of the file; returns how many there are."""
    by_slug = {}
    rows = read_taxonomy()
    for row in rows:
        obj, _ = category_model.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "parent": by_slug.get(row["parent"]) if row["parent"] else None,
                "name_de": row["name_de"],
                "name_en": row["name_en"],
                "name_uk": row["name_uk"],
                "name_ar": row["name_ar"],
                "attributes": row["attributes"],
            },
        )
        by_slug[obj.slug] = obj
    return len(rows)
