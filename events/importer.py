"""Import of an external iCalendar feed (a city's event calendar) as event series.

Each VEVENT becomes one series keyed by (source, UID): importing the same feed again creates
nothing new and changes nothing; an event whose content changed (its SUMMARY, DTSTART, RRULE,
SEQUENCE, LAST-MODIFIED …) is updated through the same services as a posted one, so a new
title is a new version of the source text and its translations become outdated; an event no
longer in the feed is unpublished (and published again if it comes back).

What counts as a change is a fingerprint of the VEVENT as the feed wrote it, without DTSTAMP
(which many servers set to the moment the feed was generated).

Feeds are not all tidy: a repeating event without an end is imported up to OPEN_ENDED_DAYS
ahead (and extended when the feed is imported again after it changed); an event the site's
rules refuse (a date in 1900) is skipped and named in the result; overrides of single dates
(RECURRENCE-ID) are left out.
"""

import hashlib
import logging
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar, vRecur

from base.errors import ApplicationError
from events import services
from events.models import EventCategory, EventSeries, EventStatus, ExternalCalendar
from events.recurrence import zone

log = logging.getLogger(__name__)

OPEN_ENDED_DAYS = 365
FETCH_TIMEOUT_SECONDS = 30
MAX_FEED_BYTES = 10 * 1024 * 1024
DEFAULT_DURATION = timedelta(hours=1)


class FeedError(Exception):
    """The feed could not be fetched or read at all."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0
    skipped: list[tuple[str, dict]] = field(default_factory=list)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    fingerprint: str
    title: str
    description: str
    location: str
    url: str
    starts_at: datetime
    duration: timedelta
    time_zone: str
    rrule: str
    exdates: list[datetime]
    rdates: list[datetime]


def fetch(url: str) -> bytes:
    """The feed at `url` (http or https only), at most MAX_FEED_BYTES."""
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "Willkommen calendar import"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) checked above
            data = response.read(MAX_FEED_BYTES + 1)
    except OSError as error:
        raise FeedError(str(error)) from error
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("the feed is larger than the limit")
    return data


def _as_datetime(value, tz_name: str) -> datetime:
    """A DTSTART/EXDATE/RDATE value as an aware datetime: a date is local midnight, a
    floating time is local time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone(tz_name))
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone(tz_name))
    raise ValueError(f"not a date: {value!r}")


def _dates(component, name: str, tz_name: str) -> list[datetime]:
    found = component.get(name)
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [_as_datetime(item.dt, tz_name) for listed in lists for item in listed.dts]


def _zone_name(value) -> str:
    key = getattr(getattr(value, "tzinfo", None), "key", None)
    if key:
        try:
            zone(key)
            return key
        except (ValueError, KeyError, OSError):
            pass
    return settings.TIME_ZONE


def _fingerprint(component) -> str:
    lines = [
        line
        for line in component.to_ical().decode("utf-8", "replace").splitlines()
        if not line.upper().startswith("DTSTAMP")
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _rule(component, starts_at: datetime) -> str:
    found = component.get("rrule")
    if found is None:
        return ""
    if isinstance(found, list):
        found = found[0]
    parts = vRecur(dict(found))
    if "COUNT" not in parts and "UNTIL" not in parts:
        end = max(timezone.now(), starts_at) + timedelta(days=OPEN_ENDED_DAYS)
        parts["UNTIL"] = [end.astimezone(UTC).replace(microsecond=0)]
    return parts.to_ical().decode()


def _text(component, name: str) -> str:
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def parse(data: bytes) -> tuple[list[FeedEvent], list[tuple[str, dict]]]:
    """The feed's events, and the ones that could not be read (UID, messages)."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise FeedError(f"not an iCalendar feed: {error}") from error
    events, skipped = [], []
    for component in calendar.walk("VEVENT"):
        uid = _text(component, "uid")
        if not uid or component.get("recurrence-id") is not None:
            continue
        try:
            start_value = component.decoded("dtstart")
            tz_name = _zone_name(start_value)
            starts_at = _as_datetime(start_value, tz_name)
            if component.get("dtend") is not None:
                ends_at = _as_datetime(component.decoded("dtend"), tz_name)
                duration = ends_at - starts_at
            elif component.get("duration") is not None:
                duration = component.decoded("duration")
            else:
                all_day = not isinstance(start_value, datetime)
                duration = timedelta(days=1) if all_day else DEFAULT_DURATION
            events.append(
                FeedEvent(
                    uid=uid[:500],
                    fingerprint=_fingerprint(component),
                    title=_text(component, "summary")[:300],
                    description=_text(component, "description"),
                    location=_text(component, "location")[:300],
                    url=_text(component, "url")[:500],
                    starts_at=starts_at,
                    duration=duration,
                    time_zone=tz_name,
                    rrule=_rule(component, starts_at),
                    exdates=_dates(component, "exdate", tz_name),
                    rdates=_dates(component, "rdate", tz_name),
                )
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            skipped.append((uid, {"detail": [str(error)]}))
    return events, skipped


def _fields(event: FeedEvent) -> dict:
    url = event.url if event.url.lower().startswith(("http://", "https://")) else ""
    return {
        "title": event.title,
        "description": event.description,
        "starts_at": event.starts_at,
        "duration": event.duration,
        "time_zone": event.time_zone,
        "rrule": event.rrule,
        "exdates": event.exdates,
        "rdates": event.rdates,
        "address": event.location,
        "registration_url": url,
    }


def import_feed(
    data: bytes,
    *,
    source: str,
    owner,
    language: str = "de",
    categories: list[EventCategory] | tuple = (),
) -> ImportResult:
    """Create or update the series of the feed's events, unpublish those it no longer has."""
    events, skipped = parse(data)
    result = ImportResult(skipped=list(skipped))
    seen = set()
    for event in events:
        if event.uid in seen:
            continue
        seen.add(event.uid)
        try:
            with transaction.atomic():
                _import_one(
                    event,
                    result,
                    source=source,
                    owner=owner,
                    language=language,
                    categories=categories,
                )
        except ApplicationError as error:
            result.skipped.append((event.uid, error.errors))
        except IntegrityError:
            # Another import created it a moment ago: the next run compares it.
            result.unchanged += 1
    gone = EventSeries.objects.filter(source=source, published=True).exclude(external_uid__in=seen)
    result.unpublished = gone.update(status=EventStatus.UNPUBLISHED, updated_at=timezone.now())
    return result


def _import_one(event: FeedEvent, result: ImportResult, *, source, owner, language, categories):
    existing = (
        EventSeries.objects.select_for_update()
        .filter(source=source, external_uid=event.uid)
        .first()
    )
    fields = _fields(event)
    if existing is None:
        services.create_series(
            user=None,
            owner=owner,
            language=language,
            categories=categories,
            source=source,
            external_uid=event.uid,
            external_fingerprint=event.fingerprint,
            **fields,
        )
        result.created += 1
        return
    if existing.external_fingerprint == event.fingerprint:
        if not existing.published:
            EventSeries.objects.filter(pk=existing.pk).update(status=EventStatus.PUBLISHED)
            result.updated += 1
        else:
            result.unchanged += 1
        return
    services.update_series(
        series=existing,
        user=None,
        external_fingerprint=event.fingerprint,
        published=True,
        **fields,
    )
    result.updated += 1


def import_calendar(calendar: ExternalCalendar, *, data: bytes | None = None) -> ImportResult:
    """Fetch (unless `data` is given) and import one external calendar; a feed that cannot be
    fetched or read changes nothing and is noted on the calendar."""
    try:
        data = fetch(calendar.url) if data is None else data
        result = import_feed(
            data,
            source=calendar.source,
            owner=calendar.owner,
            language=calendar.language,
            categories=list(calendar.categories.all()),
        )
    except FeedError as error:
        log.warning("calendar %s not imported: %s", calendar.pk, error)
        ExternalCalendar.objects.filter(pk=calendar.pk).update(last_error=str(error)[:2000])
        raise
    ExternalCalendar.objects.filter(pk=calendar.pk).update(
        last_imported_at=timezone.now(),
        last_error="; ".join(f"{uid}: {messages}" for uid, messages in result.skipped)[:2000],
    )
    return result


def import_all() -> dict[int, str]:
    """Every active external calendar, one after the other; one that fails does not stop
    the others. Returns a line per calendar."""
    done = {}
    for calendar in ExternalCalendar.objects.filter(active=True).select_related("owner"):
        try:
            result = import_calendar(calendar)
        except FeedError as error:
            done[calendar.pk] = f"failed: {error}"
            continue
        done[calendar.pk] = (
            f"{result.created} new, {result.updated} changed, {result.unchanged} unchanged, "
            f"{result.unpublished} unpublished, {len(result.skipped)} skipped"
        )
    return done
