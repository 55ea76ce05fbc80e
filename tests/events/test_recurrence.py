"""A series' dates: expanded by dateutil in Europe/Berlin, with dates left out and extra
dates, the same local wall-clock time on both sides of the change to summer time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import recurrence, selectors, services
from tests.events.factories import BERLIN, berlin, make_series

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_weekly_course_with_two_cancelled_dates_and_one_extra_date_across_summer_time():
    # Tuesdays 18:00 in Leipzig from 3 March to 14 April 2026; summer time begins on 29 March.
    series = make_series(
        starts_at=berlin(2026, 3, 3, 18, 0),
        rrule="FREQ=WEEKLY;UNTIL=20260414",
    )
    series = services.cancel_date(series=series, user=None, on=date(2026, 3, 10))
    series = services.cancel_date(series=series, user=None, on=berlin(2026, 4, 7, 18, 0))
    series = services.add_date(series=series, user=None, start=berlin(2026, 3, 26, 18, 0))

    found = selectors.occurrences(
        type(series).objects.filter(pk=series.pk), utc(2026, 3, 1), utc(2026, 5, 1)
    )
    starts = [occurrence.start for occurrence, _ in found]
    assert starts == [
        utc(2026, 3, 3, 17),
        utc(2026, 3, 17, 17),
        utc(2026, 3, 24, 17),
        utc(2026, 3, 26, 17),  # the extra date, a Thursday
        utc(2026, 3, 31, 16),  # summer time: still 18:00 in Leipzig
        utc(2026, 4, 14, 16),
    ]
    assert {s.astimezone(BERLIN).strftime("%H:%M") for s in starts} == {"18:00"}
    assert all(o.end - o.start == timedelta(hours=2) for o, _ in found)
    assert series.last_ends_at == utc(2026, 4, 14, 18)


def test_the_range_cuts_the_dates_and_keeps_one_that_is_still_running():
    series = make_series(starts_at=berlin(2026, 3, 3, 18, 0), rrule="FREQ=WEEKLY;COUNT=4")
    qs = type(series).objects.filter(pk=series.pk)
    # 10 March 18:00–20:00 local is 17:00–19:00 UTC: running at 18:30 UTC.
    found = selectors.occurrences(qs, utc(2026, 3, 10, 18, 30), utc(2026, 3, 24, 17))
    assert [o.start for o, _ in found] == [utc(2026, 3, 10, 17), utc(2026, 3, 17, 17)]


def test_an_until_given_as_a_date_is_the_end_of_that_day_in_leipzig():
    rule = recurrence.normalise_rule("RRULE:FREQ=WEEKLY;UNTIL=20260414", tz="Europe/Berlin")
    assert rule == "FREQ=WEEKLY;UNTIL=20260414T215959Z"


@pytest.mark.parametrize(
    "rule",
    ["FREQ=WEEKLY", "FREQ=MONTHLY;BYDAY=1MO", "RRULE:FREQ=DAILY;INTERVAL=2"],
)
def test_a_rule_that_never_ends_is_refused(rule):
    with pytest.raises(recurrence.RuleError, match="needs an end"):
        recurrence.normalise_rule(rule, tz="Europe/Berlin")


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES;COUNT=3", "nonsense", "FREQ=HOURLY;COUNT=3"])
def test_a_rule_that_cannot_be_read_or_repeats_hourly_is_refused(rule):
    with pytest.raises(recurrence.RuleError):
        recurrence.normalise_rule(rule, tz="Europe/Berlin")


def test_the_simple_choices_of_the_form_make_rules():
    assert recurrence.rule_from_choice("weekly", count=10, tz="Europe/Berlin") == (
        "FREQ=WEEKLY;COUNT=10"
    )
    assert recurrence.rule_from_choice("biweekly", until=date(2026, 6, 30), tz="Europe/Berlin") == (
        "FREQ=WEEKLY;UNTIL=20260630T215959Z;INTERVAL=2"
    )
    assert recurrence.rule_from_choice("", tz="Europe/Berlin") == ""


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first_day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    hour=st.integers(min_value=6, max_value=21),
    minute=st.sampled_from([0, 15, 30, 45]),
    interval=st.integers(min_value=1, max_value=3),
    count=st.integers(min_value=2, max_value=40),
    data=st.data(),
)
def test_weekly_rules_with_count_give_count_minus_excluded_plus_extra_at_one_wall_clock_time(
    first_day, hour, minute, interval, count, data
):
    start = datetime(first_day.year, first_day.month, first_day.day, hour, minute, tzinfo=BERLIN)
    rule = f"FREQ=WEEKLY;INTERVAL={interval};COUNT={count}"
    weeks = [start + timedelta(weeks=interval * n) for n in range(count)]
    # Wall-clock arithmetic above (same tzinfo): each is `hour:minute` in Leipzig.
    excluded = data.draw(st.sets(st.sampled_from(weeks[1:]), max_size=count - 1))
    extra_days = data.draw(st.sets(st.integers(min_value=1, max_value=6), max_size=3))
    extra = [start + timedelta(days=d) for d in extra_days]

    starts = recurrence.starts(
        start, rule=rule, tz="Europe/Berlin", exdates=sorted(excluded), rdates=extra
    )

    assert len(starts) == count - len(excluded) + len(extra)
    assert all(s.tzinfo is UTC for s in starts)
    assert {s.astimezone(BERLIN).strftime("%H:%M") for s in starts} == {f"{hour:02}:{minute:02}"}
    assert not {s.astimezone(BERLIN) for s in starts} & excluded
