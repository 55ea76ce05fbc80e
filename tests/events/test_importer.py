"""Import of an external iCalendar feed: keyed by (calendar, UID), so importing the same feed
twice creates nothing new; a changed event is updated (its translations become outdated); an
event gone from the feed is unpublished. Never from the network: bytes, or a local server."""

import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from editorial import selectors as editorial_selectors
from editorial.models import TranslationStatus
from events import importer, services, tasks
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
