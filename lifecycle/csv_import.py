"""Reading a CSV file of records: the one reader every import uses, from the API or a page.

It lives below both edges (`api` and `web` may not import each other) and knows neither: it
takes bytes or text and a kind's columns, and answers plain rows or its own exceptions, which
each edge turns into its own form (a 400 on "file", a message beside the file field). What a
row means (its fields, their types) is for the kind and its edge; the single-record rules
stay in the services, which `lifecycle.imports.create_all_or_nothing` runs for every row.

Files come from spreadsheets: UTF-8 with or without a byte order mark, "," or ";" or a tab
between cells (German Excel writes ";"), a header row naming the columns. Limits keep one
request from tying up a worker: an oversized file is refused before any of it is parsed, and a
cell or a row over its own limit is a message for its line (Python's csv module gives up on a
cell of 131,072 characters; the limits here are far below that).

Every cell is held to the text rule (`base.text`: null bytes, direction and control
characters are refused), and a text cell may not begin with "=", "+", "-" or "@" (also after
spaces, or with a tab or carriage return first): a spreadsheet that opens the data again
(an export, a coordinator's copy) would run it as a formula (`=HYPERLINK(…)`, `+cmd|…`).
Such a cell is refused, not escaped: an escaped "'=…" would be stored as text nobody wrote.
Numeric columns (a quantity, a coordinate) are exempt, since "-0.5" is a longitude and they
are read as numbers, so no formula gets through there.
"""

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from base.text import FORMULA_START, text_problems

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 1000
# The longest field a row fills (a description) takes 4,000 characters; a row of every column
# at its longest stays below the row limit.
MAX_CELL_CHARS = 5_000
MAX_ROW_CHARS = 20_000
DELIMITERS = (";", ",", "\t")


class CsvFileError(Exception):
    """The file as a whole cannot be read (size, encoding, header, number of rows); the
    message, already translated, says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableLine(Exception):  # noqa: N818 - an outcome the edge reports, not a bug
    """The csv module cannot go on at `line` (a cell over its limit, an unclosed quote) and
    gives up on the rest of the file. `message` says so for that line; `error` is the csv
    module's own words, for an edge that reports the line differently."""

    def __init__(self, line: int, message: str, error: csv.Error) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.error = error


@dataclass(frozen=True)
class CsvColumns:
    """The columns a kind's file may have. `aliases` maps other header spellings (e.g. the
    German ones) to column names; headers are compared without case, spaces or dashes."""

    known: Sequence[str]
    required: Sequence[str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Columns read as numbers: exempt from the formula check (see the module's docstring).
    numeric: Sequence[str] = ()

    def resolve(self, header: str) -> str:
        key = re.sub(r"[\s\-]+", "_", header.strip().casefold())
        return self.aliases.get(key, key)


@dataclass
class CsvRow:
    """One data row: its first line in the file (the header is line 1), its cells by column
    (blank cells and refused cells left out), why cells were refused by column (`errors`),
    and what is wrong with the row as a whole (`problems`; each edge files them under its own
    key). A row too long to look at is not `readable`: it has no values and is only
    reported."""

    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    readable: bool = True


class Upload(Protocol):
    """What `read_upload` needs of an uploaded file (Django's UploadedFile has it)."""

    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def _too_large() -> CsvFileError:
    return CsvFileError(
        _("The file is larger than %(limit)s kB; split it into several files.")
        % {"limit": MAX_IMPORT_BYTES // 1000}
    )


def read_upload(upload: Upload) -> bytes:
    """The bytes of an upload, refused by its declared size before anything is read, and
    never more than one byte over the limit read (for `decode` to refuse)."""
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise _too_large()
    return upload.read(MAX_IMPORT_BYTES + 1)


def decode(raw: bytes) -> str:
    """The text of a file, or CsvFileError when it is too large, not UTF-8 or empty."""
    if len(raw) > MAX_IMPORT_BYTES:  # the upload did not know its size
        raise _too_large()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.")
        ) from exc
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    return text


def read_rows(text: str, columns: CsvColumns) -> list[CsvRow]:
    """The data rows of a file's text (from `decode`), or CsvFileError saying what is wrong
    with it as a whole (header, number of rows), or UnreadableLine for a line the csv module
    cannot read past."""
    header_line = text.splitlines()[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        raise CsvFileError(_("The first line cannot be read: %(error)s") % {"error": exc}) from exc
    if any(text_problems(cell) for cell in header_cells):
        raise CsvFileError(_("The first line contains characters that are not allowed."))
    header = [columns.resolve(cell) for cell in header_cells]
    _check_header(header, columns)
    rows: list[CsvRow] = []
    previous_line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The csv module gives up on the whole rest of the file: this line is the answer,
            # and nothing is written.
            raise _unreadable_line(previous_line + 1, exc) from exc
        line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and the ";;;;" rows spreadsheets leave at the end
        if len(rows) == MAX_IMPORT_ROWS:
            raise CsvFileError(
                _("The file has more than %(limit)s rows; split it into several files.")
                % {"limit": MAX_IMPORT_ROWS}
            )
        rows.append(_read_row(line, header, cells, columns))
    if not rows:
        raise CsvFileError(_("The file has a header but no rows."))
    return rows


def _unreadable_line(line: int, error: csv.Error) -> UnreadableLine:
    if "field larger than field limit" in str(error):
        message = _("A cell has more than %(limit)s characters.") % {"limit": MAX_CELL_CHARS}
    else:
        message = _("This line cannot be read as CSV: %(error)s.") % {"error": error}
    return UnreadableLine(line, message, error)


def _read_row(line: int, header: list[str], cells: list[str], columns: CsvColumns) -> CsvRow:
    """One row's cells by column, each cell judged on its own (see `_cell_problems`)."""
    row = CsvRow(line=line, values={})
    if sum(len(cell) for cell in cells) > MAX_ROW_CHARS:
        row.problems = [
            _("This row has more than %(limit)s characters.") % {"limit": MAX_ROW_CHARS}
        ]
        row.readable = False
        return row
    for name, cell in zip(header, cells, strict=False):
        if not name or not cell.strip():
            continue
        problems = _cell_problems(cell, numeric=name in columns.numeric)
        if problems:
            row.errors[name] = problems
        else:
            row.values[name] = cell.strip()
    if any(cell.strip() for cell in cells[len(header) :]):
        row.problems = [_("This row has more cells than the header.")]
    return row


def _cell_problems(cell: str, *, numeric: bool) -> list[str]:
    """Why a cell (as it stands in the file) is refused: its length, the text rule (how its
    line breaks are spelled is the service's business, which knows the field), a formula."""
    if len(cell) > MAX_CELL_CHARS:
        return [_("This cell has more than %(limit)s characters.") % {"limit": MAX_CELL_CHARS}]
    problems = text_problems(cell)
    if not numeric and FORMULA_START.match(cell):
        problems.append(
            _(
                "A cell may not begin with =, +, - or @ (a spreadsheet would run it as a "
                "formula); begin the text with a letter or a digit."
            )
        )
    return problems


def _check_header(header: list[str], columns: CsvColumns) -> None:
    if not any(header):
        raise CsvFileError(_("The first line must name the columns."))
    # Shortened: the answer should not repeat a whole cell of junk back.
    unknown = [name[:60] for name in header if name and name not in columns.known]
    if unknown:
        raise CsvFileError(
            _("Unknown columns: %(unknown)s. Known columns: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(columns.known)}
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise CsvFileError(
            _("Columns named more than once: %(names)s.") % {"names": ", ".join(repeated)}
        )
    missing = [name for name in columns.required if name not in header]
    if missing:
        raise CsvFileError(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})


# --- cell conversions spreadsheets need -------------------------------------------------------

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def iso_date(value: str) -> str:
    """31.12.2026 (as German spreadsheets write dates) → 2026-12-31; anything else unchanged,
    for the edge's parser to judge."""
    match = _GERMAN_DATE.match(value)
    if match is None:
        return value
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def decimal_point(value: str) -> str:
    """2,5 → 2.5 (a German decimal comma); anything else unchanged."""
    return value.replace(",", ".") if _DECIMAL_COMMA.match(value) else value
