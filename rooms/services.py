"""Writes for rooms, room requests and bookings. Every rule lives here; forms and serializers
only parse. A refusal is an ApplicationError and changes nothing.

Overlapping bookings are refused by the database (the exclusion constraint of `Booking`), not
by a look at the calendar first: between such a look and the write another confirmation could
slip in. `confirm` turns the database's refusal into a clear message.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.errors import DeadlockDetected

from accounts.models import Organisation, User
from accounts.selectors import initiative_to_post_for
from base.errors import NOT_ALLOWED, WRONG_STATE, ApplicationError, collect
from base.text import clean_model_text, clean_model_values
from geo.services import apply_placement, place_address
from rooms import selectors
from rooms.models import (
    NO_OVERLAP_CONSTRAINT,
    Booking,
    BookingStatus,
    RequestStatus,
    Room,
    RoomHours,
    RoomRequest,
    Weekday,
)

# No event is planned before the platform existed: an earlier year is a typo ("1925").
EARLIEST_YEAR = 2000
# Rooms are booked for the coming months, not for years ahead; further is a typo.
FUTURE_LIMIT = timedelta(days=2 * 366)
REASON_MAX_LENGTH = 500
PLACE_FIELDS = ("address", "latitude", "longitude")
ROOM_FIELDS = ("name", "description", "capacity", "equipment", "step_free", "active")


@dataclass(frozen=True)
class Hours:
    """A span of bookable hours on a weekday (0 Monday … 6 Sunday), local time."""

    weekday: int
    start: time
    end: time


class HoursError(ApplicationError):
    """Bad bookable hours: `rows` are the positions of the spans at fault, so a form can
    mark them beside the messages."""

    def __init__(self, errors: dict, rows: list[int]) -> None:
        super().__init__(errors)
        self.rows = rows


def _hours(spans: Iterable) -> list[Hours]:
    return [span if isinstance(span, Hours) else Hours(**dict(span)) for span in spans]


def _check_hours(spans: Sequence[Hours]) -> None:
    messages, rows = [], []
    for index, span in enumerate(spans):
        if span.weekday not in Weekday.values:
            messages.append(_("The weekday must be a number from 0 (Monday) to 6 (Sunday)."))
            rows.append(index)
        elif span.end <= span.start:
            messages.append(
                _("%(day)s: the hours must end after they start (%(start)s–%(end)s).")
                % {
                    "day": Weekday(span.weekday).label,
                    "start": span.start.strftime("%H:%M"),
                    "end": span.end.strftime("%H:%M"),
                }
            )
            rows.append(index)
    if messages:
        raise HoursError({"hours": messages}, rows)


def _save_hours(room: Room, spans: Sequence[Hours]) -> None:
    RoomHours.objects.filter(room=room).delete()
    RoomHours.objects.bulk_create(
        RoomHours(room=room, weekday=s.weekday, start=s.start, end=s.end) for s in spans
    )


def _place(room: Room, latitude: float | None, longitude: float | None, errors: dict) -> None:
    try:
        apply_placement(room, place_address(room.address, latitude, longitude))
    except ValidationError as error:
        collect(errors, error)


def _validate(room: Room, errors: dict, spans: Sequence[Hours] | None) -> None:
    """Every field error of the room at once (and of its hours), or nothing."""
    hours_error = None
    if spans is not None:
        try:
            _check_hours(spans)
        except HoursError as error:
            hours_error = error
            collect(errors, error)
    exclude = [name for name in errors if name != "address"]
    if "address" in errors:
        exclude += ["point", "approx_point", "precision"]
    try:
        room.full_clean(exclude=exclude)
    except ValidationError as error:
        collect(errors, error)
    if hours_error is not None:
        raise HoursError(errors, hours_error.rows)
    if errors:
        raise ApplicationError(errors)


@transaction.atomic
def create_room(
    *,
    user: User,
    owner: Organisation,
    name: str,
    address: str,
    capacity: int,
    description: str = "",
    equipment: Iterable[str] = (),
    step_free: bool = False,
    active: bool = True,
    hours: Iterable = (),
    latitude: float | None = None,
    longitude: float | None = None,
) -> Room:
    """A room offered by `owner`: by its active members, or by a coordinator for any
    organisation (the city's rooms)."""
    if not selectors.may_offer_rooms_for(user, owner):
        raise ApplicationError(
            {"owner": _("You can offer rooms only for an organisation you are a member of.")}
        )
    room = Room(
        owner=owner,
        name=name,
        description=description,
        address=address,
        capacity=capacity,
        equipment=sorted(set(equipment)),
        step_free=step_free,
        active=active,
        last_confirmed=timezone.localdate(),
    )
    errors: dict[str, list[str]] = {}
    try:
        clean_model_text(room)
    except ApplicationError as error:
        collect(errors, error)
    if "address" not in errors:
        _place(room, latitude, longitude, errors)
    spans = _hours(hours)
    _validate(room, errors, spans)
    room.save()
    _save_hours(room, spans)
    return room


@transaction.atomic
def update_room(*, room: Room, user: User, **changes) -> Room:
    """Change what is given (`hours` replaces every span). Saving confirms the room as
    current (`last_confirmed` is today)."""
    if not selectors.may_manage_room(user, room):
        raise ApplicationError(
            _("Only the room's owner or a coordinator can change it."), code=NOT_ALLOWED
        )
    room = Room.objects.select_for_update().get(pk=room.pk)
    unknown = set(changes) - {*ROOM_FIELDS, *PLACE_FIELDS, "hours"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    spans = _hours(changes.pop("hours")) if "hours" in changes else None
    latitude, longitude = changes.pop("latitude", None), changes.pop("longitude", None)
    errors: dict[str, list[str]] = {}
    try:
        changes = clean_model_values(Room, changes)
    except ApplicationError as error:
        collect(errors, error)
        changes = {k: v for k, v in changes.items() if k not in error.errors}
    if "equipment" in changes:
        changes["equipment"] = sorted(set(changes["equipment"]))
    for name, value in changes.items():
        setattr(room, name, value)
    if ("address" in changes or latitude is not None) and "address" not in errors:
        _place(room, latitude, longitude, errors)
    room.last_confirmed = timezone.localdate()
    _validate(room, errors, spans)
    room.save()
    if spans is not None:
        _save_hours(room, spans)
    return room


# --- requests ------------------------------------------------------------------------------


def _check_times(start: datetime, end: datetime, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if timezone.is_naive(start) or timezone.is_naive(end):
        # Parsers hand over aware times; a naive one is a programming error, not input.
        raise ValueError("start and end must be aware datetimes")
    local_start = selectors.local(start)
    if local_start.year < EARLIEST_YEAR:
        errors["start"] = [_("Please check the year: the date lies before 2000.")]
    elif start < now:
        errors["start"] = [_("This time lies in the past. Please choose a coming date.")]
    elif start > now + FUTURE_LIMIT:
        errors["start"] = [_("Please check the year: the date lies too far in the future.")]
    if end <= start:
        errors["end"] = [_("The event must end after it begins.")]
    elif selectors.local(end).date() != local_start.date():
        errors["end"] = [
            _("A room is booked for one day at a time: the event must end on the day it begins.")
        ]
    return errors


def _check_people(people: int | None) -> dict[str, list[str]]:
    if people is None or people < 1:
        return {}  # the model's validators say so
    largest = selectors.largest_capacity()
    if largest == 0:
        return {"people": [_("No room is offered at the moment; please ask the welcome centre.")]}
    if people > largest:
        return {
            "people": [
                _(
                    "No room holds %(people)s people: the largest room offered holds %(largest)s."
                    " Please plan for fewer people or ask the welcome centre."
                )
                % {"people": people, "largest": largest}
            ]
        }
    return {}


@transaction.atomic
def request_room(
    *,
    user: User,
    title: str,
    start: datetime,
    end: datetime,
    people: int,
    organisation: Organisation | None = None,
    equipment: Iterable[str] = (),
    needs_step_free: bool = False,
    note: str = "",
) -> RoomRequest:
    """An active member of an initiative asks for a room for the initiative's event. Every
    problem is answered at once, and nothing is saved unless there is none."""
    errors: dict[str, list[str]] = {}
    try:
        organisation = initiative_to_post_for(
            user, organisation, refusal=_("Only members of an initiative can request a room.")
        )
    except ApplicationError as error:
        collect(errors, error)
        organisation = None
    request = RoomRequest(
        organisation=organisation,
        requested_by=user,
        title=title,
        note=note,
        start=start,
        end=end,
        people=people,
        equipment=sorted(set(equipment)),
        needs_step_free=needs_step_free,
    )
    try:
        clean_model_text(request)
    except ApplicationError as error:
        collect(errors, error)
    for name, messages in _check_times(start, end, timezone.now()).items():
        errors.setdefault(name, []).extend(messages)
    for name, messages in _check_people(people).items():
        errors.setdefault(name, []).extend(messages)
    exclude = [*errors, "status", "room"]
    if organisation is None:
        exclude.append("organisation")
    try:
        request.full_clean(exclude=exclude)
    except ValidationError as error:
        collect(errors, error)
    if errors:
        raise ApplicationError(errors)
    request.save()
    return request


# --- decisions -----------------------------------------------------------------------------


def _violated_constraint(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


@transaction.atomic
def _book(request: RoomRequest, room: Room, actor: User) -> Booking:
    # The claim on the request: of two confirmations of one request, one changes it.
    claimed = RoomRequest.objects.filter(pk=request.pk, status=RequestStatus.REQUESTED).update(
        status=RequestStatus.CONFIRMED,
        room=room,
        decided_by=actor,
        decided_at=timezone.now(),
        reason="",
        updated_at=timezone.now(),
    )
    if not claimed:
        raise ApplicationError(_("This request was decided already."), code=WRONG_STATE)
    return Booking.objects.create(
        room=room,
        request=request,
        during=selectors.time_range(request.start, request.end),
        confirmed_by=actor,
    )


def confirm(request: RoomRequest, room: Room, actor: User) -> Booking:
    """Book `room` for the request: by a coordinator or an active member of the room's
    owner. If another confirmed booking of the room overlaps (also one being written at this
    very moment), the database refuses and nothing changes."""
    if not selectors.may_manage_room(actor, room):
        raise ApplicationError(
            {"room": _("Only the room's owner or a coordinator can confirm a booking of it.")},
            code=NOT_ALLOWED,
        )
    request = RoomRequest.objects.get(pk=request.pk)
    if request.status != RequestStatus.REQUESTED:
        raise ApplicationError(_("This request was decided already."), code=WRONG_STATE)
    if request.end <= timezone.now():
        raise ApplicationError(_("This event is over."), code=WRONG_STATE)
    problems = selectors.why_unsuitable(room, request)
    if problems:
        raise ApplicationError({"room": problems})
    # Two overlapping bookings inserted at the same moment can deadlock inside the exclusion
    # check (PostgreSQL aborts one of them); tried again, the loser meets the winner's
    # committed booking and is refused by the constraint like any other overlap.
    for attempt in range(2):
        try:
            booking = _book(request, room, actor)
        except OperationalError as error:
            if attempt or not isinstance(error.__cause__, DeadlockDetected):
                raise
            continue
        except IntegrityError as error:
            if _violated_constraint(error) == NO_OVERLAP_CONSTRAINT:
                raise ApplicationError(
                    {"room": _("This room is already booked at that time.")}, code=WRONG_STATE
                ) from None
            if _violated_constraint(error) == "rooms_booking_one_per_request":
                raise ApplicationError(
                    _("This request was decided already."), code=WRONG_STATE
                ) from None
            raise
        break
    return booking


def _reason(reason: str) -> str:
    reason = clean_model_values(RoomRequest, {"reason": reason or ""})["reason"].strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            {"reason": _("Please keep it under %(n)s characters.") % {"n": REASON_MAX_LENGTH}}
        )
    return reason


@transaction.atomic
def decline(request: RoomRequest, actor: User, reason: str = "") -> RoomRequest:
    """No room for this request: said by a coordinator or a room owner."""
    if not selectors.may_decide(actor):
        raise ApplicationError(
            _("Only room owners and coordinators decide about requests."), code=NOT_ALLOWED
        )
    reason = _reason(reason)
    changed = RoomRequest.objects.filter(pk=request.pk, status=RequestStatus.REQUESTED).update(
        status=RequestStatus.DECLINED,
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason,
        updated_at=timezone.now(),
    )
    if not changed:
        raise ApplicationError(_("This request was decided already."), code=WRONG_STATE)
    return RoomRequest.objects.get(pk=request.pk)


@transaction.atomic
def withdraw(request: RoomRequest, actor: User) -> RoomRequest:
    """The initiative no longer needs the room; a confirmed booking is cancelled and the
    room is free again."""
    if request.organisation_id not in selectors.active_organisation_ids(actor):
        raise ApplicationError(
            _("Only members of the initiative can withdraw its request."), code=NOT_ALLOWED
        )
    locked = RoomRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (RequestStatus.REQUESTED, RequestStatus.CONFIRMED):
        raise ApplicationError(
            _("This request is %(status)s and can no longer be withdrawn.")
            % {"status": locked.get_status_display()},
            code=WRONG_STATE,
        )
    Booking.objects.filter(request=locked, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.CANCELLED, cancelled_at=timezone.now()
    )
    locked.status = RequestStatus.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def cancel_booking(booking: Booking, actor: User, reason: str = "") -> Booking:
    """The owner (or a coordinator) cannot hold the room after all: the booking ends and the
    request is open again, to be matched to another room."""
    if not selectors.may_manage_room(actor, booking.room):
        raise ApplicationError(
            _("Only the room's owner or a coordinator can cancel a booking of it."),
            code=NOT_ALLOWED,
        )
    reason = _reason(reason)
    changed = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.CANCELLED, cancelled_at=timezone.now()
    )
    if not changed:
        raise ApplicationError(_("This booking was cancelled already."), code=WRONG_STATE)
    RoomRequest.objects.filter(pk=booking.request_id, status=RequestStatus.CONFIRMED).update(
        status=RequestStatus.REQUESTED,
        room=None,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return Booking.objects.get(pk=booking.pk)


def local_datetime(day: date, at: time) -> datetime:
    """`at` o'clock on `day` in the site's time zone: how forms give an event's times."""
    return timezone.make_aware(datetime.combine(day, at), ZoneInfo(settings.TIME_ZONE))
