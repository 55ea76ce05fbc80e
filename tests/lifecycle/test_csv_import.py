"""The one CSV reader below the API's import and the initiative's import page: plain rows and
its own refusals, without a request, a serializer or a form."""

import io

import pytest

from lifecycle import csv_import
from lifecycle.csv_import import CsvColumns, CsvFileError, UnreadableLine

COLUMNS = CsvColumns(
    known=("title", "quantity", "deadline", "longitude"),
    required=("title", "quantity"),
    aliases={"titel": "title", "menge": "quantity", "frist": "deadline"},
    numeric=("quantity", "longitude"),
)
FORMULA = "A cell may not begin with =, +, - or @"


def _rows(*lines: str) -> list[csv_import.CsvRow]:
    return csv_import.read_rows("\r\n".join(lines) + "\r\n", COLUMNS)


class _Upload:
    """An upload as Django hands it over: a declared size (or none) and read()."""

    def __init__(self, raw: bytes, size: int | None) -> None:
        self.size = size
        self._file = io.BytesIO(raw)
        self.read_sizes: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        return self._file.read(size)


@pytest.mark.parametrize("cell", ['=HYPERLINK("x")', "+cmd|x", "-2+3", "@SUM(A1)", "  =1", "\tx"])
def test_a_formula_cell_is_refused_for_its_column(cell):
    [row] = _rows("title;quantity", f'"{cell}";2')
    assert "title" not in row.values
    assert any(FORMULA in message for message in row.errors["title"])
    assert row.values == {"quantity": "2"} and row.readable and not row.problems


def test_a_numeric_column_may_begin_with_a_minus():
    [row] = _rows("title;quantity;longitude", "Jacken;2;-0.5")
    assert row.values == {"title": "Jacken", "quantity": "2", "longitude": "-0.5"}
    assert not row.errors


def test_german_headers_dates_and_decimal_commas_are_converted():
    [row] = _rows("Titel;Menge;Frist;longitude", "Jacken;2;31.12.2030;12,5")
    assert row.values == {
        "title": "Jacken",
        "quantity": "2",
        "deadline": "31.12.2030",
        "longitude": "12,5",
    }
    assert csv_import.iso_date(row.values["deadline"]) == "2030-12-31"
    assert csv_import.iso_date("1.2.2030") == "2030-02-01"
    assert csv_import.decimal_point(row.values["longitude"]) == "12.5"
    assert csv_import.decimal_point("-0,25") == "-0.25"
    # Anything else is left for the edge's parser to judge.
    assert csv_import.iso_date("2030-12-31") == "2030-12-31"
    assert csv_import.iso_date("31.12.30") == "31.12.30"
    assert csv_import.decimal_point("1,000,000") == "1,000,000"


def test_a_row_with_more_cells_than_the_header_is_a_problem_of_the_row():
    first, second = _rows("title,quantity", "Jacken,2,oops", "Schuhe,3,,")
    assert first.problems == ["This row has more cells than the header."]
    assert first.values == {"title": "Jacken", "quantity": "2"} and not first.errors
    assert second.problems == []  # empty trailing cells, as spreadsheets write them


def test_lines_count_from_the_header_and_blank_rows_are_skipped():
    rows = _rows("title\tquantity", "Jacken\t2", "", "\t", '"Schuhe\nwarm"\t3', "Mützen\t4")
    assert [row.line for row in rows] == [2, 5, 7]
    assert rows[1].values["title"] == "Schuhe\nwarm"


def test_a_row_over_the_row_limit_is_reported_and_not_read():
    cell = "x" * (csv_import.MAX_ROW_CHARS // 4)
    [row] = _rows("title;quantity", ";".join([cell] * 5))
    assert not row.readable and row.values == {} and row.errors == {}
    assert row.problems == [f"This row has more than {csv_import.MAX_ROW_CHARS} characters."]


def test_a_too_big_file_is_refused_before_it_is_read():
    upload = _Upload(b"title;quantity\n", size=csv_import.MAX_IMPORT_BYTES + 1)
    with pytest.raises(CsvFileError, match="larger than 1000 kB"):
        csv_import.read_upload(upload)
    assert upload.read_sizes == []


def test_a_too_big_file_without_a_declared_size_is_refused_after_one_byte_too_many():
    raw = b"title;quantity\n" + b"Jacken;2\n" * (csv_import.MAX_IMPORT_BYTES // 9)
    upload = _Upload(raw, size=None)
    read = csv_import.read_upload(upload)
    assert upload.read_sizes == [csv_import.MAX_IMPORT_BYTES + 1]
    with pytest.raises(CsvFileError, match="larger than 1000 kB"):
        csv_import.decode(read)


@pytest.mark.parametrize(
    "raw,words",
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param("title;quantity\nJäcken;2\n".encode("cp1252"), "UTF-8", id="not-utf8"),
    ],
)
def test_a_file_that_cannot_be_decoded_is_refused(raw, words):
    with pytest.raises(CsvFileError, match=words):
        csv_import.decode(raw)


def test_a_byte_order_mark_is_not_part_of_the_first_column():
    text = csv_import.decode("\ufefftitle;quantity\nJacken;2\n".encode())
    assert csv_import.read_rows(text, COLUMNS)[0].values == {"title": "Jacken", "quantity": "2"}


@pytest.mark.parametrize(
    "text,words",
    [
        pytest.param("title;quantity\n", "no rows", id="header-only"),
        pytest.param("title\nJacken\n", "Missing columns: quantity", id="missing"),
        pytest.param("title;quantity;colour\n", "Unknown columns: colour", id="unknown"),
        pytest.param("title;Titel;quantity\n", "named more than once: title", id="twice"),
        pytest.param("title;quan\x00tity\n", "characters that are not allowed", id="nul"),
    ],
)
def test_a_header_that_does_not_fit_refuses_the_file(text, words):
    with pytest.raises(CsvFileError, match=words):
        csv_import.read_rows(text, COLUMNS)


def test_the_row_limit_counts_rows(monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_IMPORT_ROWS", 2)
    assert len(_rows("title;quantity", "a;1", "", "b;2")) == 2
    with pytest.raises(CsvFileError, match="more than 2 rows"):
        _rows("title;quantity", "a;1", "b;2", "c;3")


def test_a_line_the_csv_module_cannot_read_past_names_its_line():
    huge = "x" * 131_073  # over the csv module's own field limit: it gives up on the file
    with pytest.raises(UnreadableLine) as caught:
        _rows("title;quantity", "a;1", f"{huge};2", "b;3")
    assert caught.value.line == 3
    assert caught.value.message == f"A cell has more than {csv_import.MAX_CELL_CHARS} characters."
    assert "field limit" in str(caught.value.error)
