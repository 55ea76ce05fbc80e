"""The goods taxonomy: complete, translated, consistent, and loaded into the database."""

import pytest

from donations.models import Category
from donations.taxonomy import (
    CHILD_AGES,
    CLOTHING_SIZES,
    SHOE_SIZES,
    parse_attributes,
    read_taxonomy,
    sync_taxonomy,
)

ROWS = read_taxonomy()
LANGUAGES = ("de", "en", "uk", "ar")
GROUPS = (
    "clothing",
    "shoes",
    "furniture",
    "kitchen",
    "bedding",
    "hygiene",
    "baby",
    "school",
    "electronics",
    "mobility",
)


def test_the_taxonomy_has_at_least_sixty_categories_with_unique_slugs():
    slugs = [row["slug"] for row in ROWS]
    assert len(slugs) >= 60
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize("row", ROWS, ids=[row["slug"] for row in ROWS])
def test_every_category_is_named_in_all_four_languages(row):
    for language in LANGUAGES:
        assert row[f"name_{language}"].strip(), f"{row['slug']} has no name_{language}"
    # Translated, not copied: the Ukrainian and Arabic names are written in their own scripts.
    assert any("\u0400" <= ch <= "\u04ff" for ch in row["name_uk"]), row["slug"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in row["name_ar"]), row["slug"]


def test_every_parent_exists_and_comes_before_its_children():
    seen = set()
    for row in ROWS:
        if row["parent"]:
            assert row["parent"] in seen, f"{row['slug']}: parent {row['parent']} not above it"
        seen.add(row["slug"])


def test_every_group_has_subcategories():
    for group in GROUPS:
        children = [row for row in ROWS if row["parent"] == group]
        assert len(children) >= 4, group


def test_slugs_that_records_and_the_demo_use_are_kept():
    slugs = {row["slug"] for row in ROWS}
    for slug in (
        "clothing-winter-jacket",
        "clothing-children",
        "shoes-winter-boots",
        "furniture-bed",
        "hygiene-diapers",
        "baby-stroller",
        "baby-toys",
        "mobility-adult-bicycle",
    ):
        assert slug in slugs


def test_attributes_carry_the_value_lists_that_matter():
    by_slug = {row["slug"]: row for row in ROWS}
    assert by_slug["clothing-winter-jacket"]["allowed_values"]["size"] == CLOTHING_SIZES
    assert {"XS", "M", "XXL", "86", "116", "176"} <= set(CLOTHING_SIZES)
    assert by_slug["shoes-winter-boots"]["allowed_values"]["shoe_size"] == SHOE_SIZES
    assert SHOE_SIZES[0] == "16" and SHOE_SIZES[-1] == "50"
    assert by_slug["baby-toys"]["allowed_values"]["age"] == CHILD_AGES
    assert CHILD_AGES == ["0-1", "1-3", "3-6", "6-10", "10-14"]
    # Diapers have a size, but not a clothing size.
    assert by_slug["hygiene-diapers"]["attributes"] == ["size"]
    assert "4" in by_slug["hygiene-diapers"]["allowed_values"]["size"]
    assert "M" not in by_slug["hygiene-diapers"]["allowed_values"]["size"]
    assert by_slug["furniture-bed"]["attributes"] == []


def test_an_attribute_may_name_another_value_list_but_not_an_unknown_one():
    assert parse_attributes("size:diaper_size,age")[0] == ["size", "age"]
    assert parse_attributes("colour") == (["colour"], {})  # free text
    with pytest.raises(ValueError):
        parse_attributes("size:hat_size")


@pytest.mark.django_db
def test_the_migrations_load_the_whole_file_and_syncing_again_changes_nothing():
    assert Category.objects.count() == len(ROWS)
    jacket = Category.objects.get(slug="clothing-winter-jacket")
    assert jacket.parent.slug == "clothing"
    assert jacket.allowed_values["size"] == CLOTHING_SIZES
    assert sync_taxonomy(Category) == len(ROWS)
    assert Category.objects.count() == len(ROWS)
    assert not Category.objects.filter(name_ar="").exists()
    assert not Category.objects.filter(name_uk="").exists()
