"""The occupations taxonomy file: ISCO-08 codes, consistent groups, named in four languages.

Read with the csv module only, so a translator's edit is checked without Django or a database.
"""

import csv
from pathlib import Path

import pytest

OCCUPATIONS_FILE = Path(__file__).resolve().parents[2] / "jobs" / "data" / "occupations.tsv"
COLUMNS = ["code", "parent", "name_de", "name_en", "name_uk", "name_ar"]
NAME_COLUMNS = ["name_de", "name_en", "name_uk", "name_ar"]


def read_rows() -> tuple[list[str], list[dict[str, str]]]:
    with OCCUPATIONS_FILE.open(encoding="utf-8", newline="") as fh:
        # QUOTE_NONE: a quote a translator types is part of the name, not CSV syntax.
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


HEADER, ROWS = read_rows()
GROUPS = [row for row in ROWS if len(row["code"]) == 2]
OCCUPATIONS = [row for row in ROWS if len(row["code"]) == 4]


def test_the_header_names_the_six_columns():
    assert HEADER == COLUMNS


def test_every_row_has_exactly_the_six_columns():
    for row in ROWS:
        # DictReader files extra fields under None and fills missing ones with None.
        assert None not in row, row["code"]
        assert all(row[column] is not None for column in COLUMNS), row["code"]


def test_every_code_is_unique():
    codes = [row["code"] for row in ROWS]
    assert len(codes) == len(set(codes))


def test_every_row_is_a_group_or_an_occupation():
    assert len(GROUPS) + len(OCCUPATIONS) == len(ROWS)


@pytest.mark.parametrize("row", GROUPS, ids=[row["code"] for row in GROUPS])
def test_a_group_is_an_isco_sub_major_group_without_parent(row):
    assert row["code"].isdigit() and len(row["code"]) == 2
    assert row["parent"] == ""


@pytest.mark.parametrize("row", OCCUPATIONS, ids=[row["code"] for row in OCCUPATIONS])
def test_an_occupation_is_an_isco_unit_group_under_its_sub_major_group(row):
    group_codes = {group["code"] for group in GROUPS}
    assert row["code"].isdigit() and len(row["code"]) == 4
    assert row["parent"] == row["code"][:2]
    assert row["parent"] in group_codes


def test_every_group_comes_before_its_occupations():
    seen: set[str] = set()
    for row in ROWS:
        if row["parent"]:
            assert row["parent"] in seen, f"{row['code']}: group {row['parent']} not above it"
        seen.add(row["code"])


def test_there_are_at_least_seventy_occupations_in_at_least_ten_groups():
    assert len(OCCUPATIONS) >= 70
    assert len(GROUPS) >= 10
    assert len({row["parent"] for row in OCCUPATIONS}) >= 10


def test_every_group_has_an_occupation():
    parents = {row["parent"] for row in OCCUPATIONS}
    assert [group["code"] for group in GROUPS if group["code"] not in parents] == []


@pytest.mark.parametrize("row", ROWS, ids=[row["code"] for row in ROWS])
def test_every_row_is_named_in_all_four_languages(row):
    for column in NAME_COLUMNS:
        name = row[column]
        assert name, f"{row['code']} has no {column}"
        assert name == name.strip(), f"{row['code']} {column} has surrounding spaces"
    # Translated, not copied: the Ukrainian and Arabic names are written in their own scripts.
    assert any("\u0400" <= ch <= "\u04ff" for ch in row["name_uk"]), row["code"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in row["name_ar"]), row["code"]
