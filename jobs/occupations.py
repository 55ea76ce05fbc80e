"""The shared occupations taxonomy, kept as a data file that translators can edit.

Codes are ISCO-08: two digits for a sub-major group (the groups people and employers pick
from first), four for a unit group whose parent is the group of its first two digits. A job
may name a group, which then accepts experience in any of its members.
"""

import csv
from pathlib import Path

OCCUPATIONS_FILE = Path(__file__).parent / "data" / "occupations.tsv"
NAME_COLUMNS = ("name_de", "name_en", "name_uk", "name_ar")


def read_occupations() -> list[dict]:
    """Rows in file order; groups come before their members (the file's order is not relied
    on: groups are sorted first)."""
    with OCCUPATIONS_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return sorted(rows, key=lambda row: (bool(row["parent"]), row["code"]))


def sync_occupations(occupation_model) -> int:
    """Create or update every occupation of the file; how many there are. Called from a
    migration with the historical model."""
    by_code = {}
    rows = read_occupations()
    for row in rows:
        values = {name: row[name].strip() for name in NAME_COLUMNS}
        values["parent"] = by_code[row["parent"]] if row["parent"] else None
        obj, _ = occupation_model.objects.update_or_create(code=row["code"], defaults=values)
        by_code[obj.code] = obj
    return len(rows)
