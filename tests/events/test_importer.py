"""Import of an external iCalendar feed: keyed by (calendar, UID), so importing the same feed
twice creates nothing new; a changed event is updated (its translations become outdated); an
event gone from the feed is unpublished. Never from the network: bytes, or a local server."""

import logging
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from editorial import selectors as editorial_selectors
from editorial.models import TranslationStatus
from events import importer, selectors, services, tasks
from events.models import EventSeries, ExternalCalendar
from tests.events.factories import berlin
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://stadt.example/veranstaltungen.ics"


def vevent(uid, summary, start, *, extra="", sequence=0):
    return f"""BEGIN:VEVENT
UID:{uid}
DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}
SEQUENCE:{sequence}
SUMMARY:{summary}
DTSTART;TZID=Europe/Berlin:{start}
DTEND;TZID=Europe/Berlin:{start[:9]}{int(start[9:11]) + 2:02}{start[11:]}
LOCATION:04109 Leipzig
{extra}END:VEVENT
"""


def feed(*events) -> bytes:
    body = "".join(events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Stadt//Kalender//DE\n{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def COURSE(summary="Deutschkurs im Stadtteil", start="20261201T180000", sequence=0):  # noqa: N802
    return vevent(
        "course-1@stadt.example",
        summary,
        start,
        extra="RRULE:FREQ=WEEKLY;COUNT=8\nEXDATE;TZID=Europe/Berlin:20261222T180000\n",
        sequence=sequence,
    )


FESTIVAL = partial(vevent, "fest-7@stadt.example", "Interkulturelles Fest", "20261212T150000")


@pytest.fixture
def owner():
    return OrganisationFactory(name="Stadt Leipzig, Referat für Migration")


def run(data, owner):
    return importer.import_feed(data, source=SOURCE, owner=owner, language="de")


def test_importing_the_same_feed_twice_creates_nothing_new(owner):
    first = run(feed(COURSE(), FESTIVAL()), owner)
    assert (first.created, first.updated, first.skipped) == (2, 0, [])
    before = list(EventSeries.objects.values_list("pk", "updated_at").order_by("pk"))

    again = run(feed(COURSE(), FESTIVAL()), owner)  # a new DTSTAMP, nothing else

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(EventSeries.objects.values_list("pk", "updated_at").order_by("pk")) == before
    course = EventSeries.objects.get(external_uid="course-1@stadt.example")
    assert course.rrule == "FREQ=WEEKLY;COUNT=8"
    assert course.exdates == [berlin(2026, 12, 22, 18)]
    assert course.owner == owner and course.source == SOURCE


def test_a_changed_event_is_updated_and_its_translations_become_outdated(owner):
    run(feed(COURSE(), FESTIVAL()), owner)
    course = EventSeries.objects.get(external_uid="course-1@stadt.example")
    services.translate(series=course, user=None, language="en", fields={"title": "German course"})

    changed = feed(
        COURSE(summary="Deutschkurs im Stadtteil (neue Zeit)", start="20261201T170000", sequence=1),
        FESTIVAL(),
    )
    result = run(changed, owner)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    course = EventSeries.objects.get(pk=course.pk)
    assert course.starts_at == berlin(2026, 12, 1, 17)
    assert editorial_selectors.reading(course.text, "de")["title"].endswith("(neue Zeit)")
    assert editorial_selectors.statuses(course.text)["en"] == TranslationStatus.OUTDATED
    assert EventSeries.objects.count() == 2


def test_an_event_gone_from_the_feed_is_unpublished_and_comes_back(owner):
    run(feed(COURSE(), FESTIVAL()), owner)
    gone = run(feed(COURSE()), owner)
    assert gone.unpublished == 1
    assert not EventSeries.objects.get(external_uid="fest-7@stadt.example").published
    back = run(feed(COURSE(), FESTIVAL()), owner)
    assert back.updated == 1 and back.created == 0
    assert EventSeries.objects.get(external_uid="fest-7@stadt.example").published


def test_an_event_the_site_refuses_is_skipped_and_named(owner):
    old = vevent("old@stadt.example", "Damals", "19001201T180000")
    result = run(feed(old, FESTIVAL()), owner)
    assert result.created == 1
    assert [uid for uid, _messages in result.skipped] == ["old@stadt.example"]
    assert "starts_at" in result.skipped[0][1]


def test_an_open_ended_rule_is_imported_for_a_year(owner):
    weekly = vevent(
        "open@stadt.example", "Offener Treff", "20261203T160000", extra="RRULE:FREQ=WEEKLY\n"
    )
    run(feed(weekly), owner)
    series = EventSeries.objects.get(external_uid="open@stadt.example")
    assert "UNTIL=" in series.rrule
    assert series.last_ends_at < berlin(2026, 12, 3, 16) + timedelta(days=367)


def test_a_venue_the_gazetteer_does_not_know_is_kept_as_text_off_the_map(owner):
    event = vevent("x@stadt.example", "Lesung", "20261205T190000").replace(
        "LOCATION:04109 Leipzig", "LOCATION:Stadtbibliothek\\, Oberlichtsaal"
    )
    run(feed(event), owner)
    series = EventSeries.objects.get(external_uid="x@stadt.example")
    assert series.address == "Stadtbibliothek, Oberlichtsaal" and series.point is None


@pytest.fixture
def served(tmp_path):
    """A feed served by a local HTTP server on 127.0.0.1 (no network)."""
    (tmp_path / "feed.ics").write_bytes(feed(COURSE(), FESTIVAL()))
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.ics"
    server.shutdown()
    server.server_close()


def test_the_periodic_task_imports_each_calendar_and_is_safe_to_run_twice(owner, served):
    calendar = ExternalCalendar.objects.create(name="Stadtkalender", url=served, owner=owner)
    first = tasks.import_external_calendars()
    second = tasks.import_external_calendars()
    assert first[calendar.pk].startswith("2 new")
    assert second[calendar.pk].startswith("0 new, 0 changed, 2 unchanged")
    assert EventSeries.objects.filter(source=served).count() == 2
    calendar.refresh_from_db()
    assert calendar.last_imported_at is not None and calendar.last_error == ""


def test_a_feed_that_cannot_be_fetched_changes_nothing(owner, served):
    calendar = ExternalCalendar.objects.create(
        name="Kaputt", url=served.replace("feed.ics", "missing.ics"), owner=owner
    )
    done = tasks.import_external_calendars()
    assert done[calendar.pk].startswith("failed")
    calendar.refresh_from_db()
    assert calendar.last_error and calendar.last_imported_at is None
    assert EventSeries.objects.count() == 0


# --- changed and cancelled dates of a series (RECURRENCE-ID, STATUS, EXDATE, RDATE) ----------
#
# The model has no per-date change: a moved date is its original date left out (EXDATE) and
# the new one added (RDATE), on the same series.


def override(uid, original, start, *, summary="Deutschkurs (verlegt)", extra="", sequence=1):
    """A changed date of a series as Google, Outlook and Nextcloud write it: a second VEVENT
    with the series' UID and the original start as RECURRENCE-ID."""
    return f"""BEGIN:VEVENT
UID:{uid}
DTSTAMP:{datetime.now(UTC):%Y%m%dT%H%M%SZ}
SEQUENCE:{sequence}
RECURRENCE-ID;TZID=Europe/Berlin:{original}
SUMMARY:{summary}
DTSTART;TZID=Europe/Berlin:{start}
DTEND;TZID=Europe/Berlin:{start[:9]}{int(start[9:11]) + 2:02}{start[11:]}
LOCATION:04109 Leipzig
{extra}END:VEVENT
"""


COURSE_UID = "course-1@stadt.example"
MOVED = partial(override, COURSE_UID, "20261208T180000", "20261209T190000")
CANCELLED = partial(
    override, COURSE_UID, "20261215T180000", "20261215T180000", extra="STATUS:CANCELLED\n"
)


def course():
    return EventSeries.objects.get(external_uid=COURSE_UID)


def starts_of(series):
    return [o.start for o in selectors.all_occurrences(series)]


def test_a_moved_date_is_its_original_left_out_and_the_new_one_added_to_the_same_series(owner):
    # The changed date comes first, as some servers write it: still no second series.
    result = run(feed(MOVED(), COURSE(), FESTIVAL()), owner)

    assert (result.created, result.skipped) == (2, [])
    assert EventSeries.objects.filter(external_uid=COURSE_UID).count() == 1
    series = course()
    assert series.exdates == [berlin(2026, 12, 8, 18), berlin(2026, 12, 22, 18)]
    assert series.rdates == [berlin(2026, 12, 9, 19)]
    starts = starts_of(series)
    assert berlin(2026, 12, 9, 19) in starts and berlin(2026, 12, 8, 18) not in starts
    assert len(starts) == 7  # 8 by the rule, one left out by EXDATE; the moved one counts once


def test_a_cancelled_date_is_left_out(owner):
    run(feed(COURSE(), CANCELLED()), owner)

    series = course()
    assert series.exdates == [berlin(2026, 12, 15, 18), berlin(2026, 12, 22, 18)]
    assert series.rdates == []
    assert berlin(2026, 12, 15, 18) not in starts_of(series)


def test_a_date_changed_only_in_its_text_keeps_its_time(owner):
    # A per-date title or description has no place in the model: the date stays as it is.
    same_time = override(COURSE_UID, "20261208T180000", "20261208T180000", summary="Mit Gast")
    run(feed(COURSE(), same_time), owner)
    series = course()
    assert series.exdates == [berlin(2026, 12, 22, 18)] and series.rdates == []


def test_a_cancelled_series_is_unpublished_like_one_gone_from_the_feed(owner):
    run(feed(COURSE(), FESTIVAL()), owner)

    cancelled = COURSE(sequence=1).replace("END:VEVENT", "STATUS:CANCELLED\nEND:VEVENT")
    result = run(feed(cancelled, FESTIVAL()), owner)

    assert (result.created, result.unpublished) == (0, 1)
    assert not course().published
    assert EventSeries.objects.get(external_uid="fest-7@stadt.example").published

    back = run(feed(COURSE(sequence=2), FESTIVAL()), owner)
    assert (back.created, back.updated) == (0, 1)
    assert course().published and EventSeries.objects.count() == 2


def test_a_cancelled_series_never_seen_before_is_not_created(owner):
    cancelled = COURSE().replace("END:VEVENT", "STATUS:CANCELLED\nEND:VEVENT")
    result = run(feed(cancelled, FESTIVAL()), owner)
    assert (result.created, result.skipped) == (1, [])
    assert not EventSeries.objects.filter(external_uid=COURSE_UID).exists()


def test_a_series_whose_every_date_is_cancelled_is_unpublished(owner):
    run(feed(COURSE(), FESTIVAL()), owner)
    only_date = override(
        "fest-7@stadt.example", "20261212T150000", "20261212T150000", extra="STATUS:CANCELLED\n"
    )
    result = run(feed(COURSE(), FESTIVAL(), only_date), owner)
    assert (result.unpublished, result.skipped) == (1, [])
    assert not EventSeries.objects.get(external_uid="fest-7@stadt.example").published


def test_exdate_rdate_and_a_moved_date_across_the_change_to_summer_time(owner):
    # Tuesdays at 18:00 in Leipzig: 17:00 UTC in March, 16:00 UTC after 28 March 2027.
    weekly = vevent(
        "spring@stadt.example",
        "Elterncafé",
        "20270316T180000",
        extra=(
            "RRULE:FREQ=WEEKLY;COUNT=5\n"
            "EXDATE;TZID=Europe/Berlin:20270330T180000\n"  # local time, after the change
            "EXDATE:20270406T160000Z\n"  # the same kind of date in UTC, as Google writes it
            "RDATE;TZID=Europe/Berlin:20270415T180000\n"
        ),
    )
    moved = override("spring@stadt.example", "20270323T180000", "20270324T180000")
    result = run(feed(weekly, moved), owner)

    assert result.skipped == []
    series = EventSeries.objects.get(external_uid="spring@stadt.example")
    assert [m.astimezone(UTC) for m in starts_of(series)] == [
        datetime(2027, 3, 16, 17, tzinfo=UTC),
        datetime(2027, 3, 24, 17, tzinfo=UTC),  # moved from the 23rd, still winter time
        datetime(2027, 4, 13, 16, tzinfo=UTC),
        datetime(2027, 4, 15, 16, tzinfo=UTC),  # the extra date, summer time
    ]


ALL_DAY = """BEGIN:VEVENT
UID:markt@stadt.example
DTSTAMP:20261101T000000Z
SUMMARY:Flohmarkt
DTSTART;VALUE=DATE:20261205
DTEND;VALUE=DATE:20261206
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;VALUE=DATE:20261212
LOCATION:04109 Leipzig
END:VEVENT
BEGIN:VEVENT
UID:markt@stadt.example
DTSTAMP:20261101T000000Z
RECURRENCE-ID;VALUE=DATE:20261219
SUMMARY:Flohmarkt
DTSTART;VALUE=DATE:20261220
DTEND;VALUE=DATE:20261221
END:VEVENT
"""


def test_an_all_day_series_is_whole_days_in_local_time_with_its_exceptions(owner):
    # The model has no all-day flag: an all-day date is local midnight to midnight.
    result = run(feed(ALL_DAY), owner)

    assert result.skipped == []
    series = EventSeries.objects.get(external_uid="markt@stadt.example")
    assert series.duration == timedelta(days=1)
    assert starts_of(series) == [berlin(2026, 12, 5), berlin(2026, 12, 20), berlin(2026, 12, 26)]


def test_importing_a_feed_with_changed_dates_twice_changes_nothing(owner):
    run(feed(COURSE(), MOVED(), CANCELLED(), FESTIVAL()), owner)
    before = list(
        EventSeries.objects.values_list("pk", "updated_at", "exdates", "rdates").order_by("pk")
    )

    # A new DTSTAMP and the changed dates in another order: the same feed.
    again = run(feed(CANCELLED(), FESTIVAL(), COURSE(), MOVED()), owner)

    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 2, [])
    after = EventSeries.objects.values_list("pk", "updated_at", "exdates", "rdates").order_by("pk")
    assert list(after) == before


def test_a_changed_date_that_changes_again_is_updated_and_one_removed_is_restored(owner):
    run(feed(COURSE(), MOVED()), owner)

    later = override(COURSE_UID, "20261208T180000", "20261210T170000", sequence=2)
    result = run(feed(COURSE(), later), owner)
    assert (result.created, result.updated) == (0, 1)
    series = course()
    assert series.rdates == [berlin(2026, 12, 10, 17)]
    assert berlin(2026, 12, 9, 19) not in starts_of(series)

    restored = run(feed(COURSE()), owner)
    assert (restored.created, restored.updated) == (0, 1)
    series = course()
    assert series.exdates == [berlin(2026, 12, 22, 18)] and series.rdates == []
    assert berlin(2026, 12, 8, 18) in starts_of(series)


def test_a_changed_date_without_its_series_is_skipped_and_named(owner):
    result = run(feed(MOVED(), FESTIVAL()), owner)
    assert result.created == 1
    assert [uid for uid, _messages in result.skipped] == [COURSE_UID]
    assert not EventSeries.objects.filter(external_uid=COURSE_UID).exists()


# --- what cannot be read -----------------------------------------------------------------------


NO_START = """BEGIN:VEVENT
UID:nostart@stadt.example
DTSTAMP:20261101T000000Z
SUMMARY:Irgendwann
LOCATION:04109 Leipzig
END:VEVENT
"""


def test_an_event_without_a_start_is_skipped_with_a_logged_reason_and_the_rest_imports(
    owner, caplog
):
    with caplog.at_level(logging.WARNING, logger="events.importer"):
        result = run(feed(NO_START, COURSE(), FESTIVAL()), owner)

    assert result.created == 2
    assert [uid for uid, _messages in result.skipped] == ["nostart@stadt.example"]
    assert "DTSTART" in str(result.skipped[0][1])
    assert "nostart@stadt.example" in caplog.text and "DTSTART" in caplog.text


@pytest.mark.parametrize(
    "broken",
    [
        "RRULE:FREQ=SOMETIMES",  # dropped by the parser, it would be a single date
        "EXDATE:2026-12-08",  # dropped, the date would not be left out
        "DTEND;TZID=Europe/Berlin:20261301T200000",
    ],
)
def test_an_event_with_an_unreadable_date_is_skipped_not_imported_wrongly(owner, broken):
    event = vevent("broken@stadt.example", "Kaputt", "20261201T180000", extra=broken + "\n")
    result = run(feed(event, FESTIVAL()), owner)
    assert result.created == 1
    assert [uid for uid, _messages in result.skipped] == ["broken@stadt.example"]
    assert not EventSeries.objects.filter(external_uid="broken@stadt.example").exists()


def test_an_unreadable_changed_date_does_not_become_a_second_series(owner):
    run(feed(COURSE()), owner)
    broken = MOVED().replace("RECURRENCE-ID;TZID=Europe/Berlin:20261208T180000", "RECURRENCE-ID:xx")

    result = run(feed(broken, COURSE()), owner)

    # The series is kept as it was (and stays public), the reason named.
    assert [uid for uid, _messages in result.skipped] == [COURSE_UID]
    assert (result.created, result.updated, result.unpublished) == (0, 0, 0)
    assert EventSeries.objects.filter(external_uid=COURSE_UID).count() == 1
    series = course()
    assert series.published and series.rdates == []


def test_a_malformed_feed_is_noted_and_the_other_calendars_still_import(
    owner, served, tmp_path, caplog
):
    (tmp_path / "broken.ics").write_bytes(b"<html><body>Wartungsarbeiten</body></html>")
    broken = ExternalCalendar.objects.create(
        name="Kaputt", url=served.replace("feed.ics", "broken.ics"), owner=owner
    )
    good = ExternalCalendar.objects.create(name="Stadtkalender", url=served, owner=owner)

    with caplog.at_level(logging.WARNING, logger="events.importer"):
        done = tasks.import_external_calendars()

    assert done[broken.pk].startswith("failed: not an iCalendar feed")
    assert done[good.pk].startswith("2 new")
    broken.refresh_from_db()
    assert broken.last_error.startswith("not an iCalendar feed")
    assert "not an iCalendar feed" in caplog.text
    assert EventSeries.objects.filter(source=served).count() == 2
