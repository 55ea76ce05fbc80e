"""Parsing of the room pages' forms (rooms for initiatives, issue 14): text to Python values
only. Every rule (hours that end after they start, a room for at least one person, a coming
date, no more people than any room holds, membership) lives in `rooms.services`; the pages
show its messages beside the fields."""

from django import forms
from django.utils.translation import gettext as _

from base.errors import GENERAL
from geo.services import address_for_pin
from rooms.models import MAX_CAPACITY, Equipment, Weekday
from rooms.services import Hours, local_datetime

# Where the services' fields are shown on the request form: the event's date and times are
# one `start` and one `end` for the service.
REQUEST_FIELD_OF = {"start": "date", "end": "end_time"}


def _errors(form: forms.Form) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, found in form.errors.items():
        errors.setdefault(GENERAL if name == "__all__" else name, []).extend(found)
    return errors


class RoomFilterForm(forms.Form):
    people = forms.IntegerField(required=False, min_value=1, max_value=MAX_CAPACITY)
    step_free = forms.BooleanField(required=False)
    equipment = forms.MultipleChoiceField(required=False, choices=Equipment.choices)


class RoomRequestForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField()
    start_time = forms.TimeField()
    end_time = forms.TimeField()
    people = forms.IntegerField()
    equipment = forms.MultipleChoiceField(required=False, choices=Equipment.choices)
    needs_step_free = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=2000)
    organisation = forms.IntegerField(required=False)


def parse_request(post) -> tuple[dict, dict[str, list[str]]]:
    """(fields for `rooms.services.request_room`, errors by the form's field names)."""
    form = RoomRequestForm(post)
    if not form.is_valid():
        return {}, _errors(form)
    data = form.cleaned_data
    return {
        "title": data["title"],
        "start": local_datetime(data["date"], data["start_time"]),
        "end": local_datetime(data["date"], data["end_time"]),
        "people": data["people"],
        "equipment": data["equipment"],
        "needs_step_free": data["needs_step_free"],
        "note": data["note"],
        "organisation": data["organisation"],
    }, {}


def request_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service's messages under the form's field names."""
    shown: dict[str, list[str]] = {}
    for name, messages in errors.items():
        shown.setdefault(REQUEST_FIELD_OF.get(name, name), []).extend(messages)
    return shown


def hours_field(weekday: int, part: str) -> str:
    return f"hours_{weekday}_{part}"


class RoomForm(forms.Form):
    owner = forms.IntegerField(required=False)
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    address = forms.CharField(required=False, max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    capacity = forms.IntegerField()
    equipment = forms.MultipleChoiceField(required=False, choices=Equipment.choices)
    step_free = forms.BooleanField(required=False)
    active = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday in Weekday.values:
            for part in ("start", "end"):
                self.fields[hours_field(weekday, part)] = forms.TimeField(required=False)

    def clean(self):
        data = super().clean()
        for weekday in Weekday.values:
            start = data.get(hours_field(weekday, "start"))
            end = data.get(hours_field(weekday, "end"))
            if (start is None) != (end is None) and not self.has_error(
                hours_field(weekday, "start")
            ):
                missing = hours_field(weekday, "end" if end is None else "start")
                if not self.has_error(missing):
                    self.add_error(missing, _("Give both times, or neither."))
        return data


def parse_room(post) -> tuple[dict, dict[str, list[str]], list[int]]:
    """(fields for `rooms.services.create_room`/`update_room`, errors, the weekday of each
    span in `fields["hours"]`, so that the service's messages about a span find its row)."""
    form = RoomForm(post)
    if not form.is_valid():
        return {}, _errors(form), []
    data = dict(form.cleaned_data)
    hours, weekdays = [], []
    for weekday in Weekday.values:
        start = data.pop(hours_field(weekday, "start"))
        end = data.pop(hours_field(weekday, "end"))
        if start is not None and end is not None:
            hours.append(Hours(weekday, start, end))
            weekdays.append(weekday)
    data["hours"] = hours
    data["address"] = data["address"].strip()
    if not data["address"] and data["latitude"] is not None:
        data["address"] = address_for_pin(data["latitude"], data["longitude"])
    return data, {}, weekdays
