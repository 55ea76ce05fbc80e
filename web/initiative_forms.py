"""Parsing of the initiative's forms (a goods need, a volunteer need with its shifts) and of a
CSV file of goods needs: text to Python values only.

Every rule (a quantity of at least 1, a shift that ends after it starts and is not over, a
place the gazetteer knows, a deadline not in the past, only members post) lives in
`donations.services`, `volunteers.services` and the one create path below them; the pages
show their messages beside the fields.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import GENERAL
from donations.imports import NEED_COLUMNS, goods_need_columns
from donations.models import Category
from lifecycle import csv_import

# Read by the import page (web/initiative_views.py) as forms.MAX_IMPORT_BYTES and
# forms.CsvFileError, the reader's own limit and refusal.
from lifecycle.csv_import import MAX_IMPORT_BYTES as MAX_IMPORT_BYTES
from lifecycle.csv_import import CsvFileError
from volunteers.languages import is_language_code
from volunteers.services import MAX_SHIFTS

# Rows of shifts and of languages the volunteer need's form shows at least.
SHIFT_ROWS = 3
LANGUAGE_ROWS = 3


def pin_errors(data: dict) -> dict[str, list[str]]:
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        return {"address": [_("The pin lost one of its coordinates; set it again.")]}
    return {}


class GoodsNeedForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), to_field_name="slug")
    quantity = forms.IntegerField()
    deadline = forms.DateField(required=False)
    max_distance_km = forms.FloatField(required=False)
    address = forms.CharField(required=False, max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        for name, messages in pin_errors(data).items():
            for message in messages:
                self.add_error(name, message)
        return data


class VolunteerNeedForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    max_distance_km = forms.FloatField(required=False)
    works_with_children = forms.BooleanField(required=False)
    address = forms.CharField(required=False, max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        for name, messages in pin_errors(data).items():
            for message in messages:
                self.add_error(name, message)
        return data


def _moment(text: str) -> datetime:
    """A date and time as typed (an <input type=datetime-local>), in the platform's time zone."""
    moment = datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def shifts_from(post) -> tuple[list[dict], list[str]]:
    """Shifts from the rows shift_start_N / shift_end_N / shift_people_N (N from 1), as
    `volunteers.services` takes them, and the messages of rows that cannot be read. Empty rows
    are left out and the others numbered as the page shows them again (`shift_rows`), so that
    "Shift 2" in any message is the second row on the page."""
    shifts, errors, number = [], [], 0
    for row in range(1, MAX_SHIFTS + 1):
        start = post.get(f"shift_start_{row}", "").strip()
        end = post.get(f"shift_end_{row}", "").strip()
        people = post.get(f"shift_people_{row}", "").strip()
        if not start and not end:
            continue
        number += 1
        if not start or not end:
            errors.append(
                _("Shift %(number)s: give both the start and the end.") % {"number": number}
            )
            continue
        try:
            shift = {"start": _moment(start), "end": _moment(end)}
        except ValueError:
            errors.append(
                _("Shift %(number)s: give a date and a time, for example 2030-12-05 16:00.")
                % {"number": number}
            )
            continue
        try:
            shift["people"] = int(people or "1")
        except ValueError:
            errors.append(
                _("Shift %(number)s: give the number of people as a whole number.")
                % {"number": number}
            )
            continue
        shifts.append(shift)
    return shifts, errors


def shift_rows(post=None, shifts=()) -> list[dict]:
    """The shift rows the page shows: what was typed (after an error) or the need's shifts,
    and empty rows up to SHIFT_ROWS."""
    rows = []
    if post is not None:
        for number in range(1, MAX_SHIFTS + 1):
            row = {
                "start": post.get(f"shift_start_{number}", ""),
                "end": post.get(f"shift_end_{number}", ""),
                "people": post.get(f"shift_people_{number}", ""),
            }
            if row["start"] or row["end"]:
                rows.append(row)
    else:
        rows = [
            {"start": _typed(s.start), "end": _typed(s.end), "people": str(s.people)}
            for s in shifts
        ]
    while len(rows) < SHIFT_ROWS:
        rows.append({"start": "", "end": "", "people": "1"})
    return [{"number": number, **row} for number, row in enumerate(rows, start=1)]


def _typed(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def languages_from(post) -> tuple[list[str], list[str]]:
    """The language codes chosen in the rows language_N, once each, and the messages."""
    codes, errors = [], []
    for number in range(LANGUAGE_ROWS * 3):
        code = post.get(f"language_{number}", "").strip()
        if not code:
            continue
        if not is_language_code(code):
            errors = [_("Choose languages from the list.")]
        elif code not in codes:
            codes.append(code)
    return codes, errors


def language_rows(codes: list[str]) -> list[tuple[int, str]]:
    rows = list(codes) + [""] * max(0, LANGUAGE_ROWS - len(codes))
    return list(enumerate(rows))


# --- CSV import of goods needs ------------------------------------------------------------------
# The same file the API's import takes: `lifecycle.csv_import` reads it for both (UTF-8 with or
# without a byte order mark, "," or ";" or a tab between cells, a header row naming the
# columns, the limits, the text rule, formula cells) with the columns `donations.imports`
# names; here each row is only parsed into the arguments of `create_goods_need`, and the
# reader's refusals become the page's messages.


@dataclass
class CsvNeedRow:
    """One data row: its first line in the file (the header is line 1), the cells as the
    person wrote them, the arguments for `create_goods_need` (None if it cannot be read) and
    the messages by field."""

    line: int
    cells: dict[str, str]
    fields: dict | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def decode_csv(raw: bytes) -> str:
    """The text of the file, or CsvFileError (too large, not UTF-8, empty)."""
    return csv_import.decode(raw)


def read_goods_needs_csv(text: str) -> list[CsvNeedRow]:
    """The rows of a CSV file of goods needs, each parsed into the arguments of
    `create_goods_need` or given its messages; CsvFileError for a file that cannot be read."""
    columns = goods_need_columns()
    try:
        rows = csv_import.read_rows(text, columns)
    except csv_import.UnreadableLine as exc:
        # The page shows one message for the file, so it names the line itself.
        raise CsvFileError(
            _("Line %(line)s cannot be read as CSV: %(error)s.")
            % {"line": exc.line, "error": exc.error}
        ) from exc
    categories = {category.slug: category for category in Category.objects.all()}
    attribute_names = [name for name in columns.known if name not in NEED_COLUMNS]
    return [_need_row(row, columns, categories, attribute_names) for row in rows]


def _need_row(
    read: csv_import.CsvRow,
    columns: csv_import.CsvColumns,
    categories: dict[str, Category],
    attribute_names: list[str],
) -> CsvNeedRow:
    row = CsvNeedRow(line=read.line, cells=read.values, errors=dict(read.errors))
    if read.problems:
        row.errors[GENERAL] = list(read.problems)
    if not read.readable:
        return row
    values = row.cells
    fields: dict = {}
    for name in ("title", "address", "description"):
        if name in values:
            fields[name] = values[name]
    for name in columns.required:
        if name not in values and name not in row.errors:
            row.errors[name] = [_("This field is required.")]
    if "category" in values:
        category = categories.get(values["category"].casefold())
        if category is None:
            row.errors["category"] = [
                _("Unknown category “%(slug)s”.") % {"slug": values["category"][:60]}
            ]
        fields["category"] = category
    if "quantity" in values:
        try:
            fields["quantity"] = int(values["quantity"])
        except ValueError:
            row.errors["quantity"] = [_("Give the quantity as a whole number.")]
    for name in ("max_distance_km", "latitude", "longitude"):
        if name in values:
            try:
                fields[name] = float(csv_import.decimal_point(values[name]))
            except ValueError:
                row.errors[name] = [_("Give a number, for example 2.5.")]
    if "deadline" in values:
        try:
            deadline = datetime.strptime(csv_import.iso_date(values["deadline"]), "%Y-%m-%d")
            fields["deadline"] = deadline.date()
        except ValueError:
            row.errors["deadline"] = [_("Give the date as 2030-12-31 or 31.12.2030.")]
    attributes = {}
    for part in values.get("attributes", "").split("|"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            row.errors["attributes"] = [_("Write the attributes as size=M|age=3-6.")]
            continue
        attributes[name.strip()] = value.strip()
    for name in attribute_names:
        if name in values:
            if name in attributes and attributes[name] != values[name]:
                row.errors["attributes"] = [_("%(name)s is given twice.") % {"name": name}]
            attributes[name] = values[name]
    if attributes:
        fields["attributes"] = attributes
    if ("latitude" in fields) != ("longitude" in fields):
        row.errors["address"] = [_("Give both the latitude and the longitude, or neither.")]
    if not row.errors:
        row.fields = fields
    return row
