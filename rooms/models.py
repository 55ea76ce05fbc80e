"""Rooms that the city and organisations offer to initiatives for their events, the
initiatives' requests for a room, and the bookings that confirm one.

Two confirmed bookings of one room never overlap: the database refuses it with an exclusion
constraint over the booking's time range (a tstzrange), not a check in Python, so that two
coordinators confirming at the same moment cannot both succeed.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geo.models import PlacedModel

# A hall of a community centre holds a few hundred; more is a typo (an extra zero).
MAX_CAPACITY = 1000
NO_OVERLAP_CONSTRAINT = "rooms_booking_no_overlap"


class Equipment(models.TextChoices):
    """A small fixed set, so that a request's needs and a room's equipment compare exactly."""

    PROJECTOR = "projector", _("Projector")
    KITCHEN = "kitchen", _("Kitchen")
    CHAIRS_TABLES = "chairs_tables", _("Chairs and tables")
    WIFI = "wifi", _("Wi-Fi")
    WHITEBOARD = "whiteboard", _("Whiteboard")


class Weekday(models.IntegerChoices):
    # Python's date.weekday(): Monday is 0.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def equipment_field(verbose_name) -> ArrayField:
    return ArrayField(
        models.CharField(max_length=32, choices=Equipment.choices),
        verbose_name=verbose_name,
        default=list,
        blank=True,
    )


class Room(PlacedModel):
    """A room offered for initiatives' events by its owner (the city's welcome centre, an
    organisation). Its district and approximate point are public; the exact address is shown
    to the owner, coordinators and initiatives whose booking of it was confirmed."""

    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"),
        validators=[
            MinValueValidator(1, message=_("A room holds at least one person.")),
            MaxValueValidator(MAX_CAPACITY),
        ],
    )
    equipment = equipment_field(_("equipment"))
    step_free = models.BooleanField(_("step-free access"), default=False)
    active = models.BooleanField(_("offered"), default=True)
    # Owners are asked to confirm their rooms now and then (issue 14, "currency"): saving the
    # room's form counts as confirming it.
    last_confirmed = models.DateField(_("last confirmed"), default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="rooms_room_capacity_positive"
            ),
            models.UniqueConstraint(fields=["owner", "name"], name="rooms_room_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"

    @property
    def equipment_labels(self) -> list[str]:
        return [Equipment(value).label for value in self.equipment if value in Equipment.values]


class RoomHours(models.Model):
    """When a room can be booked on a weekday, in local time (Europe/Berlin). A weekday may
    have several spans; a span ends on the day it begins."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="rooms_hours_end_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="rooms_hours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RoomRequest(models.Model):
    """An initiative asks for a room for an event: when, for how many, with what."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="room_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="room_requests"
    )
    title = models.CharField(_("title of the event"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    people = models.PositiveSmallIntegerField(
        _("number of people"),
        validators=[
            MinValueValidator(1, message=_("At least one person comes.")),
            MaxValueValidator(MAX_CAPACITY),
        ],
    )
    equipment = equipment_field(_("equipment needed"))
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    # The room chosen when the request was confirmed.
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="rooms_request_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.CONFIRMED) | Q(room__isnull=False),
                name="rooms_request_confirmed_has_room",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    @property
    def equipment_labels(self) -> list[str]:
        return [Equipment(value).label for value in self.equipment if value in Equipment.values]


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    """A room held for a request's time. Cancelled bookings stay as history and hold no time."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    request = models.ForeignKey(RoomRequest, on_delete=models.PROTECT, related_name="bookings")
    # [start, end): a booking ending at 18:00 and one starting at 18:00 do not overlap.
    during = DateTimeRangeField()
    status = models.CharField(
        max_length=16, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["during", "pk"]
        constraints = [
            # The rule of the room: the database refuses the second of two overlapping
            # confirmed bookings, whoever writes and however many at once (needs btree_gist
            # for the equality on the room next to the range in one GiST index).
            ExclusionConstraint(
                name=NO_OVERLAP_CONSTRAINT,
                expressions=[
                    ("during", RangeOperators.OVERLAPS),
                    ("room", RangeOperators.EQUAL),
                ],
                condition=Q(status=BookingStatus.CONFIRMED),
            ),
            # One standing booking per request.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status=BookingStatus.CONFIRMED),
                name="rooms_booking_one_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.during}"
