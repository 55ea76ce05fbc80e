"""Reads about rooms, requests and bookings: which rooms suit a request, who may see and
decide what.

Times of day are the room's local time (settings.TIME_ZONE, Europe/Berlin): a room open on
Mondays 17:00–21:00 is open then in summer and in winter, whatever the offset from UTC.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from rooms.models import (
    Booking,
    BookingStatus,
    RequestStatus,
    Room,
    RoomHours,
    RoomRequest,
)


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def time_range(start: datetime, end: datetime) -> DateTimeTZRange:
    """[start, end), as the bookings store their time."""
    return DateTimeTZRange(start, end, "[)")


# --- organisations and roles ---------------------------------------------------------------


def active_organisation_ids(user: User) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def owns_rooms(user: User) -> bool:
    """An active member of an organisation that offers at least one room."""
    return Room.objects.filter(owner_id__in=active_organisation_ids(user)).exists()


def may_manage_room(user: User, room: Room) -> bool:
    """Coordinators and the active members of the room's owner change the room and decide
    about bookings of it."""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or room.owner_id in active_organisation_ids(user)


def may_offer_rooms_for(user: User, organisation: Organisation) -> bool:
    return user.is_authenticated and (
        user.is_coordinator or organisation.pk in active_organisation_ids(user)
    )


def may_decide(user: User) -> bool:
    """Coordinators and room owners see the open requests and decide about them."""
    return user.is_authenticated and (user.is_coordinator or owns_rooms(user))


# --- rooms ---------------------------------------------------------------------------------


def public_rooms(
    *, people: int | None = None, step_free: bool | None = None, equipment=()
) -> QuerySet[Room]:
    """Active rooms, filtered by what anyone may ask of them."""
    rooms = Room.objects.filter(active=True)
    if people:
        rooms = rooms.filter(capacity__gte=people)
    if step_free:
        rooms = rooms.filter(step_free=True)
    if equipment:
        rooms = rooms.filter(equipment__contains=list(equipment))
    return rooms.select_related("owner").prefetch_related("hours").order_by("name", "pk")


def rooms_managed_by(user: User) -> QuerySet[Room]:
    rooms = Room.objects.select_related("owner").prefetch_related("hours")
    if user.is_authenticated and user.is_coordinator:
        return rooms.order_by("owner__name", "name", "pk")
    return rooms.filter(owner_id__in=active_organisation_ids(user)).order_by("name", "pk")


def largest_capacity() -> int:
    return Room.objects.filter(active=True).aggregate(largest=Max("capacity"))["largest"] or 0


def exact_room_ids(user: User) -> set[int] | None:
    """The rooms whose exact address the user may see: None means every room (coordinators).
    The owner's members see their rooms; an initiative sees a room once a booking of it for
    the initiative was confirmed."""
    if not user.is_authenticated:
        return set()
    if user.is_coordinator:
        return None
    organisations = active_organisation_ids(user)
    owned = Room.objects.filter(owner_id__in=organisations).values_list("pk", flat=True)
    booked = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, request__organisation_id__in=organisations
    ).values_list("room_id", flat=True)
    return set(owned) | set(booked)


def may_see_exact(user: User, room: Room, ids: set[int] | None = None) -> bool:
    ids = exact_room_ids(user) if ids is None else ids
    return ids is None or room.pk in ids


def _hours_cover(start: datetime, end: datetime) -> Q:
    """Rooms with a span of bookable hours on the local weekday that holds [start, end)."""
    start, end = local(start), local(end)
    return Q(
        Exists(
            RoomHours.objects.filter(
                room=OuterRef("pk"),
                weekday=start.weekday(),
                start__lte=start.time(),
                end__gte=end.time(),
            )
        )
    )


def _booked(start: datetime, end: datetime, *, exclude_request: int | None = None) -> Q:
    bookings = Booking.objects.filter(
        room=OuterRef("pk"),
        status=BookingStatus.CONFIRMED,
        during__overlap=time_range(start, end),
    )
    if exclude_request is not None:
        bookings = bookings.exclude(request_id=exclude_request)
    return Q(Exists(bookings))


def suitable_rooms(request: RoomRequest, *, owners: set[int] | None = None) -> QuerySet[Room]:
    """Active rooms that hold the request's people, have the wanted equipment, are step-free
    if needed, can be booked at that time of that weekday and have no confirmed booking then;
    the smallest that fits first. `owners` keeps the rooms of those organisations only."""
    rooms = Room.objects.filter(active=True, capacity__gte=request.people)
    if request.equipment:
        rooms = rooms.filter(equipment__contains=list(request.equipment))
    if request.needs_step_free:
        rooms = rooms.filter(step_free=True)
    if owners is not None:
        rooms = rooms.filter(owner_id__in=owners)
    if local(request.start).date() != local(request.end).date():
        return rooms.none()
    rooms = rooms.filter(_hours_cover(request.start, request.end)).exclude(
        _booked(request.start, request.end, exclude_request=request.pk)
    )
    return rooms.select_related("owner").prefetch_related("hours").order_by("capacity", "name")


def why_unsuitable(room: Room, request: RoomRequest) -> list[str]:
    """What keeps the room from holding the request, apart from other bookings (those the
    database's exclusion constraint answers when the booking is written)."""
    problems = []
    if not room.active:
        problems.append(_("This room is not offered at the moment."))
    if room.capacity < request.people:
        problems.append(
            _("This room holds %(capacity)s people, the event needs room for %(people)s.")
            % {"capacity": room.capacity, "people": request.people}
        )
    missing = set(request.equipment) - set(room.equipment)
    if missing:
        problems.append(_("This room lacks equipment the event needs."))
    if request.needs_step_free and not room.step_free:
        problems.append(_("The event needs step-free access, this room has none."))
    if not Room.objects.filter(pk=room.pk).filter(_hours_cover(request.start, request.end)):
        problems.append(_("The room cannot be booked at that time."))
    return problems


# --- requests and bookings ----------------------------------------------------------------


def requests_of(user: User) -> QuerySet[RoomRequest]:
    """The requests of the user's initiatives, newest event first."""
    return (
        RoomRequest.objects.filter(organisation_id__in=active_organisation_ids(user))
        .select_related("organisation", "room", "room__owner", "requested_by")
        .order_by("-start", "-pk")
    )


def requests_to_decide(user: User) -> QuerySet[RoomRequest]:
    """Open requests for coordinators and room owners (everyone else: none)."""
    if not may_decide(user):
        return RoomRequest.objects.none()
    return (
        RoomRequest.objects.filter(status=RequestStatus.REQUESTED)
        .select_related("organisation", "requested_by")
        .order_by("start", "pk")
    )


def may_see_request(user: User, request: RoomRequest) -> bool:
    if not user.is_authenticated:
        return False
    if request.organisation_id in active_organisation_ids(user):
        return True
    if request.status == RequestStatus.REQUESTED:
        return may_decide(user)
    return user.is_coordinator or (
        request.room_id is not None and may_manage_room(user, request.room)
    )


def owner_ids_for_decider(user: User) -> set[int] | None:
    """Whose rooms a decider may book: None (every room) for coordinators."""
    return None if user.is_coordinator else active_organisation_ids(user)


def bookings_of_rooms(user: User) -> QuerySet[Booking]:
    """Confirmed bookings of the rooms the user manages, from today on."""
    rooms = rooms_managed_by(user)
    return (
        Booking.objects.filter(room__in=rooms, status=BookingStatus.CONFIRMED)
        .select_related("room", "request__organisation")
        .order_by("during", "pk")
    )


def may_see_booking(user: User, booking: Booking) -> bool:
    """The booking's calendar file: the requesting initiative, the room's owner,
    coordinators."""
    if not user.is_authenticated:
        return False
    return booking.request.organisation_id in active_organisation_ids(user) or may_manage_room(
        user, booking.room
    )


def confirmed_booking(request: RoomRequest) -> Booking | None:
    return request.bookings.filter(status=BookingStatus.CONFIRMED).first()
