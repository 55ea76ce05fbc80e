"""Import of an external iCalendar feed (a city's event calendar) as event series.

Each VEVENT becomes one series keyed by (source, UID): importing the same feed again creates
nothing new and changes nothing; an event whose content changed (its SUMMARY, DTSTART, RRULE,
SEQUENCE, LAST-MODIFIED …) is updated through the same services as a posted one, so a new
title is a new version of the source text and its translations become outdated; an event no
longer in the feed is unpublished (and published again if it comes back).

What counts as a change is a fingerprint of the VEVENT as the feed wrote it, without DTSTAMP
(which many servers set to the moment the feed was generated).

Changed and cancelled dates of a series, as Google, Outlook and Nextcloud write them: a
second VEVENT with the series' UID and a RECURRENCE-ID (the original start). The model has no
per-date change, so a moved date is its original start left out (EXDATE) and the new start
added (RDATE) on the same series, as long as the series' other dates; a per-date title,
description, place or length is not kept. An override with STATUS:CANCELLED leaves its date
out; a series with STATUS:CANCELLED (or with every date left out) is treated as gone from the
feed: unpublished, and not created. The overrides are part of the fingerprint, so a changed
override updates the series and a removed one brings the original date back.

Feeds are not all tidy: a repeating event without an end is imported up to OPEN_ENDED_DAYS
ahead (and extended when the feed is imported again after it changed); an event the site's
rules refuse (a date in 1900) is skipped and named in the result. The parser drops a property
it cannot read (a misspelt RRULE, EXDATE or RECURRENCE-ID) and goes on, which would import a
series with wrong dates, or an override as a series of its own: an event any of whose date
properties could not be read is skipped instead and named, and a series imported before stays
as it was (it is still in the feed). Every skipped event is logged with its reason. All-day
dates (VALUE=DATE) have no flag of their own: they are local midnight to midnight.
"""

import hashlib
import logging
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar, vRecur

from base.errors import ApplicationError
from events import services
from events.models import EventCategory, EventSeries, EventStatus, ExternalCalendar
from events.recurrence import RuleError, normalise_rule, starts, zone

log = logging.getLogger(__name__)

OPEN_ENDED_DAYS = 365
FETCH_TIMEOUT_SECONDS = 30
MAX_FEED_BYTES = 10 * 1024 * 1024
DEFAULT_DURATION = timedelta(hours=1)
# The properties that say when an event takes place; one the parser could not read (it drops
# it and notes it in `errors`) makes the whole event unreadable. None: a line it could not
# split at all, whose property is unknown.
DATE_PROPERTIES = {
    None,
    "DTSTART",
    "DTEND",
    "DURATION",
    "RRULE",
    "EXDATE",
    "RDATE",
    "RECURRENCE-ID",
}


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
    cancelled: bool = False


@dataclass
class ParsedFeed:
    events: list[FeedEvent]
    # (UID, messages) of the events that could not be read.
    skipped: list[tuple[str, dict]]
    # The UIDs of events that are in the feed but could not be read: their series stay as
    # they are, neither changed nor unpublished.
    unreadable: set[str]


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
    floating time is local time, a period (RDATE;VALUE=PERIOD) its start."""
    if isinstance(value, tuple) and value:
        value = value[0]
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


def _cancelled(component) -> bool:
    return _text(component, "status").upper() == "CANCELLED"


def _sequence(component) -> int:
    try:
        return int(component.get("sequence", 0))
    except (TypeError, ValueError):
        return 0


def _unreadable(component) -> list[str]:
    return [
        f"{name}: {message}" if name else str(message)
        for name, message in component.errors
        if name is None or str(name).upper() in DATE_PROPERTIES
    ]


def _start(component, tz_name: str | None = None) -> tuple[datetime, str]:
    if component.get("dtstart") is None:
        raise ValueError("it has no start (DTSTART)")
    value = component.decoded("dtstart")
    tz_name = tz_name or _zone_name(value)
    return _as_datetime(value, tz_name), tz_name


def _overrides(overrides: list, tz_name: str) -> dict[datetime, object]:
    """The changed dates by their original start (UTC); of two for the same date, the one
    with the higher SEQUENCE, else the later in the feed."""
    found: dict[datetime, object] = {}
    for component in overrides:
        recurrence_id = component.get("recurrence-id")
        if recurrence_id.params.get("RANGE"):
            # THISANDFUTURE would change every later date: the model cannot say so.
            raise ValueError("a change of all later dates (RECURRENCE-ID;RANGE) is not supported")
        original = _as_datetime(component.decoded("recurrence-id"), tz_name).astimezone(UTC)
        kept = found.get(original)
        if kept is None or _sequence(component) >= _sequence(kept):
            found[original] = component
    return found


def _group_fingerprint(master, overrides: list) -> str:
    # A series without overrides keeps the fingerprint it always had (imported series are
    # not all changed once); the overrides' order in the feed does not count.
    if not overrides:
        return _fingerprint(master)
    parts = [_fingerprint(master), *sorted(_fingerprint(o) for o in overrides)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _no_date_left(event: FeedEvent) -> bool:
    """Every date is left out (all cancelled one by one): the series is cancelled. A rule the
    site cannot read is left to the services, which name the reason."""
    try:
        rule = normalise_rule(event.rrule, tz=event.time_zone)
        found = starts(
            event.starts_at,
            rule=rule,
            tz=event.time_zone,
            exdates=event.exdates,
            rdates=event.rdates,
            limit=1,
        )
    except (RuleError, ValueError, TypeError, KeyError):
        return False
    return not found


def _event(uid: str, master, overrides: list) -> FeedEvent:
    starts_at, tz_name = _start(master)
    if master.get("dtend") is not None:
        ends_at = _as_datetime(master.decoded("dtend"), tz_name)
        duration = ends_at - starts_at
    elif master.get("duration") is not None:
        duration = master.decoded("duration")
    else:
        all_day = not isinstance(master.decoded("dtstart"), datetime)
        duration = timedelta(days=1) if all_day else DEFAULT_DURATION
    exdates = _dates(master, "exdate", tz_name)
    rdates = _dates(master, "rdate", tz_name)
    moved_to = []
    for original, component in _overrides(overrides, tz_name).items():
        if _cancelled(component):
            exdates.append(original)
            continue
        moved, _zone = _start(component, tz_name)
        if moved != original:
            # No per-date change in the model: the original date out, the new one in.
            exdates.append(original)
            moved_to.append(moved)
    # A date another date was moved to takes place, even where the series left it out (two
    # dates that swap places).
    arrived = {moment.astimezone(UTC) for moment in moved_to}
    exdates = [moment for moment in exdates if moment.astimezone(UTC) not in arrived]
    event = FeedEvent(
        uid=uid,
        fingerprint=_group_fingerprint(master, overrides),
        title=_text(master, "summary")[:300],
        description=_text(master, "description"),
        location=_text(master, "location")[:300],
        url=_text(master, "url")[:500],
        starts_at=starts_at,
        duration=duration,
        time_zone=tz_name,
        rrule=_rule(master, starts_at),
        exdates=exdates,
        rdates=rdates + moved_to,
        cancelled=_cancelled(master),
    )
    if not event.cancelled and _no_date_left(event):
        event = replace(event, cancelled=True)
    return event


def parse(data: bytes) -> ParsedFeed:
    """The feed's events (a series with its changed dates), and the ones that could not be
    read (UID, messages)."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise FeedError(f"not an iCalendar feed: {error}") from error
    masters: dict[str, list] = {}
    overrides: dict[str, list] = {}
    problems: dict[str, list[str]] = {}
    skipped: list[tuple[str, dict]] = []
    for component in calendar.walk("VEVENT"):
        uid = _text(component, "uid")[:500]
        if not uid:
            skipped.append(("", {"detail": ["an event without UID"]}))
            continue
        problems.setdefault(uid, []).extend(_unreadable(component))
        kind = overrides if component.get("recurrence-id") is not None else masters
        kind.setdefault(uid, []).append(component)
        masters.setdefault(uid, [])
    events, unreadable = [], set()
    for uid, found in masters.items():
        if problems[uid]:
            skipped.append((uid, {"detail": problems[uid]}))
            unreadable.add(uid)
            continue
        if not found:
            # Only changed dates: the series itself is not (or no longer) in the feed.
            skipped.append((uid, {"detail": ["changed dates (RECURRENCE-ID) without their event"]}))
            continue
        try:
            events.append(_event(uid, found[0], overrides.get(uid, [])))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            skipped.append((uid, {"detail": [str(error)]}))
            unreadable.add(uid)
    return ParsedFeed(events=events, skipped=skipped, unreadable=unreadable)


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
    parsed = parse(data)
    result = ImportResult(skipped=list(parsed.skipped))
    present = set(parsed.unreadable)
    for event in parsed.events:
        if event.cancelled:
            # Cancelled as a whole: as if it had left the feed (unpublished below).
            continue
        present.add(event.uid)
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
    for uid, messages in result.skipped:
        log.warning("event %r of %s skipped: %s", uid, source, messages)
    gone = EventSeries.objects.filter(source=source, published=True).exclude(
        external_uid__in=present
    )
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
