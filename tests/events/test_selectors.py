"""Filters of the event list: category, language, district, audience, text, date range."""

from datetime import date, timedelta

import pytest

from events import selectors
from events.models import EventSeries
from events.selectors import EventFilter
from tests.events.factories import berlin, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    return {
        "course": make_series(
            title="Deutschkurs für Frauen",
            categories=["language-course"],
            languages=["de", "ar"],
            audiences=["women"],
            address="04315 Leipzig",  # Neustadt-Neuschönefeld
            starts_at=berlin(2026, 12, 1, 18),
            rrule="FREQ=WEEKLY;COUNT=6",
        ),
        "football": make_series(
            title="Fußball im Park",
            categories=["sport"],
            languages=["de", "uk"],
            audiences=["youth"],
            address="04229 Leipzig",  # Plagwitz
            starts_at=berlin(2026, 12, 5, 10),
        ),
        "counselling": make_series(
            title="Sozialberatung",
            description="Hilfe bei Anträgen beim Jobcenter",
            categories=["counselling"],
            languages=["ar", "fa"],
            audiences=["newcomers"],
            address="04315 Leipzig",
            starts_at=berlin(2026, 12, 2, 14),
            rrule="FREQ=MONTHLY;COUNT=3",
        ),
        "hidden": make_series(title="Entwurf", published=False, starts_at=berlin(2026, 12, 3, 10)),
    }


def titles(f: EventFilter) -> list[str]:
    qs = selectors.filtered(selectors.published(), f)
    after, before = selectors.window(f)
    return [
        s.text.translations.get(language="de").fields["title"]
        for _, s in selectors.occurrences(qs, after, before)
    ]


DECEMBER = {"date_from": date(2026, 12, 1), "date_to": date(2026, 12, 31)}


def test_no_filter_lists_every_published_date_in_the_range_by_start(events):
    assert titles(EventFilter(**DECEMBER)) == [
        "Deutschkurs für Frauen",  # 1 December
        "Sozialberatung",  # 2 December
        "Fußball im Park",  # 5 December
        *["Deutschkurs für Frauen"] * 4,  # 8 to 29 December; 5 January is outside
    ]


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        ({"category": "sport"}, {"Fußball im Park"}),
        ({"language": "ar"}, {"Deutschkurs für Frauen", "Sozialberatung"}),
        ({"language": "uk"}, {"Fußball im Park"}),
        ({"audience": "women"}, {"Deutschkurs für Frauen"}),
        ({"q": "Jobcenter"}, {"Sozialberatung"}),
        ({"category": "culture"}, set()),
    ],
)
def test_filters(events, f, expected):
    assert set(titles(EventFilter(**DECEMBER, **f))) == expected


def test_filter_by_district(events):
    district = events["football"].district
    assert district
    assert set(titles(EventFilter(**DECEMBER, district=district))) == {"Fußball im Park"}
    assert set(titles(EventFilter(**DECEMBER, district=district.lower()))) == {"Fußball im Park"}


def test_filter_by_date_range_is_in_local_days(events):
    # 5 December only: the football at 10:00 local.
    one_day = EventFilter(date_from=date(2026, 12, 5), date_to=date(2026, 12, 5))
    assert titles(one_day) == ["Fußball im Park"]
    january = EventFilter(date_from=date(2027, 1, 1), date_to=date(2027, 1, 31))
    assert titles(january) == ["Sozialberatung", "Deutschkurs für Frauen"]


def test_the_feed_holds_each_matching_series_once(events):
    f = EventFilter(**DECEMBER, language="ar")
    ids = set(
        selectors.in_feed(selectors.filtered(selectors.published(), f), f).values_list(
            "pk", flat=True
        )
    )
    assert ids == {events["course"].pk, events["counselling"].pk}


def test_unpublished_series_are_not_listed(events):
    assert "Entwurf" not in titles(EventFilter(**DECEMBER))
    assert EventSeries.objects.filter(published=False).count() == 1
    assert events["hidden"].last_ends_at - events["hidden"].starts_at == timedelta(hours=2)
