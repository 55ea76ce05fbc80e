"""The public search: text in the reader's language, topic, language spoken, open now (in
Europe/Berlin, across midnight and a holiday), distance, barrier-free, appointment."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import PublicationStatus, Service
from directory.selectors import Search, is_open, search_services
from editorial.services import translate
from tests.directory.factories import ServiceFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def found(**search) -> set[int]:
    return set(search_services(Search(**search)).values_list("pk", flat=True))


def test_a_query_in_ukrainian_finds_the_entry_written_in_ukrainian():
    ukrainian = ServiceFactory(
        language="uk",
        title="Консультація щодо житла",
        description="Допомога з пошуком квартири та договором оренди.",
    )
    ServiceFactory(title="Wohnungsberatung", description="Hilfe bei der Wohnungssuche.")
    assert found(query="квартири") == {ukrainian.pk}
    assert found(query="Консультація") == {ukrainian.pk}


def test_a_query_in_arabic_finds_the_entry_written_in_arabic_and_its_translation_too():
    arabic = ServiceFactory(
        language="ar",
        title="استشارة قانونية للاجئين",
        description="نساعدكم في إجراءات اللجوء ولم شمل الأسرة.",
    )
    german = ServiceFactory(title="Rechtsberatung", description="Beratung zum Asylverfahren.")
    translate(german.text, language="ar", fields={"title": "استشارة", "description": "مكتب"})
    assert found(query="اللجوء") == {arabic.pk}
    assert found(query="استشارة") == {arabic.pk, german.pk}
    assert found(query="Asylverfahren") == {german.pk}


def test_drafts_and_entries_in_review_are_not_found():
    ServiceFactory(title="Entwurf", status=PublicationStatus.DRAFT)
    ServiceFactory(title="Entwurf zwei", status=PublicationStatus.IN_REVIEW)
    assert found(query="Entwurf") == set()


def test_speaks_arabic_filters():
    arabic = ServiceFactory(languages=["de", "ar"])
    ServiceFactory(languages=["de", "uk"])
    assert found(language="ar") == {arabic.pk}


def test_topic_barrier_free_and_appointment_filter():
    health = ServiceFactory(topics=["health"], barrier_free=True, appointment_only=True)
    school = ServiceFactory(topics=["children_school"], barrier_free=False)
    assert found(topic="health") == {health.pk}
    assert found(barrier_free=True) == {health.pk}
    assert found(appointment_only=False) == {school.pk}


def test_nearest_first_and_within_a_radius():
    near = ServiceFactory(lat=51.3400, lon=12.3300)  # Lindenau
    far = ServiceFactory(lat=51.3100, lon=12.4400)  # Probstheida, ~6 km
    ordered = list(search_services(Search(near=(51.34, 12.33))))
    assert [s.pk for s in ordered] == [near.pk, far.pk]
    assert found(near=(51.34, 12.33), within_km=2) == {near.pk}


# --- open now ------------------------------------------------------------------------------------

FRIDAY_EVENING = [(4, "20:00", "02:00")]


def test_open_now_across_midnight():
    night = ServiceFactory(hours=FRIDAY_EVENING)
    ServiceFactory(hours=[(4, "09:00", "17:00")])
    # Saturday 28 November 2026, 01:00 in Berlin.
    assert found(open_at=datetime(2026, 11, 28, 1, 0, tzinfo=BERLIN)) == {night.pk}
    assert found(open_at=datetime(2026, 11, 28, 2, 0, tzinfo=BERLIN)) == set()
    # The same moment given in UTC.
    utc = datetime(2026, 11, 28, 0, 0, tzinfo=ZoneInfo("UTC"))
    assert found(open_at=utc) == {night.pk}


def test_open_now_across_a_holiday_exception():
    weekdays = [(day, "09:00", "17:00") for day in range(5)]
    holiday = date(2026, 12, 25)  # a Friday
    closed_for_christmas = ServiceFactory(hours=weekdays, exceptions={holiday: None})
    open_anyway = ServiceFactory(hours=weekdays)
    short_day = ServiceFactory(hours=weekdays, exceptions={holiday: ("10:00", "12:00")})
    at_eleven = datetime(2026, 12, 25, 11, 0, tzinfo=BERLIN)
    assert found(open_at=at_eleven) == {open_anyway.pk, short_day.pk}
    at_three = datetime(2026, 12, 25, 15, 0, tzinfo=BERLIN)
    assert found(open_at=at_three) == {open_anyway.pk}
    # The page's answer is the same as the search's.
    assert not is_open(closed_for_christmas, at_eleven)
    assert is_open(short_day, at_eleven) and not is_open(short_day, at_three)


def test_a_holiday_exception_opens_a_night_past_midnight():
    special = ServiceFactory(exceptions={date(2026, 12, 31): ("20:00", "03:00")})
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=BERLIN)
    assert found(open_at=new_year) == {special.pk}
    assert is_open(special, new_year)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    hours=st.lists(
        st.tuples(
            st.integers(0, 6),
            st.sampled_from(["06:00", "09:30", "14:00", "18:00", "21:00", "23:30"]),
            st.sampled_from(["00:00", "02:00", "10:00", "13:00", "17:45", "22:00"]),
        ),
        max_size=4,
    ),
    closed_day=st.one_of(st.none(), st.integers(23, 29)),
    minute=st.integers(0, 7 * 24 * 60 - 1),
)
def test_the_search_and_the_page_agree_on_open_now(hours, closed_day, minute):
    Service.objects.all().delete()
    hours = [h for h in hours if h[1] != h[2] and not ("06:00" < h[2] < h[1])]
    exceptions = {date(2026, 11, closed_day): None} if closed_day else {}
    service = ServiceFactory(hours=hours, exceptions=exceptions)
    moment = datetime(2026, 11, 23, tzinfo=BERLIN) + timedelta(minutes=minute)
    assert (service.pk in found(open_at=moment)) is is_open(service, moment)
