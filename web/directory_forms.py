"""Parsing of the directory's forms: the public search, a provider's profile, a service with
its opening hours. Text to Python values only; every rule (a known topic and language, hours
that do not end before they start, a place the gazetteer knows) lives in `directory.services`
and `directory.selectors`, and the pages show their messages beside the fields."""

from django import forms
from django.utils.translation import gettext as _

from base.errors import GENERAL
from directory.models import Weekday
from geo.gazetteer import get_gazetteer

RADII_KM = (1, 2, 5, 10, 20)
# Intervals a day on the form (more are kept when saved through the API) and empty date rows.
INTERVALS_A_DAY = 2
EMPTY_EXCEPTION_ROWS = 3


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    topic = forms.CharField(required=False, max_length=40)
    language = forms.CharField(required=False, max_length=8)
    open_now = forms.BooleanField(required=False)
    near = forms.CharField(required=False, max_length=120)
    within_km = forms.TypedChoiceField(
        required=False, choices=[("", "")] + [(str(r), str(r)) for r in RADII_KM], coerce=int
    )
    barrier_free = forms.BooleanField(required=False)
    access = forms.ChoiceField(
        required=False, choices=[("", ""), ("appointment", ""), ("open", "")]
    )

    def clean_near(self):
        text = self.cleaned_data["near"].strip()
        self.point = None
        if not text:
            return ""
        found = get_gazetteer().geocode(text)
        if found is None:
            raise forms.ValidationError(
                _(
                    "We could not find this place. Please give a postal code or the name of a "
                    "district, for example “04315” or “Leipzig-Lindenau”."
                )
            )
        self.point = (found.latitude, found.longitude)
        return text


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        found.setdefault(GENERAL if name == "__all__" else name, []).extend(messages)
    return found


class ProfileForm(forms.Form):
    language = forms.CharField(max_length=8)
    name = forms.CharField(required=False, max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    kind = forms.CharField(max_length=24)
    website = forms.CharField(required=False, max_length=300)
    phone = forms.CharField(required=False, max_length=40)
    email = forms.CharField(required=False, max_length=254)


class ServiceForm(forms.Form):
    language = forms.CharField(max_length=8)
    title = forms.CharField(required=False, max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    cost_note = forms.CharField(required=False, max_length=300)
    cost = forms.CharField(required=False, max_length=8)
    appointment_only = forms.BooleanField(required=False)
    barrier_free = forms.BooleanField(required=False)
    address = forms.CharField(required=False, max_length=300)
    website = forms.CharField(required=False, max_length=300)
    phone = forms.CharField(required=False, max_length=40)
    email = forms.CharField(required=False, max_length=254)


def hours_field(weekday: int, number: int, part: str) -> str:
    return f"hours-{weekday}-{number}-{part}"


def exception_field(number: int, part: str) -> str:
    return f"exception-{number}-{part}"


def parse_service(post, exception_rows: int) -> tuple[dict, dict[str, list[str]]]:
    """(fields for the service, errors by field) from the posted service form."""
    form = ServiceForm(post)
    if not form.is_valid():
        return {}, errors_of(form)
    fields = dict(form.cleaned_data)
    fields["topics"] = post.getlist("topics")
    fields["audience"] = post.getlist("audience")
    fields["languages"] = post.getlist("languages")
    hours = []
    for day in Weekday:
        for number in range(INTERVALS_A_DAY):
            opens = post.get(hours_field(day.value, number, "opens"), "").strip()
            closes = post.get(hours_field(day.value, number, "closes"), "").strip()
            if opens or closes:
                hours.append({"weekday": day.value, "opens": opens, "closes": closes})
    fields["hours"] = hours
    exceptions = []
    for number in range(exception_rows):
        day = post.get(exception_field(number, "date"), "").strip()
        if not day:
            continue
        exceptions.append(
            {
                "date": day,
                "closed": post.get(exception_field(number, "closed")) == "on",
                "opens": post.get(exception_field(number, "opens"), "").strip(),
                "closes": post.get(exception_field(number, "closes"), "").strip(),
                "note": post.get(exception_field(number, "note"), ""),
            }
        )
    fields["exceptions"] = exceptions
    return fields, {}
