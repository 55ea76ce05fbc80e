"""Events as iCalendar (RFC 5545, the `icalendar` package): one series with its rule, the
dates it leaves out and its extra dates, and a feed of every series a filter finds.

The times are written in the series' own time zone (DTSTART;TZID=Europe/Berlin, with its
VTIMEZONE), so that a calendar app repeats them at the same local time as the site does.
The venue's address is public (events are public places); no personal contact is written.
"""

from datetime import UTC, date
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from icalendar import Calendar, Event, vRecur

from editorial.selectors import reading
from events.models import EventSeries
from events.recurrence import zone

PRODID = "-//Willkommen//Events and courses//EN"


def uid(series: EventSeries) -> str:
    # Stable per series, so that a calendar app updates the event instead of adding another.
    host = urlsplit(settings.SITE_URL).hostname or "willkommen"
    return f"event-series-{series.pk}@{host}"


def location(series: EventSeries) -> str:
    where = ", ".join(part for part in (series.venue, series.address) if part)
    if series.online:
        where = ", ".join(part for part in (where, series.online_url) if part)
    return where


def series_event(series: EventSeries, language: str, *, url: str = "") -> Event:
    shown = reading(series.text, language)
    tz = zone(series.time_zone)
    event = Event()
    event.add("uid", uid(series))
    event.add("dtstamp", series.updated_at.astimezone(UTC))
    event.add("last-modified", series.updated_at.astimezone(UTC))
    event.add("dtstart", series.starts_at.astimezone(tz))
    event.add("dtend", (series.starts_at + series.duration).astimezone(tz))
    if series.rrule:
        event.add("rrule", vRecur.from_ical(series.rrule))
    if series.exdates:
        event.add("exdate", [moment.astimezone(tz) for moment in series.exdates])
    if series.rdates:
        event.add("rdate", [moment.astimezone(tz) for moment in series.rdates])
    event.add("summary", shown["title"])
    if shown["description"]:
        event.add("description", shown["description"])
    where = location(series)
    if where:
        event.add("location", where)
    if series.point is not None:
        event.add("geo", (round(series.point.y, 6), round(series.point.x, 6)))
    if url:
        event.add("url", url)
    names = [category.name(language) for category in series.categories.all()]
    if names:
        event.add("categories", names)
    event.add("status", "CONFIRMED" if series.published else "CANCELLED")
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones(first_date=date(2000, 1, 1))
    return calendar.to_ical()


def series_calendar(series: EventSeries, language: str, *, url: str = "") -> bytes:
    calendar = _calendar(reading(series.text, language)["title"])
    calendar.add_component(series_event(series, language, url=url))
    return _finish(calendar)


def feed(
    queryset: QuerySet[EventSeries], language: str, *, name: str, url_of=lambda series: ""
) -> bytes:
    """One calendar with every series of `queryset` (each with its own rule)."""
    calendar = _calendar(name)
    for series in queryset:
        calendar.add_component(series_event(series, language, url=url_of(series)))
    return _finish(calendar)


def filename(series: EventSeries) -> str:
    return f"event-{series.pk}.ics"
