"""The demo's events: 40 in Leipzig, recurring ones with dates left out in the holidays,
translations (some outdated), placed by the gazetteer; loading twice creates nothing new."""

from datetime import date

import pytest

from demo.base import DemoReport
from demo.events import EVENTS, SOURCE, load_events
from editorial import selectors as editorial_selectors
from editorial.models import TranslationStatus
from events import selectors
from events.models import EventSeries

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)


def test_the_demo_loads_forty_events_once():
    report = DemoReport()
    load_events(report, TODAY)
    assert not report.warnings, report.warnings
    assert report.created["events"] == len(EVENTS) == 40
    again = DemoReport()
    load_events(again, TODAY)
    assert again.created["events"] == 0 and again.present["events"] == 40
    assert EventSeries.objects.filter(source=SOURCE).count() == 40


def test_the_demo_has_recurring_courses_placed_translated_and_some_outdated():
    load_events(DemoReport(), TODAY)
    series = list(EventSeries.objects.filter(source=SOURCE))
    assert sum(1 for s in series if s.rrule) >= 15
    assert sum(1 for s in series if "FREQ=MONTHLY" in s.rrule) >= 4
    assert all(s.point is not None for s in series if not s.online)
    assert len({s.district for s in series if s.district}) >= 5
    a1 = EventSeries.objects.get(source=SOURCE, external_uid="deutsch-a1-ost")
    holidays = [d for d in a1.exdates if (d.month, d.day) >= (12, 23) or (d.month, d.day) <= (1, 2)]
    assert holidays and holidays == a1.exdates
    statuses = [editorial_selectors.statuses(s.text) for s in series]
    assert any(TranslationStatus.OUTDATED in s.values() for s in statuses)
    assert sum(1 for s in statuses if s["ar"] == TranslationStatus.CURRENT) >= 5
    f = selectors.EventFilter(date_from=TODAY, date_to=date(2026, 12, 31))
    found = selectors.occurrences(selectors.published(), *selectors.window(f))
    assert len(found) > 60
