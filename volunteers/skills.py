"""The shared skill list, kept as a data file so that translators can edit it."""

import csv
from pathlib import Path

SKILLS_FILE = Path(__file__).parent / "data" / "skills.tsv"
NAME_FIELDS = ("name_de", "name_en", "name_uk", "name_ar")


def read_skills() -> list[dict]:
    """Rows in file order."""
    with SKILLS_FILE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def sync_skills(skill_model) -> int:
    """Create or update every skill of the file; returns how many there are.

    Takes the model as an argument so that the data migration can pass its historical model.
    Skills no longer in the file stay: profiles and needs may still refer to them.
    """
    rows = read_skills()
    for row in rows:
        skill_model.objects.update_or_create(
            slug=row["slug"], defaults={name: row[name] for name in NAME_FIELDS}
        )
    return len(rows)
