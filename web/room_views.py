"""The room pages (issue 14, area "rooms"): rooms the city and organisations offer to
initiatives for their events.

- `/rooms/` (everyone, no sign-in): the rooms offered, filtered by people, step-free and
  equipment; district and hours, never the exact address (that is for the owner,
  coordinators, and an initiative once its booking is confirmed).
- `/rooms/requests/` (initiative members): our requests with their state, the confirmed room
  with its address and a calendar file; `/rooms/requests/new/` asks for a room.
- `/rooms/decide/` (room owners and coordinators): open requests, each with the rooms that
  suit it (owners: their own), to confirm or decline; our rooms and their coming bookings.
- `/rooms/new/`, `/rooms/<id>/edit/`: offer a room with its bookable hours, or change it.

Every rule is `rooms.services`'; a refusal shows its messages beside the fields.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from accounts.selectors import active_organisations_of
from base.errors import GENERAL, ApplicationError
from geo.models import Precision
from rooms import calendar, selectors, services
from rooms.models import Booking, Equipment, Room, Weekday
from web.room_forms import (
    RoomFilterForm,
    hours_field,
    parse_request,
    parse_room,
    request_errors,
)

MAP_CENTRE = "51.3397,12.3731"


def _flash(request: HttpRequest, error: ApplicationError) -> None:
    for found in error.errors.values():
        for message in found:
            messages.error(request, message)


# --- the public list -----------------------------------------------------------------------


@never_cache
def room_list(request: HttpRequest) -> HttpResponse:
    form = RoomFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rooms = selectors.public_rooms(
        people=filters.get("people"),
        step_free=filters.get("step_free"),
        equipment=filters.get("equipment") or (),
    )
    user = request.user
    return render(
        request,
        "web/rooms/list.html",
        {
            "form": form,
            "errors": form.errors if request.GET else {},
            "values": {
                "people": request.GET.get("people", ""),
                "step_free": bool(filters.get("step_free")),
                "equipment": filters.get("equipment") or [],
            },
            "equipment_choices": Equipment.choices,
            "rooms": rooms,
            "member": user.is_authenticated and active_organisations_of(user).exists(),
            "decider": selectors.may_decide(user),
        },
    )


# --- an initiative's requests --------------------------------------------------------------


def _request_rows(user) -> list[dict]:
    rows = []
    for room_request in selectors.requests_of(user):
        booking = selectors.confirmed_booking(room_request)
        rows.append({"request": room_request, "booking": booking})
    return rows


@never_cache
@login_required
def our_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/rooms/our_requests.html",
        {
            "rows": _request_rows(request.user),
            "member": active_organisations_of(request.user).exists(),
        },
    )


def _request_page(request, values: dict, errors: dict, status: int = 200) -> HttpResponse:
    organisations = list(active_organisations_of(request.user).order_by("name", "pk"))
    known = {
        "title",
        "date",
        "start_time",
        "end_time",
        "people",
        "equipment",
        "needs_step_free",
        "note",
        "organisation",
    }
    return render(
        request,
        "web/rooms/request_form.html",
        {
            "values": values,
            "errors": errors,
            "general_errors": [m for n, found in errors.items() if n not in known for m in found],
            "has_errors": bool(errors),
            "organisations": organisations,
            "equipment_choices": Equipment.choices,
            "largest": selectors.largest_capacity(),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        organisations = active_organisations_of(request.user).order_by("name", "pk")
        first = organisations.first()
        initial = {
            "people": request.GET.get("people", ""),
            "equipment": [],
            "organisation": str(first.pk) if first else "",
        }
        return _request_page(request, initial, {})
    fields, errors = parse_request(request.POST)
    if not errors and fields.get("organisation") is not None:
        chosen = active_organisations_of(request.user).filter(pk=fields["organisation"]).first()
        if chosen is None:
            errors = {"organisation": [_("You are not a member of this initiative.")]}
        fields["organisation"] = chosen
    if not errors:
        try:
            room_request = services.request_room(user=request.user, **fields)
        except ApplicationError as error:
            errors = request_errors(error.errors)
    if errors:
        values = {name: request.POST.get(name, "") for name in request.POST}
        values["equipment"] = request.POST.getlist("equipment")
        return _request_page(request, values, errors, 400)
    messages.success(
        request,
        _("Your request for “%(title)s” is sent. You will see here when a room is confirmed.")
        % {"title": room_request.title},
    )
    return redirect("room-requests")


@login_required
@require_POST
def withdraw_request(request: HttpRequest, pk: int) -> HttpResponse:
    room_request = get_object_or_404(selectors.requests_of(request.user), pk=pk)
    try:
        services.withdraw(room_request, request.user)
    except ApplicationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("room-requests")


@login_required
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("room__owner", "request__organisation"), pk=pk
    )
    if not selectors.may_see_booking(request.user, booking):
        raise Http404
    response = HttpResponse(
        calendar.booking_calendar(booking), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar.filename(booking)}"'
    return response


# --- owners and coordinators ---------------------------------------------------------------


def _decider(request: HttpRequest) -> None:
    if not selectors.may_decide(request.user):
        raise PermissionDenied


@never_cache
@login_required
def decide(request: HttpRequest) -> HttpResponse:
    _decider(request)
    user = request.user
    owners = selectors.owner_ids_for_decider(user)
    rows = [
        {
            "request": room_request,
            "rooms": list(selectors.suitable_rooms(room_request, owners=owners)),
        }
        for room_request in selectors.requests_to_decide(user)
    ]
    bookings = selectors.bookings_of_rooms(user).filter(during__endswith__gte=timezone.now())
    return render(
        request,
        "web/rooms/decide.html",
        {
            "rows": rows,
            "bookings": bookings,
            "rooms": selectors.rooms_managed_by(user),
        },
    )


@login_required
@require_POST
def confirm_request(request: HttpRequest, pk: int) -> HttpResponse:
    _decider(request)
    room_request = get_object_or_404(selectors.requests_to_decide(request.user), pk=pk)
    room = get_object_or_404(Room, pk=request.POST.get("room") or 0)
    try:
        services.confirm(room_request, room, request.user)
    except ApplicationError as error:
        _flash(request, error)
    else:
        messages.success(
            request,
            _("“%(title)s” is booked in %(room)s.")
            % {"title": room_request.title, "room": room.name},
        )
    return redirect("rooms-decide")


@login_required
@require_POST
def decline_request(request: HttpRequest, pk: int) -> HttpResponse:
    _decider(request)
    room_request = get_object_or_404(selectors.requests_to_decide(request.user), pk=pk)
    try:
        services.decline(room_request, request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The request is declined."))
    return redirect("rooms-decide")


@login_required
@require_POST
def cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(selectors.bookings_of_rooms(request.user), pk=pk)
    try:
        services.cancel_booking(booking, request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The booking is cancelled; the request is open again."))
    return redirect("rooms-decide")


# --- offering a room -----------------------------------------------------------------------


def _owners(user) -> list[Organisation]:
    if user.is_coordinator:
        return list(Organisation.objects.order_by("name", "pk"))
    return list(active_organisations_of(user).order_by("name", "pk"))


def _room_values(room: Room) -> dict:
    values = {
        "owner": str(room.owner_id),
        "name": room.name,
        "description": room.description,
        "address": room.address,
        "capacity": str(room.capacity),
        "equipment": list(room.equipment),
        "step_free": room.step_free,
        "active": room.active,
    }
    pinned = room.precision == Precision.PIN
    values["latitude"] = f"{room.point.y:.6f}" if pinned else ""
    values["longitude"] = f"{room.point.x:.6f}" if pinned else ""
    for span in room.hours.all():
        # One span per weekday on this form; further spans (from the API) show the first.
        values.setdefault(hours_field(span.weekday, "start"), span.start.strftime("%H:%M"))
        values.setdefault(hours_field(span.weekday, "end"), span.end.strftime("%H:%M"))
    return values


def _room_page(request, page: dict, values: dict, errors: dict, status=200) -> HttpResponse:
    days = []
    for weekday, label in Weekday.choices:
        start, end = hours_field(weekday, "start"), hours_field(weekday, "end")
        days.append(
            {
                "label": label,
                "start": start,
                "end": end,
                "start_value": values.get(start, ""),
                "end_value": values.get(end, ""),
                "errors": [*errors.get(start, []), *errors.get(end, [])],
            }
        )
    known = (
        {
            "owner",
            "name",
            "description",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "equipment",
            "step_free",
            "active",
            "hours",
        }
        | {d["start"] for d in days}
        | {d["end"] for d in days}
    )
    shown = dict(errors)
    shown["address"] = [
        *errors.get("address", []),
        *errors.get("latitude", []),
        *errors.get("longitude", []),
    ]
    return render(
        request,
        "web/rooms/room_form.html",
        {
            **page,
            "values": values,
            "errors": shown,
            "general_errors": [m for n, found in errors.items() if n not in known for m in found],
            "has_errors": bool(errors),
            "days": days,
            "owners": _owners(request.user),
            "equipment_choices": Equipment.choices,
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "map_centre": MAP_CENTRE,
        },
        status=status,
    )


def _hours_errors(error: ApplicationError, weekdays: list[int]) -> dict:
    """The service names the spans at fault by their position; the form shows the message
    beside that weekday's times."""
    errors = {name: list(found) for name, found in error.errors.items()}
    rows = getattr(error, "rows", [])
    hours = errors.pop("hours", [])
    for index, message in zip(rows, hours, strict=False):
        if index < len(weekdays):
            errors.setdefault(hours_field(weekdays[index], "end"), []).append(message)
    if len(hours) > len(rows):
        errors.setdefault(GENERAL, []).extend(hours[len(rows) :])
    return errors


def _posted_room(request: HttpRequest) -> dict:
    values = {name: request.POST.get(name, "") for name in request.POST}
    values["equipment"] = request.POST.getlist("equipment")
    values["step_free"] = bool(request.POST.get("step_free"))
    values["active"] = bool(request.POST.get("active"))
    return values


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new_room(request: HttpRequest) -> HttpResponse:
    page = {"heading": _("Offer a room"), "record": None}
    owners = _owners(request.user)
    if request.method != "POST":
        initial = {"owner": str(owners[0].pk) if owners else "", "equipment": [], "active": True}
        return _room_page(request, page, initial, {})
    fields, errors, weekdays = parse_room(request.POST)
    if not errors:
        owner = next((o for o in owners if o.pk == fields.pop("owner")), None)
        if owner is None:
            errors = {
                "owner": [_("You can offer rooms only for an organisation you are a member of.")]
            }
    if not errors:
        try:
            room = services.create_room(user=request.user, owner=owner, **fields)
        except ApplicationError as error:
            errors = _hours_errors(error, weekdays)
    if errors:
        return _room_page(request, page, _posted_room(request), errors, 400)
    messages.success(request, _("Thank you! The room “%(name)s” is offered.") % {"name": room.name})
    return redirect("rooms-decide")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_room(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_object_or_404(selectors.rooms_managed_by(request.user), pk=pk)
    page = {"heading": _("Change the room"), "record": room}
    if request.method != "POST":
        return _room_page(request, page, _room_values(room), {})
    fields, errors, weekdays = parse_room(request.POST)
    if not errors:
        fields.pop("owner", None)
        if fields["address"] == room.address and fields["latitude"] is None:
            for name in ("address", "latitude", "longitude"):
                fields.pop(name)
        try:
            services.update_room(room=room, user=request.user, **fields)
        except ApplicationError as error:
            errors = _hours_errors(error, weekdays)
    if errors:
        return _room_page(request, page, _posted_room(request), errors, 400)
    messages.success(request, _("Your changes are saved."))
    return redirect("rooms-decide")
