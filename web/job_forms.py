"""Parsing of the work pages' forms (issue 15): register a company, post a job, a profile of a
person looking for work (their own or one a counsellor keeps), a coordinator's correction of
whom a job is open to. Text to Python values only.

Every rule (a German level of the list, a plausible start date, a pay range in order, at
least one place, at least one occupation, a consent day for a counsellor, a place the
gazetteer knows) lives in `jobs.services` and the model it validates; the pages show those
messages beside the fields. Choices (hours, levels, residence …) are passed on as typed, so
that a value not in the list is refused there too.
"""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from base.errors import GENERAL
from geo.services import address_for_pin
from web.housing_forms import DecimalInput

# Rows of the repeated inputs: as many as the page shows, and a bound for a forged request.
LANGUAGE_ROWS = 3
MAX_ROWS = 12


class EmployerForm(forms.Form):
    name = forms.CharField(max_length=200)
    city = forms.CharField(required=False, max_length=120)
    email = forms.EmailField(required=False, max_length=254)


class _PlaceForm(forms.Form):
    address = forms.CharField(required=False, max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    description = forms.CharField(required=False, max_length=4000)
    skills = forms.CharField(required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("address", _("The pin lost one of its coordinates; set it again."))
        return data


class JobForm(_PlaceForm):
    title = forms.CharField(max_length=200)
    occupation = forms.CharField(max_length=4)
    places = forms.IntegerField()
    remote = forms.BooleanField(required=False)
    hours = forms.CharField(max_length=16)
    start_date = forms.DateField()
    pay_min = DecimalInput(required=False)
    pay_max = DecimalInput(required=False)
    pay_period = forms.CharField(required=False, max_length=8)
    german_min = forms.CharField(required=False, max_length=8)
    requires_recognition = forms.BooleanField(required=False)
    residence_irrelevant = forms.BooleanField(required=False)
    max_distance_km = DecimalInput()
    organisation = forms.IntegerField(required=False)


class SeekerForm(_PlaceForm):
    german_level = forms.CharField(required=False, max_length=8)
    travel_radius_km = DecimalInput()
    available_from = forms.DateField()
    recognition = forms.CharField(max_length=16)
    residence = forms.CharField(max_length=16)


class KeptSeekerForm(SeekerForm):
    """A profile a counsellor keeps: whose it is and the day the person agreed."""

    person_name = forms.CharField(required=False, max_length=200)
    person_phone = forms.CharField(required=False, max_length=40)
    consent_on = forms.DateField(required=False)
    counsellor_organisation = forms.IntegerField(required=False)


def _errors(form: forms.Form) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, found in form.errors.items():
        errors.setdefault(GENERAL if name == "__all__" else name, []).extend(found)
    return errors


def _rows(post: QueryDict, name: str, shown: int) -> int:
    try:
        count = int(post.get(name, shown))
    except (TypeError, ValueError):
        count = shown
    return max(0, min(count, MAX_ROWS))


def languages(post: QueryDict) -> list[str]:
    """The chosen languages, each once, in the order of the rows (empty rows left out)."""
    chosen: list[str] = []
    for number in range(_rows(post, "language_rows", LANGUAGE_ROWS)):
        code = post.get(f"language_{number}", "").strip()
        if code and code not in chosen:
            chosen.append(code)
    return chosen


def skills(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def experience(post: QueryDict) -> tuple[list[dict], list[tuple[str, str]], list[str]]:
    """(rows for the service, rows as typed for the page, messages). Years stay as typed:
    the service says what it accepts."""
    rows, typed, problems = [], [], []
    for number in range(_rows(post, "experience_rows", 3)):
        code = post.get(f"occupation_{number}", "").strip()
        years = post.get(f"years_{number}", "").strip().replace(",", ".")
        typed.append((code, post.get(f"years_{number}", "").strip()))
        if not code and not years:
            continue
        if not code:
            problems.append(_("Choose the occupation for the years you gave."))
            continue
        rows.append({"occupation": code, "years": years or "0"})
    return rows, typed, problems


def _place(fields: dict) -> dict[str, list[str]]:
    """A pin without an address is named after its district, as on the housing forms."""
    fields["address"] = fields["address"].strip()
    if not fields["address"] and fields["latitude"] is not None:
        fields["address"] = address_for_pin(fields["latitude"], fields["longitude"])
        if not fields["address"]:
            return {
                "address": [
                    _(
                        "We know no place near this pin. Please type the address or postal"
                        " code as well."
                    )
                ]
            }
    return {}


def parse_employer(post: QueryDict) -> tuple[dict, dict[str, list[str]]]:
    form = EmployerForm(post)
    if not form.is_valid():
        return {}, _errors(form)
    return dict(form.cleaned_data), {}


def parse_job(post: QueryDict) -> tuple[dict, dict[str, list[str]]]:
    form = JobForm(post)
    if not form.is_valid():
        return {}, _errors(form)
    fields = dict(form.cleaned_data)
    fields["languages"] = languages(post)
    fields["skills"] = skills(fields["skills"])
    fields["open_to"] = [value for value in post.getlist("open_to") if value]
    fields["pay_period"] = fields["pay_period"] or "month"
    fields["max_distance_km"] = float(fields["max_distance_km"])
    errors = _place(fields)
    return ({}, errors) if errors else (fields, {})


def parse_seeker(post: QueryDict, *, kept: bool = False) -> tuple[dict, dict[str, list[str]]]:
    form = (KeptSeekerForm if kept else SeekerForm)(post)
    rows, _typed, problems = experience(post)
    errors = {} if form.is_valid() else _errors(form)
    if problems:
        errors.setdefault("experience", []).extend(problems)
    if errors:
        return {}, errors
    fields = dict(form.cleaned_data)
    fields["experience"] = rows
    fields["languages"] = languages(post)
    fields["skills"] = skills(fields["skills"])
    fields["hours_wanted"] = [value for value in post.getlist("hours_wanted") if value]
    fields["travel_radius_km"] = float(fields["travel_radius_km"])
    errors = _place(fields)
    return ({}, errors) if errors else (fields, {})


def parse_residence(post: QueryDict) -> dict:
    return {
        "open_to": [value for value in post.getlist("open_to") if value],
        "residence_irrelevant": post.get("residence_irrelevant") == "on",
    }
