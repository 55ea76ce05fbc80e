"""Parsing of the event pages' forms: the list's filters and "Post an event". Text to Python
values only; the rules (a date in a plausible year, an end after the start, a repeating event
with an end, a place the gazetteer knows …) live in `events.services`, whose messages the
pages show beside the fields.

The form asks in simple words — first date and time, how long, repeat weekly, every two
weeks or monthly until a date or a number of times, dates to leave out, extra dates — and
the recurrence rule (RFC 5545) is built from them (`events.recurrence.rule_from_choice`).
The edit page uses the same form, filled from the series (`simple_repeat` reads its rule
back into the simple choices).
"""

from datetime import UTC, date, datetime, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import vRecur

from base.errors import GENERAL
from events import recurrence
from events.selectors import EventFilter

REPEATS = ("", "weekly", "biweekly", "monthly")
# On the edit page of a series whose rule the simple choices cannot say (an imported rule
# on two weekdays, say): keep that rule as it is.
KEEP_RULE = "keep"
# The service's field names → the form's, for messages beside the right input.
FORM_NAMES = {
    "starts_at": "date",
    "duration": "duration_minutes",
    "rrule": "repeat",
    "exdates": "leave_out",
    "rdates": "extra_dates",
    "time_zone": GENERAL,
    "latitude": "address",
    "longitude": "address",
}


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        found.setdefault(GENERAL if name == "__all__" else name, []).extend(messages)
    return found


class FilterForm(forms.Form):
    category = forms.SlugField(required=False, max_length=60)
    language = forms.CharField(required=False, max_length=8)
    district = forms.CharField(required=False, max_length=120)
    q = forms.CharField(required=False, max_length=200)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The last day must not be before the first day."))
        elif first and last and (last - first).days > 400:
            self.add_error("date_to", _("Ask for at most %(days)s days at once.") % {"days": 400})
        return data

    def event_filter(self) -> EventFilter:
        data = self.cleaned_data
        return EventFilter(
            category=data["category"],
            language=data["language"],
            district=data["district"],
            q=data["q"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )


def _dates(text: str) -> list[date]:
    """Dates typed one per line or separated by commas: 2026-12-22 or 22.12.2026."""
    found = []
    for part in text.replace(",", "\n").replace(";", "\n").split():
        part = part.strip()
        if not part:
            continue
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                found.append(datetime.strptime(part, pattern).date())
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("“%(value)s” is not a date; write it as 22.12.2026 or 2026-12-22.")
                % {"value": part[:30]}
            )
    return found


class DatesField(forms.CharField):
    def clean(self, value):
        return _dates(super().clean(value) or "")


class EventForm(forms.Form):
    owner = forms.IntegerField(required=False)
    language = forms.CharField(max_length=8)
    title = forms.CharField(max_length=200, required=False)
    description = forms.CharField(max_length=8000, required=False)
    venue = forms.CharField(max_length=200, required=False)
    address = forms.CharField(max_length=300, required=False)
    online = forms.BooleanField(required=False)
    online_url = forms.CharField(max_length=500, required=False)
    date = forms.DateField()
    time = forms.TimeField()
    duration_minutes = forms.IntegerField(min_value=-100000, max_value=100000)
    repeat = forms.ChoiceField(choices=[(r, r) for r in (*REPEATS, KEEP_RULE)], required=False)
    until = forms.DateField(required=False)
    count = forms.IntegerField(required=False, min_value=1, max_value=1000)
    leave_out = DatesField(required=False, max_length=4000)
    extra_dates = DatesField(required=False, max_length=4000)
    free = forms.BooleanField(required=False)
    cost = forms.CharField(max_length=200, required=False)
    registration_url = forms.CharField(max_length=500, required=False)
    places = forms.IntegerField(required=False, min_value=1, max_value=10000)


def parse_event(post, *, current_rule: str = "") -> tuple[dict, dict[str, list[str]]]:
    """(fields for events.services.create_series, errors by the form's field names).
    `current_rule`: the rule of the series being edited, kept when "keep" is chosen."""
    form = EventForm(post)
    if not form.is_valid():
        return {}, errors_of(form)
    data = dict(form.cleaned_data)
    tz = settings.TIME_ZONE
    at = data.pop("time")
    starts_at = timezone.make_aware(datetime.combine(data.pop("date"), at))
    repeat, until, count = data.pop("repeat"), data.pop("until"), data.pop("count")
    if repeat and until and count:
        return {}, {"until": [_("Give either a last date or a number of times, not both.")]}
    if repeat == KEEP_RULE:
        if not current_rule:
            return {}, {"repeat": [_("Please choose how the event repeats.")]}
        rule = current_rule
    else:
        rule = recurrence.rule_from_choice(repeat, until=until, count=count, tz=tz)
    fields = {
        **data,
        "starts_at": starts_at,
        "duration": timedelta(minutes=data.pop("duration_minutes")),
        "rrule": rule,
        "exdates": [timezone.make_aware(datetime.combine(d, at)) for d in data.pop("leave_out")],
        "rdates": [timezone.make_aware(datetime.combine(d, at)) for d in data.pop("extra_dates")],
        "categories": post.getlist("categories"),
        "audiences": post.getlist("audiences"),
        "languages": post.getlist("languages"),
    }
    fields.pop("leave_out", None)
    fields.pop("extra_dates", None)
    fields.pop("duration_minutes", None)
    return fields, {}


class AddDateForm(forms.Form):
    """An extra date of a series, on the dates page."""

    date = forms.DateField()
    time = forms.TimeField()

    def start(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["date"], data["time"]))


def parse_moment(value: str) -> datetime | None:
    """A date's start as the dates page sends it (ISO 8601 with its offset), or None."""
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def simple_repeat(rule: str, tz: str) -> dict[str, str]:
    """The edit form's choices for a series' rule: repeat, until (a local date) and count;
    "keep" where the simple choices cannot say the rule."""
    if not rule:
        return {"repeat": "", "until": "", "count": ""}
    parts = vRecur.from_ical(rule)
    frequency = str(parts["FREQ"][0]).upper()
    interval = int(parts.get("INTERVAL", [1])[0])
    repeat = {("WEEKLY", 1): "weekly", ("WEEKLY", 2): "biweekly", ("MONTHLY", 1): "monthly"}.get(
        (frequency, interval), KEEP_RULE
    )
    if set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL"}:
        repeat = KEEP_RULE
    until, count = "", ""
    if "COUNT" in parts:
        count = str(parts["COUNT"][0])
    if "UNTIL" in parts:
        end = parts["UNTIL"][0]
        if isinstance(end, datetime):
            end = (end if timezone.is_aware(end) else end.replace(tzinfo=UTC)).astimezone(
                recurrence.zone(tz)
            )
            end = end.date()
        until = end.isoformat()
    return {"repeat": repeat, "until": until, "count": count}


def form_errors(errors: dict[str, list[str]], *, repeating: bool) -> dict[str, list[str]]:
    """The service's messages under the form's field names (a rule's end: beside "until")."""
    shown: dict[str, list[str]] = {}
    for name, messages in errors.items():
        target = FORM_NAMES.get(name, name)
        if name == "rrule" and repeating:
            target = "until"
        shown.setdefault(target, []).extend(messages)
    return shown
