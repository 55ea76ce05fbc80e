"""Parsing of the donor's form ("Give something", and its edit): text to Python values only.

Every rule (a quantity of at least 1, a window that ends after it starts and is not over, an
attribute the category has, a place the gazetteer knows, a pin near its address) lives in
`donations.services` and the one create path below it; the page shows their messages beside
the fields.
"""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donations.models import Category, Condition
from donations.services import MAX_PICKUP_WINDOWS

# The attributes the goods taxonomy uses (donations/data/taxonomy.tsv); a category names the
# ones that matter for it (Category.attributes), and only those are sent to the service.
ATTRIBUTE_LABELS = {
    "size": gettext_lazy("Size"),
    "shoe_size": gettext_lazy("Shoe size"),
    "age": gettext_lazy("Age in years"),
}
# Rows of pickup windows on the page: the ones an offer has, and at least this many.
WINDOW_ROWS = 3


class DonationOfferForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    category = forms.ModelChoiceField(queryset=Category.objects.all(), to_field_name="slug")
    quantity = forms.IntegerField()
    condition = forms.ChoiceField(choices=Condition.choices)
    delivery_radius_km = forms.FloatField(required=False)
    address = forms.CharField(required=False, max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("address", _("The pin lost one of its coordinates; set it again."))
        return data


def attributes_from(post, category: Category | None) -> dict:
    """The attributes of the chosen category that the person filled in."""
    if category is None:
        return {}
    attributes = {}
    for name in category.attributes:
        value = post.get(f"attr_{name}", "").strip()
        if value:
            attributes[name] = value
    return attributes


def windows_from(post) -> tuple[list[dict], list[str]]:
    """Pickup windows from the rows window_start_N / window_end_N (N from 1), as the service
    takes them, and the messages of rows that cannot be read. Empty rows are left out and the
    others counted as the page shows them again (`window_rows`), so that "Window 2" in any
    message, ours or the service's, is the second row on the page."""
    windows, errors, number = [], [], 0
    for row in range(1, MAX_PICKUP_WINDOWS + 1):
        start = post.get(f"window_start_{row}", "").strip()
        end = post.get(f"window_end_{row}", "").strip()
        if not start and not end:
            continue
        number += 1
        if not start or not end:
            errors.append(
                _("Window %(number)s: give both the start and the end.") % {"number": number}
            )
            continue
        try:
            windows.append({"start": _moment(start), "end": _moment(end)})
        except ValueError:
            errors.append(
                _("Window %(number)s: give a date and a time, for example 2030-12-05 16:00.")
                % {"number": number}
            )
    return windows, errors


def _moment(text: str) -> datetime:
    """A date and time as typed (an <input type=datetime-local>), in the platform's time zone."""
    moment = datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def window_rows(post=None, windows=()) -> list[dict]:
    """The rows the page shows: what was typed (after an error) or the offer's windows, and
    empty rows up to WINDOW_ROWS."""
    rows = []
    if post is not None:
        for number in range(1, MAX_PICKUP_WINDOWS + 1):
            start = post.get(f"window_start_{number}", "")
            end = post.get(f"window_end_{number}", "")
            if start or end:
                rows.append({"start": start, "end": end})
    else:
        rows = [{"start": _typed(start), "end": _typed(end)} for start, end in windows]
    while len(rows) < WINDOW_ROWS:
        rows.append({"start": "", "end": ""})
    return [{"number": number, **row} for number, row in enumerate(rows, start=1)]


def _typed(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
