"""The iCalendar of a series and the feed of a filter validate with the icalendar package and
hold the rule, the dates left out and the extra dates, in Europe/Berlin."""

from datetime import UTC, date, datetime

import pytest
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from events import calendar, selectors, services
from events.selectors import EventFilter
from tests.events.factories import berlin, make_series

pytestmark = pytest.mark.django_db


def expand(event) -> list[datetime]:
    """The dates an iCalendar client computes from the VEVENT (dateutil, like many do)."""
    start = event.decoded("dtstart")
    dates = rruleset()
    dates.rrule(rrulestr(event["rrule"].to_ical().decode(), dtstart=start))
    for name, add in (("exdate", dates.exdate), ("rdate", dates.rdate)):
        found = event.get(name)
        for listed in found if isinstance(found, list) else [found] if found else []:
            for item in listed.dts:
                add(item.dt)
    return [moment.astimezone(UTC) for moment in dates]


def test_the_ics_of_a_weekly_course_gives_the_same_dates_as_the_site():
    series = make_series(
        title="Deutschkurs A1", starts_at=berlin(2026, 3, 3, 18), rrule="FREQ=WEEKLY;UNTIL=20260414"
    )
    series = services.cancel_date(series=series, user=None, on=date(2026, 3, 10))
    series = services.cancel_date(series=series, user=None, on=date(2026, 4, 7))
    series = services.add_date(series=series, user=None, start=berlin(2026, 3, 26, 18))

    parsed = Calendar.from_ical(calendar.series_calendar(series, "de", url="https://x.example/e/1"))

    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Deutschkurs A1"
    assert event.decoded("dtstart") == berlin(2026, 3, 3, 18)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert [c["tzid"] for c in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "04109 Leipzig" in str(event["location"])
    site = [o.start for o in selectors.all_occurrences(series)]
    assert expand(event) == site
    assert len(site) == 6


def test_the_feed_of_a_filter_holds_one_vevent_per_matching_series():
    course = make_series(
        title="Deutschkurs", categories=["language-course"], starts_at=berlin(2026, 12, 1, 18)
    )
    make_series(title="Fußball", categories=["sport"], starts_at=berlin(2026, 12, 2, 18))
    f = EventFilter(
        category="language-course", date_from=date(2026, 12, 1), date_to=date(2026, 12, 31)
    )
    chosen = selectors.in_feed(selectors.filtered(selectors.published(), f), f)

    parsed = Calendar.from_ical(calendar.feed(chosen, "en", name="Language courses"))

    events = parsed.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Deutschkurs"]
    assert str(events[0]["uid"]) == calendar.uid(course)
    assert str(parsed["x-wr-calname"]) == "Language courses"
    assert [str(c) for c in events[0]["categories"].cats] == ["Language course"]
