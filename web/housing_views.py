"""The housing pages (issue 13, area "housing"): flats of landlords, households of initiatives.

- `/flats/` (signed in): my flats with the state as I am told it (`matching.selectors.as_shown`:
  proposals still under review stay internal), and whether the welcome centre has checked me
  (`accounts.checks`): flats of unchecked landlords wait for that check before they are
  matched, unless settings.HOUSING_MATCH_UNCHECKED_LANDLORDS says otherwise.
- `/flats/new/`, `/flats/<id>/edit/`: the form; `housing.services.create_housing_offer` and
  `update_housing_offer` decide.
- `/households/` (initiative members): the households our initiatives look for a flat for.
  Households are never listed to anyone else (HousingNeed.BROWSABLE is False).
- `/households/new/`, `/households/<id>/edit/`: `create_housing_need` (for an initiative the
  person is an active member of) and `update_housing_need`.
- `…/<id>/withdraw/`: GET asks to confirm, POST withdraws (`lifecycle.services.withdraw`).

Only the landlord reaches their flats here, only members of the initiative its households:
anyone else gets 404, coordinators included (they have the coordination pages and the admin).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import checks
from accounts.models import Organisation
from accounts.selectors import active_organisations_of
from base.errors import ApplicationError
from housing import services
from housing.models import HousingNeed, HousingOffer
from lifecycle import selectors as lifecycle_selectors
from lifecycle import services as lifecycle_services
from lifecycle.states import CLOSED_STATUSES, Status
from matching import selectors as matching_selectors
from web.edit_values import as_text, pin_values, place_changes
from web.housing_forms import FLAT_FIELDS, HOUSEHOLD_FIELDS, FlatForm, HouseholdForm, parse

# The map's centre before a pin is set: the welcome centre's city (as on the donor's form).
MAP_CENTRE = "51.3397,12.3731"
PLACE_FIELDS = ("address", "latitude", "longitude")


@dataclass(frozen=True)
class Field:
    """One input of a form, as web/templates/web/housing/field.html draws it."""

    name: str
    label: str
    type: str = "text"  # text, textarea, number, date or checkbox
    hint: str = ""
    min: str = ""
    max: str = ""
    step: str = ""
    short: bool = False
    required: bool = False


def _number(name, label, low, high, step="1", hint="", required=True) -> Field:
    return Field(name, label, "number", hint, low, high, step, short=True, required=required)


FLAT_GROUPS = [
    (
        gettext_lazy("The flat"),
        [
            Field(
                "title",
                gettext_lazy("Title"),
                hint=gettext_lazy("In a few words, for example “Bright 2-room flat with balcony”."),
                required=True,
            ),
            _number(
                "rooms",
                gettext_lazy("Rooms"),
                "1",
                "20",
                "0.5",
                gettext_lazy("Half rooms count as 0.5, e.g. 2.5."),
            ),
            _number("size_m2", gettext_lazy("Size in m²"), "10", "500"),
            _number(
                "warm_rent",
                gettext_lazy("Warm rent (EUR per month)"),
                "0.01",
                "10000",
                "0.01",
                gettext_lazy("Rent with heating and service charges."),
            ),
            _number("max_occupants", gettext_lazy("Maximum number of occupants"), "1", "30"),
            _number(
                "floor",
                gettext_lazy("Floor"),
                "-1",
                "60",
                hint=gettext_lazy("0 is the ground floor, -1 the basement."),
            ),
            Field("description", gettext_lazy("Description (optional)"), "textarea"),
        ],
    ),
    (
        gettext_lazy("Access and equipment"),
        [
            Field("step_free", gettext_lazy("Step-free access"), "checkbox"),
            Field("lift", gettext_lazy("Lift"), "checkbox"),
            Field("pets_allowed", gettext_lazy("Pets allowed"), "checkbox"),
            Field("furnished", gettext_lazy("Furnished"), "checkbox"),
        ],
    ),
    (
        gettext_lazy("When is it free?"),
        [
            Field("available_from", gettext_lazy("Available from"), "date", required=True),
            Field("available_until", gettext_lazy("Available until (optional)"), "date"),
            _number(
                "min_stay_months",
                gettext_lazy("Minimum stay in months (optional)"),
                "1",
                "120",
                required=False,
            ),
        ],
    ),
]

HOUSEHOLD_GROUPS = [
    (
        gettext_lazy("The household"),
        [
            Field(
                "title",
                gettext_lazy("Title"),
                hint=gettext_lazy(
                    "A name for your initiative and the welcome centre, for example “Family"
                    " of five from the shelter”. Landlords never see it."
                ),
                required=True,
            ),
            _number("adults", gettext_lazy("Adults"), "1", "20"),
            _number("children", gettext_lazy("Children"), "0", "20"),
            Field("needs_step_free", gettext_lazy("Needs step-free access"), "checkbox"),
            Field("has_pets", gettext_lazy("Has pets"), "checkbox"),
            _number(
                "rent_ceiling",
                gettext_lazy("Highest warm rent (EUR per month)"),
                "0.01",
                "10000",
                "0.01",
                gettext_lazy("What the job centre or the household can pay, heating included."),
            ),
            Field(
                "household_notes",
                gettext_lazy("Notes on the household (optional)"),
                "textarea",
                gettext_lazy(
                    "Shown only to your initiative, the welcome centre and a landlord after"
                    " both said yes."
                ),
            ),
            Field("description", gettext_lazy("Description (optional)"), "textarea"),
        ],
    ),
    (
        gettext_lazy("When?"),
        [
            Field("move_in_date", gettext_lazy("Earliest move-in date"), "date", required=True),
            _number(
                "min_stay_months",
                gettext_lazy("Shortest stay in months (optional)"),
                "1",
                "120",
                required=False,
            ),
        ],
    ),
]


@dataclass(frozen=True)
class Kind:
    """What differs between the flat's pages and the household's."""

    model: type
    form: type
    field_names: tuple
    groups: list
    template_prefix: str
    list_url: str
    new_url: str
    edit_url: str
    withdraw_url: str


FLAT = Kind(
    HousingOffer,
    FlatForm,
    FLAT_FIELDS,
    FLAT_GROUPS,
    "flat",
    "flats",
    "flat-new",
    "flat-edit",
    "flat-withdraw",
)
HOUSEHOLD = Kind(
    HousingNeed,
    HouseholdForm,
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_GROUPS,
    "household",
    "households",
    "household-new",
    "household-edit",
    "household-withdraw",
)


def _mine(kind: Kind, user):
    return lifecycle_selectors.manageable_by(kind.model, user)


def _record(kind: Kind, request: HttpRequest, pk: int):
    return get_object_or_404(_mine(kind, request.user), pk=pk)


def _record_values(kind: Kind, record) -> dict:
    values = {name: as_text(getattr(record, name, None)) for name in kind.field_names}
    values.update(pin_values(record))
    if kind is HOUSEHOLD:
        values["organisation"] = str(record.organisation_id)
    return values


def _form_context(kind: Kind, values: dict, errors: dict, **extra) -> dict:
    known = set(kind.field_names) - {"latitude", "longitude"}
    shown = {name: list(errors.get(name, [])) for name in known}
    # A pin's coordinates are one thing on the page: their messages go with the place.
    shown["address"] += [*errors.get("latitude", []), *errors.get("longitude", [])]
    general = [
        message
        for name, found in errors.items()
        if name not in known and name not in ("latitude", "longitude")
        for message in found
    ]
    groups = [
        {
            "legend": legend,
            "fields": [
                {"spec": spec, "value": values.get(spec.name, ""), "errors": shown[spec.name]}
                for spec in specs
            ],
        }
        for legend, specs in kind.groups
    ]
    distance = {
        "spec": _number(
            "max_distance_km",
            gettext_lazy("Up to how many km from there"),
            "1",
            "100",
            "0.5",
        ),
        "value": values.get("max_distance_km", ""),
        "errors": shown.get("max_distance_km", []),
    }
    return {
        "values": values,
        "errors": shown,
        "general_errors": general,
        "has_errors": bool(errors),
        "groups": groups,
        "distance": distance,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_centre": MAP_CENTRE,
        "list_url": reverse(kind.list_url),
        **extra,
    }


def _posted(kind: Kind, request: HttpRequest) -> dict:
    return {name: request.POST.get(name, "") for name in kind.field_names}


def _changes(kind: Kind, record, fields: dict) -> dict:
    """What the form changes on the record, as the update services take it. The place is sent
    (and placed again) only when the address or the pin changed."""
    skip = {*PLACE_FIELDS, "organisation"}
    changes = {
        name: value
        for name, value in fields.items()
        if name not in skip and value != getattr(record, name)
    }
    changes.update(place_changes(record, fields))
    return changes


def _organisation(user, fields: dict) -> tuple[Organisation | None, dict]:
    """The initiative chosen on the household's form (None: the service takes the first)."""
    chosen = fields.pop("organisation", None)
    if chosen is None:
        return None, {}
    organisation = active_organisations_of(user).filter(pk=chosen).first()
    if organisation is None:
        return None, {"organisation": [_("You are not a member of this initiative.")]}
    return organisation, {}


def _form_page(request, kind: Kind, page: dict, status: int, values, errors) -> HttpResponse:
    context = _form_context(kind, values, errors, household=kind is HOUSEHOLD, **page)
    return render(request, "web/housing/form.html", context, status=status)


def _create(request: HttpRequest, kind: Kind, page: dict, initial: dict) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, kind, page, 200, initial, {})
    fields, errors = parse(kind.form, request.POST)
    if not errors and kind is HOUSEHOLD:
        fields["organisation"], errors = _organisation(request.user, fields)
    if not errors:
        try:
            if kind is FLAT:
                record = services.create_housing_offer(user=request.user, **fields)
            else:
                record = services.create_housing_need(user=request.user, **fields)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _form_page(request, kind, page, 400, _posted(kind, request), errors)
    messages.success(request, page["done"] % {"title": record.title})
    return redirect(kind.list_url)


def _edit(request: HttpRequest, kind: Kind, pk: int, page: dict) -> HttpResponse:
    record = _record(kind, request, pk)
    page = {
        **page,
        "action": reverse(kind.edit_url, args=[record.pk]),
        "record": record,
        "closed": record.status in CLOSED_STATUSES,
    }
    if request.method != "POST":
        return _form_page(request, kind, page, 200, _record_values(kind, record), {})
    fields, errors = parse(kind.form, request.POST)
    changes = {}
    if not errors:
        changes = _changes(kind, record, fields)
        update = services.update_housing_offer if kind is FLAT else services.update_housing_need
        try:
            if changes:
                update(record=record, user=request.user, **changes)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return _form_page(request, kind, page, 400, _posted(kind, request), errors)
    messages.success(request, _("Your changes are saved.") if changes else _("Nothing changed."))
    return redirect(kind.list_url)


def _withdraw(request: HttpRequest, kind: Kind, pk: int, page: dict) -> HttpResponse:
    record = _record(kind, request, pk)
    if request.method == "POST":
        try:
            lifecycle_services.withdraw(record, actor=request.user)
        except ApplicationError as error:
            for found in error.errors.values():
                for message in found:
                    messages.error(request, message)
        else:
            messages.success(request, page["done"] % {"title": record.title})
        return redirect(kind.list_url)
    return render(
        request,
        "web/housing/withdraw.html",
        {
            **page,
            "record": record,
            "closed": record.status in CLOSED_STATUSES,
            "action": reverse(kind.withdraw_url, args=[record.pk]),
            "list_url": reverse(kind.list_url),
        },
    )


def _rows(kind: Kind, user) -> list[dict]:
    records = matching_selectors.as_shown(_mine(kind, user), user)
    rows = []
    for record in records.order_by("-created_at", "-id"):
        status = matching_selectors.status_told(record)
        rows.append(
            {
                "record": record,
                "status": status,
                "status_label": Status(status).label,
                "closed": status in CLOSED_STATUSES,
            }
        )
    return rows


# --- flats ---------------------------------------------------------------------------------


@never_cache
@login_required
def my_flats(request: HttpRequest) -> HttpResponse:
    user = request.user
    kinds = checks.standing_kinds([user.pk]).get(user.pk, [])
    return render(
        request,
        "web/housing/flat_list.html",
        {
            "rows": _rows(FLAT, user),
            "checked": checks.is_checked_host(user),
            "check_kinds": checks.kind_labels(kinds),
            "unchecked_matched": settings.HOUSING_MATCH_UNCHECKED_LANDLORDS,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_flat(request: HttpRequest) -> HttpResponse:
    page = {
        "heading": _("Offer a flat"),
        "action": reverse("flat-new"),
        "done": _("Thank you! Your flat “%(title)s” is online."),
    }
    return _create(request, FLAT, page, {"floor": "0", "max_occupants": "", "rooms": ""})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_flat(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, FLAT, pk, {"heading": _("Change your flat")})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_flat(request: HttpRequest, pk: int) -> HttpResponse:
    page = {
        "heading": _("Withdraw your flat"),
        "explanation": _(
            "Nobody will be offered this flat any more. Matches that are not finished yet are"
            " cancelled."
        ),
        "done": _("Your flat “%(title)s” is withdrawn."),
    }
    return _withdraw(request, FLAT, pk, page)


# --- households ----------------------------------------------------------------------------


@never_cache
@login_required
def our_households(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/housing/household_list.html",
        {
            "rows": _rows(HOUSEHOLD, request.user),
            "member": active_organisations_of(request.user).exists(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_household(request: HttpRequest) -> HttpResponse:
    organisations = list(active_organisations_of(request.user).order_by("name", "pk"))
    page = {
        "heading": _("Find a flat for a household"),
        "action": reverse("household-new"),
        "done": _("The household “%(title)s” is saved; we look for a flat."),
        "organisations": organisations,
    }
    initial = {"children": "0", "max_distance_km": "10"}
    if organisations:
        initial["organisation"] = str(organisations[0].pk)
    return _create(request, HOUSEHOLD, page, initial)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_household(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, HOUSEHOLD, pk, {"heading": _("Change the household")})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_household(request: HttpRequest, pk: int) -> HttpResponse:
    page = {
        "heading": _("Withdraw the household"),
        "explanation": _(
            "No flat will be looked for any more for this household. Matches that are not"
            " finished yet are cancelled."
        ),
        "done": _("The household “%(title)s” is withdrawn."),
    }
    return _withdraw(request, HOUSEHOLD, pk, page)
