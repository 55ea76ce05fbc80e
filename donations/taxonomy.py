"""The shared goods taxonomy, kept as a data file so that translators can edit it.

The `attributes` column names what matters for a category, comma-separated. Each attribute
takes its values from the list of the same name below; `name:list` picks another list (diapers
have a `size`, but not a clothing size). An attribute without a list takes any value.
"""

import csv
from pathlib import Path

TAXONOMY_FILE = Path(__file__).parent / "data" / "taxonomy.tsv"

# Adult letter sizes, and the German children's sizes by body height in cm (50 = newborn,
# 176 = a tall teenager); one list, because a jacket in 152 and one in S serve the same youth.
CLOTHING_SIZES = ["XS", "S", "M", "L", "XL", "XXL", *(str(cm) for cm in range(50, 177, 6))]
# EU shoe sizes from a toddler's first shoes to large adult feet.
SHOE_SIZES = [str(size) for size in range(16, 51)]
# Age bands in years, wide enough that a donor can tell without asking.
CHILD_AGES = ["0-1", "1-3", "3-6", "6-10", "10-14"]
# Diaper sizes as printed on the packs (0 = premature/newborn … 7 = XXL).
DIAPER_SIZES = [str(size) for size in range(0, 8)]

VALUE_LISTS: dict[str, list[str]] = {
    "size": CLOTHING_SIZES,
    "shoe_size": SHOE_SIZES,
    "age": CHILD_AGES,
    "diaper_size": DIAPER_SIZES,
}


def parse_attributes(column: str) -> tuple[list[str], dict[str, list[str]]]:
    """`size,age` or `size:diaper_size` → attribute names and their allowed values."""
    names: list[str] = []
    allowed: dict[str, list[str]] = {}
    for item in column.split(","):
        item = item.strip()
        if not item:
            continue
        name, _, list_name = item.partition(":")
        list_name = list_name or name
        if ":" in item and list_name not in VALUE_LISTS:
            raise ValueError(f"unknown value list {list_name!r} in taxonomy column {column!r}")
        names.append(name)
        if list_name in VALUE_LISTS:
            allowed[name] = list(VALUE_LISTS[list_name])
    return names, allowed


def read_taxonomy() -> list[dict]:
    """Rows in file order, parents before children."""
    with TAXONOMY_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        row["attributes"], row["allowed_values"] = parse_attributes(row["attributes"])
    return rows


def sync_taxonomy(category_model) -> int:
    """Create or update every category of the file; returns how many there are.

    Called from migrations with the historical model, so only the fields that model has are
    written (an older migration must not trip over a field added later).
    """
    fields = {f.name for f in category_model._meta.get_fields()}
    by_slug = {}
    rows = read_taxonomy()
    for row in rows:
        values = {
            "parent": by_slug.get(row["parent"]) if row["parent"] else None,
            "name_de": row["name_de"],
            "name_en": row["name_en"],
            "name_uk": row["name_uk"],
            "name_ar": row["name_ar"],
            "attributes": row["attributes"],
            "allowed_values": row["allowed_values"],
        }
        obj, _ = category_model.objects.update_or_create(
            slug=row["slug"], defaults={k: v for k, v in values.items() if k in fields}
        )
        by_slug[obj.slug] = obj
    return len(rows)
