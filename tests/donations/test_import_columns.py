"""The columns of a file of goods needs, which the API's import and the initiative's import
page both read with `lifecycle.csv_import`."""

import pytest

from donations.imports import NEED_COLUMNS, goods_need_columns
from lifecycle import csv_import


@pytest.mark.django_db
def test_every_attribute_of_the_taxonomy_is_a_column_and_german_headers_are_understood():
    columns = goods_need_columns()
    assert set(NEED_COLUMNS) <= set(columns.known)
    assert {"size", "shoe_size", "age"} <= set(columns.known)
    header = "Titel;Kategorie;Menge;Ort;Groesse;Bis"
    text = f"{header}\nJacken;clothing-winter-jacket;2;Leipzig;M;1.2.2030\n"
    [row] = csv_import.read_rows(text, columns)
    assert row.values == {
        "title": "Jacken",
        "category": "clothing-winter-jacket",
        "quantity": "2",
        "address": "Leipzig",
        "size": "M",
        "deadline": "1.2.2030",
    }
