"""Importing records from a CSV file: the API-edge work every kind shares.

A kind's import view subclasses `CsvImportApi`, names its columns and maps one row to the
input of its single-create serializer; each row is then checked by that serializer and written
by an all-or-nothing service (`lifecycle.imports.create_all_or_nothing`, which raises
`RowsRejected`), so a file is held to exactly the rules of the form, and a file with one bad
row writes nothing.

Files come from spreadsheets: UTF-8 with or without a byte order mark, "," or ";" between
cells (German Excel writes ";"), a header row naming the columns. Limits keep one request from
tying up a worker: an oversized file is refused before any of it is parsed, and a cell or a
row over its own limit is a message for its line (Python's csv module gives up on a cell of
131,072 characters; the limits here are far below that).

Every cell is held to the text rule (`base.text`: null bytes, direction and control
characters are refused), and a text cell may not begin with "=", "+", "-" or "@" (also after
spaces, or with a tab or carriage return first): a spreadsheet that opens the data again
(an export, a coordinator's copy) would run it as a formula (`=HYPERLINK(…)`, `+cmd|…`).
Such a cell is refused, not escaped: an escaped "'=…" would be stored as text nobody wrote.
Numeric columns (a quantity, a coordinate) are exempt, since "-0.5" is a longitude and the
serializer reads them as numbers, so no formula gets through there.
"""

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import UserLanguageMixin
from api.parsers import MultiPartParser
from api.throttles import WriteRateThrottle
from base.text import FORMULA_START, text_problems
from lifecycle.imports import RowsRejected

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 1000
# The longest field a row fills (a description) takes 4,000 characters; a row of every column
# at its longest stays below the row limit.
MAX_CELL_CHARS = 5_000
MAX_ROW_CHARS = 20_000
DELIMITERS = (";", ",", "\t")


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
    """One data row: its first line in the file (the header is line 1) and its cells by
    column, blank cells and refused cells left out (`errors` says why). A row too long to
    look at is not `readable`: it has no values and is only reported."""

    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    readable: bool = True


def _file_error(message: str) -> serializers.ValidationError:
    return serializers.ValidationError({"file": [message]})


def read_csv(upload: UploadedFile, columns: CsvColumns) -> list[CsvRow]:
    """The data rows of an uploaded CSV file, or a 400 on "file" saying what is wrong with it
    as a whole (size, encoding, header, number of rows), or UnreadableLine for a line the csv
    module cannot read past."""
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise _file_error(
            _("The file is larger than %(limit)s kB; split it into several files.")
            % {"limit": MAX_IMPORT_BYTES // 1000}
        )
    raw = upload.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:  # the upload did not know its size
        raise _file_error(
            _("The file is larger than %(limit)s kB; split it into several files.")
            % {"limit": MAX_IMPORT_BYTES // 1000}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”.")
        ) from exc
    if not text.strip():
        raise _file_error(_("The file is empty."))
    header_line = text.splitlines()[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_cells = next(reader)
    except csv.Error as exc:
        raise _file_error(_("The first line cannot be read: %(error)s") % {"error": exc}) from exc
    if any(text_problems(cell) for cell in header_cells):
        raise _file_error(_("The first line contains characters that are not allowed."))
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
            # The csv module gives up on the whole rest of the file (a cell over its limit, an
            # unclosed quote): this line is the answer, and nothing is written.
            raise _unreadable_line(previous_line + 1, exc) from exc
        line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and the ";;;;" rows spreadsheets leave at the end
        if len(rows) == MAX_IMPORT_ROWS:
            raise _file_error(
                _("The file has more than %(limit)s rows; split it into several files.")
                % {"limit": MAX_IMPORT_ROWS}
            )
        rows.append(_read_row(line, header, cells, columns))
    if not rows:
        raise _file_error(_("The file has a header but no rows."))
    return rows


class UnreadableLine(Exception):  # noqa: N818 - an outcome the view reports, not a bug
    """The csv module cannot go on at `line`: answered like a bad row (and nothing else)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _unreadable_line(line: int, error: csv.Error) -> UnreadableLine:
    if "field larger than field limit" in str(error):
        message = _("A cell has more than %(limit)s characters.") % {"limit": MAX_CELL_CHARS}
    else:
        message = _("This line cannot be read as CSV: %(error)s.") % {"error": error}
    return UnreadableLine(line, message)


def _read_row(line: int, header: list[str], cells: list[str], columns: CsvColumns) -> CsvRow:
    """One row's cells by column, each cell judged on its own (see `_cell_problems`)."""
    row = CsvRow(line=line, values={})
    if sum(len(cell) for cell in cells) > MAX_ROW_CHARS:
        row.errors["non_field_errors"] = [
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
        row.errors["non_field_errors"] = [_("This row has more cells than the header.")]
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
        raise _file_error(_("The first line must name the columns."))
    # Shortened: the answer should not repeat a whole cell of junk back.
    unknown = [name[:60] for name in header if name and name not in columns.known]
    if unknown:
        raise _file_error(
            _("Unknown columns: %(unknown)s. Known columns: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(columns.known)}
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise _file_error(
            _("Columns named more than once: %(names)s.") % {"names": ", ".join(repeated)}
        )
    missing = [name for name in columns.required if name not in header]
    if missing:
        raise _file_error(_("Missing columns: %(missing)s.") % {"missing": ", ".join(missing)})


# --- cell conversions spreadsheets need -------------------------------------------------------

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def iso_date(value: str) -> str:
    """31.12.2026 (as German spreadsheets write dates) → 2026-12-31; anything else unchanged,
    for the serializer to judge."""
    match = _GERMAN_DATE.match(value)
    if match is None:
        return value
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def decimal_point(value: str) -> str:
    """2,5 → 2.5 (a German decimal comma)."""
    return value.replace(",", ".") if _DECIMAL_COMMA.match(value) else value


def flatten_errors(detail) -> dict[str, list[str]]:
    """Serializer errors as {"field": ["message", …]} with plain strings."""
    if isinstance(detail, Mapping):
        return {str(name): flatten_messages(value) for name, value in detail.items()}
    return {"non_field_errors": flatten_messages(detail)}


def flatten_messages(value) -> list[str]:
    """Nested error details as a flat list of strings ("end: Datetime has wrong format")."""
    if isinstance(value, Mapping):
        return [
            f"{key}: {message}"
            for key, inner in value.items()
            for message in flatten_messages(inner)
        ]
    if isinstance(value, list | tuple):
        return [message for item in value for message in flatten_messages(item)]
    return [str(value)]


# --- the view ----------------------------------------------------------------------------------


class ImportFormSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV file, UTF-8, with a header row; cells separated by “,” or “;”. "
        f"At most {MAX_IMPORT_BYTES // 1000} kB and {MAX_IMPORT_ROWS} rows."
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ImportErrorSerializer(serializers.Serializer):
    rows = RowErrorSerializer(many=True, required=False)
    file = serializers.ListField(child=serializers.CharField(), required=False)


class CsvImportApi(UserLanguageMixin, APIView):
    """POST a CSV file (multipart, field "file"); 201 {"created", "ids"} when every row is good,
    else 400 {"rows": [{"line", "errors"}]} for every bad row, and nothing written.

    Subclasses set `form_serializer_class`, `input_serializer_class`, `import_service` and
    implement `get_columns`, `row_data`, and `service_kwargs` (where to import; the service says
    who may).
    """

    parser_classes = [MultiPartParser]  # the API's own: body size limit and text rule
    throttle_classes = [WriteRateThrottle]
    form_serializer_class: type[serializers.Serializer] = ImportFormSerializer
    input_serializer_class: type[serializers.Serializer] | None = None
    import_service: Callable[..., list] | None = None

    def get_columns(self) -> CsvColumns:
        """The columns of this kind's file (every import view names its own)."""
        raise NotImplementedError(f"{type(self).__name__} must name its CSV columns")

    def service_kwargs(self, form: dict) -> dict:
        """What the service needs besides the rows, e.g. the initiative's id from the form."""
        raise NotImplementedError(f"{type(self).__name__} must say where to import")

    def row_data(self, values: dict[str, str]) -> dict:
        """The cells of one row as input for the single-create serializer (raise a
        serializers.ValidationError for cells that cannot be read)."""
        return dict(values)

    def prepare(self, fields: dict) -> dict:
        """Validated input → service arguments (as the single-create view does)."""
        return fields

    def post(self, request, *args, **kwargs):
        form = self.form_serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        extra = self.service_kwargs(dict(form.validated_data))
        try:
            rows = read_csv(form.validated_data["file"], self.get_columns())
        except UnreadableLine as exc:
            report = [{"line": exc.line, "errors": {"non_field_errors": [exc.message]}}]
            return Response({"rows": report}, status=status.HTTP_400_BAD_REQUEST)
        valid: list[tuple[int, dict]] = []
        rejected: dict[int, dict[str, list[str]]] = {}
        for row in rows:
            errors = {name: list(messages) for name, messages in row.errors.items()}
            data = None
            if row.readable:
                try:
                    data = self.row_data(row.values)
                except serializers.ValidationError as exc:
                    _merge(errors, flatten_errors(exc.detail))
            if data is not None:
                checked = self.input_serializer_class(data=data, context={"request": request})
                if checked.is_valid():
                    if not errors:
                        valid.append((row.line, self.prepare(dict(checked.validated_data))))
                else:
                    _merge(errors, flatten_errors(checked.errors))
            if errors:
                rejected[row.line] = errors
        service = type(self).import_service
        try:
            created = service(user=request.user, rows=valid, rejected=rejected, **extra)
        except RowsRejected as exc:
            report = [
                {"line": line, "errors": flatten_errors(errors)}
                for line, errors in sorted(exc.errors.items())
            ]
            return Response({"rows": report}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"created": len(created), "ids": [record.pk for record in created]},
            status=status.HTTP_201_CREATED,
        )


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    """Add `more` to a row's errors. A cell refused already is left out of the row's data, so
    what the serializer says about its column ("required") would only hide the reason."""
    refused = {name for name in errors if name != "non_field_errors"}
    for name, messages in more.items():
        if name not in refused:
            errors.setdefault(name, []).extend(messages)
