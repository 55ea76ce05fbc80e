"""The donor's pages: give something, my donations, edit, withdraw.

- `/donations/` (signed in): my offers with the state as I am told it
  (`matching.selectors.as_shown`: proposals still under review stay internal) and a map of
  their public points.
- `/donations/new/`: the form; `donations.services.create_donation_offer` decides.
- `/donations/<id>/edit/`: the same form; `donations.services.update_donation_offer`.
- `/donations/<id>/withdraw/`: GET asks to confirm, POST withdraws
  (`lifecycle.services.withdraw`, as the API's withdraw endpoint).

Only the donor reaches their offers here: anyone else gets 404, coordinators included (they
have the coordination pages and the admin).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from base.errors import GENERAL, ApplicationError
from donations import services
from donations.models import Category, Condition, DonationOffer
from geo.services import address_for_pin
from lifecycle import selectors as lifecycle_selectors
from lifecycle import services as lifecycle_services
from lifecycle.states import CLOSED_STATUSES
from matching import selectors as matching_selectors
from web.donation_forms import (
    ATTRIBUTE_LABELS,
    DonationOfferForm,
    attributes_from,
    window_rows,
    windows_from,
)
from web.edit_values import pin_values, place_changes
from web.summaries import state_label, status_label

# Where a message goes on the page; anything else is shown above the form.
FIELDS = (
    "title",
    "category",
    "attributes",
    "quantity",
    "condition",
    "description",
    "address",
    "pickup_windows",
    "delivery_radius_km",
)
# The map's centre before a pin is set: the welcome centre's city.
MAP_CENTRE = "51.3397,12.3731"


def _my_offers(user):
    return lifecycle_selectors.manageable_by(DonationOffer, user)


def _my_offer(request: HttpRequest, pk: int) -> DonationOffer:
    return get_object_or_404(_my_offers(request.user).select_related("category"), pk=pk)


def _category_groups() -> list[dict]:
    """The taxonomy for the picker in the page's language: each top category with its
    subcategories, sorted by name; each with its attributes and words to search by."""
    language = get_language()
    categories = list(Category.objects.all())
    names = {category.pk: category.name(language) for category in categories}
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)

    def option(category: Category, parent: Category | None) -> dict:
        words = [names[category.pk], category.name_en, category.slug.replace("-", " ")]
        if parent is not None:
            words.append(names[parent.pk])
        return {
            "slug": category.slug,
            "name": names[category.pk],
            "attributes": " ".join(category.attributes),
            "search": " ".join(words).casefold(),
        }

    groups = []
    for top in sorted(children.get(None, []), key=lambda c: names[c.pk].casefold()):
        below = sorted(children.get(top.pk, []), key=lambda c: names[c.pk].casefold())
        groups.append(
            {
                "name": names[top.pk],
                "options": [option(top, None)] + [option(child, top) for child in below],
            }
        )
    return groups


def _form_context(values: dict, errors: dict, windows: list[dict], **extra) -> dict:
    shown = {name: errors.get(name, []) for name in FIELDS}
    general = [
        message
        for name, found in errors.items()
        if name not in FIELDS and name not in ("latitude", "longitude")
        for message in found
    ]
    # A pin's coordinates are one thing on the page: their messages go with the place.
    shown["address"] = [
        *shown["address"],
        *errors.get("latitude", []),
        *errors.get("longitude", []),
    ]
    return {
        "values": values,
        "errors": shown,
        "general_errors": general,
        "has_errors": bool(errors),
        "category_groups": _category_groups(),
        "conditions": Condition.choices,
        "attribute_fields": [
            {"name": name, "label": label, "value": values.get(f"attr_{name}", "")}
            for name, label in ATTRIBUTE_LABELS.items()
        ],
        "windows": windows,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_centre": MAP_CENTRE,
        **extra,
    }


def _posted_values(request: HttpRequest) -> dict:
    values = {
        name: request.POST.get(name, "")
        for name in (
            "title",
            "description",
            "category",
            "quantity",
            "condition",
            "delivery_radius_km",
            "address",
            "latitude",
            "longitude",
        )
    }
    for name in ATTRIBUTE_LABELS:
        values[f"attr_{name}"] = request.POST.get(f"attr_{name}", "")
    return values


def _offer_values(offer: DonationOffer) -> dict:
    values = {
        "title": offer.title,
        "description": offer.description,
        "category": offer.category.slug,
        "quantity": str(offer.quantity),
        "condition": offer.condition,
        "delivery_radius_km": "" if offer.delivery_radius_km is None else offer.delivery_radius_km,
        **pin_values(offer),
    }
    for name in ATTRIBUTE_LABELS:
        values[f"attr_{name}"] = offer.attributes.get(name, "")
    return values


def _parse(request: HttpRequest) -> tuple[dict, dict]:
    """(fields for the service, errors): the form parsed; errors if it cannot be."""
    form = DonationOfferForm(request.POST)
    errors: dict[str, list[str]] = {}
    windows, window_errors = windows_from(request.POST)
    if window_errors:
        errors["pickup_windows"] = window_errors
    if not form.is_valid():
        for name, found in form.errors.items():
            errors.setdefault(GENERAL if name == "__all__" else name, []).extend(found)
        return {}, errors
    data = form.cleaned_data
    latitude, longitude = data["latitude"], data["longitude"]
    address = data["address"].strip()
    if not address and latitude is not None:
        address = address_for_pin(latitude, longitude)
        if not address:
            errors["address"] = [
                _("We know no place near this pin. Please type the address or postal code as well.")
            ]
    fields = {
        "title": data["title"],
        "description": data["description"],
        "category": data["category"],
        "quantity": data["quantity"],
        "condition": data["condition"],
        "delivery_radius_km": data["delivery_radius_km"],
        "attributes": attributes_from(request.POST, data["category"]),
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "pickup_windows": windows,
    }
    return fields, errors


@never_cache
@login_required
def my_donations(request: HttpRequest) -> HttpResponse:
    offers = matching_selectors.as_shown(_my_offers(request.user), request.user)
    # The matches each offer's donor may see (never a proposal under review), to answer them.
    matches_of: dict[int, list] = {}
    for match in matching_selectors.matches_visible_to(request.user).filter(
        donation_offer__in=offers
    ):
        matches_of.setdefault(match.donation_offer_id, []).append(
            {"match": match, "state_label": state_label(match.state)}
        )
    rows = []
    for offer in offers.select_related("category").order_by("-created_at", "-id"):
        status = matching_selectors.status_told(offer)
        open_quantity = matching_selectors.open_told(offer)
        rows.append(
            {
                "offer": offer,
                "category": offer.category.name(get_language()),
                "status": status,
                "status_label": status_label(status, open_quantity),
                "open_quantity": open_quantity,
                "closed": status in CLOSED_STATUSES,
                "matches": matches_of.get(offer.pk, []),
            }
        )
    return render(
        request,
        "web/donations/list.html",
        {
            "rows": rows,
            "map_url": reverse("api:donation-offers-map") + "?mine=true",
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "map_centre": MAP_CENTRE,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_donation(request: HttpRequest) -> HttpResponse:
    page = {"heading": _("Give something"), "action": reverse("donation-new")}
    if request.method != "POST":
        return render(
            request,
            "web/donations/form.html",
            _form_context(
                {"condition": Condition.GOOD, "quantity": "1"}, {}, window_rows(), **page
            ),
        )
    fields, errors = _parse(request)
    if not errors:
        try:
            offer = services.create_donation_offer(user=request.user, **fields)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return render(
            request,
            "web/donations/form.html",
            _form_context(_posted_values(request), errors, window_rows(request.POST), **page),
            status=400,
        )
    messages.success(
        request, _("Thank you! Your offer “%(title)s” is online.") % {"title": offer.title}
    )
    return redirect("donations")


def _changes(offer: DonationOffer, fields: dict) -> dict:
    """What the form changes on the offer, as `update_donation_offer` takes it. The place is
    sent (and placed again) only when the address or the pin changed."""
    changes = {
        name: fields[name]
        for name in (
            "title",
            "description",
            "category",
            "quantity",
            "condition",
            "delivery_radius_km",
            "attributes",
        )
        if fields[name] != getattr(offer, name)
    }
    changes.update(place_changes(offer, fields))
    windows = [(w["start"], w["end"]) for w in fields["pickup_windows"]]
    if windows != [(w.start, w.end) for w in offer.pickup_windows.all()]:
        changes["pickup_windows"] = fields["pickup_windows"]
    return changes


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_donation(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _my_offer(request, pk)
    page = {
        "heading": _("Change your offer"),
        "action": reverse("donation-edit", args=[offer.pk]),
        "offer": offer,
        "closed": offer.status in CLOSED_STATUSES,
    }
    if request.method != "POST":
        windows = window_rows(windows=offer.pickup_windows.values_list("start", "end"))
        return render(
            request,
            "web/donations/form.html",
            _form_context(_offer_values(offer), {}, windows, **page),
        )
    fields, errors = _parse(request)
    if not errors:
        changes = _changes(offer, fields)
        try:
            if changes:
                services.update_donation_offer(record=offer, user=request.user, **changes)
        except ApplicationError as error:
            errors = error.errors
    if errors:
        return render(
            request,
            "web/donations/form.html",
            _form_context(_posted_values(request), errors, window_rows(request.POST), **page),
            status=400,
        )
    messages.success(request, _("Your changes are saved.") if changes else _("Nothing changed."))
    return redirect("donations")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_donation(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _my_offer(request, pk)
    if request.method == "POST":
        try:
            lifecycle_services.withdraw(offer, actor=request.user)
        except ApplicationError as error:
            for found in error.errors.values():
                for message in found:
                    messages.error(request, message)
        else:
            messages.success(
                request, _("Your offer “%(title)s” is withdrawn.") % {"title": offer.title}
            )
        return redirect("donations")
    return render(
        request,
        "web/donations/withdraw.html",
        {"offer": offer, "closed": offer.status in CLOSED_STATUSES},
    )
