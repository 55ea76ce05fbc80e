"""A confirmed booking as an iCalendar file (RFC 5545, the `icalendar` package), for the
requesting initiative's members and the room's owner (see web/volunteer_calendar.py for the
volunteers' shifts). The file carries the room's exact address: only those who may see it
get it (`rooms.selectors.may_see_booking`)."""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from rooms.models import Booking, BookingStatus

PRODID = "-//Willkommen//Room bookings//EN"


def _uid(booking: Booking) -> str:
    # Stable per booking, so that a calendar app updates the event instead of adding another.
    host = urlsplit(settings.SITE_URL).hostname or "willkommen"
    return f"room-booking-{booking.pk}@{host}"


def booking_event(booking: Booking) -> Event:
    request, room = booking.request, booking.room
    event = Event()
    event.add("uid", _uid(booking))
    event.add("dtstamp", booking.created_at.astimezone(UTC))
    event.add("dtstart", booking.during.lower.astimezone(UTC))
    event.add("dtend", booking.during.upper.astimezone(UTC))
    event.add("summary", f"{request.title} – {room.name}")
    event.add("location", room.address)
    event.add(
        "description",
        "\n".join(
            [
                _("Room: %(room)s (%(owner)s)") % {"room": room.name, "owner": room.owner.name},
                _("Initiative: %(name)s") % {"name": request.organisation.name},
                _("People: %(people)s") % {"people": request.people},
            ]
        ),
    )
    confirmed = booking.status == BookingStatus.CONFIRMED
    event.add("status", "CONFIRMED" if confirmed else "CANCELLED")
    return event


def booking_calendar(booking: Booking) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(booking_event(booking))
    return calendar.to_ical()


def filename(booking: Booking) -> str:
    return f"room-booking-{booking.pk}.ics"
