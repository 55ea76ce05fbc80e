"""Parsing of the housing forms ("Offer a flat", "Find a flat for a household", and their
edits): text to Python values only.

Every rule (a rent above 0, a flat free until after it is free from, a household with an
adult, plausible dates, a place the gazetteer knows, a pin near its address, membership of
the initiative) lives in `housing.services` and the one create path below it; the pages show
their messages beside the fields.
"""

from django import forms
from django.utils.translation import gettext as _

from base.errors import GENERAL
from geo.services import address_for_pin


class DecimalInput(forms.DecimalField):
    """A decimal as people type it: "2,5" as well as "2.5" (German writes a comma)."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class _PlaceForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=4000)
    address = forms.CharField(required=False, max_length=300)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    min_stay_months = forms.IntegerField(required=False)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("address", _("The pin lost one of its coordinates; set it again."))
        return data


class FlatForm(_PlaceForm):
    rooms = DecimalInput()
    size_m2 = forms.IntegerField()
    warm_rent = DecimalInput()
    max_occupants = forms.IntegerField()
    floor = forms.IntegerField()
    step_free = forms.BooleanField(required=False)
    lift = forms.BooleanField(required=False)
    pets_allowed = forms.BooleanField(required=False)
    furnished = forms.BooleanField(required=False)
    available_from = forms.DateField()
    available_until = forms.DateField(required=False)


class HouseholdForm(_PlaceForm):
    adults = forms.IntegerField()
    children = forms.IntegerField()
    rent_ceiling = DecimalInput()
    needs_step_free = forms.BooleanField(required=False)
    has_pets = forms.BooleanField(required=False)
    move_in_date = forms.DateField()
    max_distance_km = forms.FloatField()
    household_notes = forms.CharField(required=False, max_length=4000)
    organisation = forms.IntegerField(required=False)


FLAT_FIELDS = tuple(FlatForm.base_fields)
HOUSEHOLD_FIELDS = tuple(HouseholdForm.base_fields)


def parse(form_class, post) -> tuple[dict, dict[str, list[str]]]:
    """(fields for the service, errors by field). A pin without an address is named after
    its district, as on the donor's form."""
    form = form_class(post)
    if not form.is_valid():
        errors: dict[str, list[str]] = {}
        for name, found in form.errors.items():
            errors.setdefault(GENERAL if name == "__all__" else name, []).extend(found)
        return {}, errors
    fields = dict(form.cleaned_data)
    fields["address"] = fields["address"].strip()
    if not fields["address"] and fields["latitude"] is not None:
        fields["address"] = address_for_pin(fields["latitude"], fields["longitude"])
        if not fields["address"]:
            return {}, {
                "address": [
                    _(
                        "We know no place near this pin. Please type the address or postal"
                        " code as well."
                    )
                ]
            }
    return fields, {}
