"""Opening hours: the rule for one interval and "open at this moment", as plain data and in
SQL, in Europe/Berlin local time, across midnight, a holiday and a daylight-saving change."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.hours import DayException, Interval, interval_problem, is_open_at, week_overlaps

BERLIN = ZoneInfo("Europe/Berlin")


def at(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


FRIDAY_NIGHT = {4: [Interval(time(20), time(2))]}


def test_a_friday_evening_until_two_is_open_at_one_on_saturday_morning():
    # 2026-11-27 is a Friday.
    assert is_open_at(FRIDAY_NIGHT, {}, at(2026, 11, 28, 1, 0))
    assert is_open_at(FRIDAY_NIGHT, {}, at(2026, 11, 27, 20, 0))
    assert not is_open_at(FRIDAY_NIGHT, {}, at(2026, 11, 28, 2, 0))
    assert not is_open_at(FRIDAY_NIGHT, {}, at(2026, 11, 27, 19, 59))
    # The night before Friday (Thursday) has no hours.
    assert not is_open_at(FRIDAY_NIGHT, {}, at(2026, 11, 27, 1, 0))


def test_the_moment_is_read_in_berlin_time_whatever_zone_it_comes_in():
    # 00:30 UTC on Saturday 28 November is 01:30 in Berlin.
    utc = datetime(2026, 11, 28, 0, 30, tzinfo=ZoneInfo("UTC"))
    assert is_open_at(FRIDAY_NIGHT, {}, utc)
    # 19:30 UTC on Friday is 20:30 in Berlin: open; 18:30 UTC is 19:30: closed.
    assert is_open_at(FRIDAY_NIGHT, {}, datetime(2026, 11, 27, 19, 30, tzinfo=ZoneInfo("UTC")))
    assert not is_open_at(FRIDAY_NIGHT, {}, datetime(2026, 11, 27, 18, 30, tzinfo=ZoneInfo("UTC")))


def test_a_holiday_closed_all_day_is_closed_though_the_weekday_says_open():
    weekly = {0: [Interval(time(9), time(17))]}
    easter_monday = date(2027, 3, 29)
    assert easter_monday.weekday() == 0
    holidays = {easter_monday: DayException(closed=True)}
    assert not is_open_at(weekly, holidays, at(2027, 3, 29, 10))
    assert is_open_at(weekly, holidays, at(2027, 4, 5, 10))  # the next Monday


def test_an_exception_with_other_hours_replaces_the_days_hours():
    weekly = {0: [Interval(time(9), time(17))]}
    day = date(2027, 3, 29)
    short = {day: DayException(closed=False, intervals=(Interval(time(10), time(12)),))}
    assert is_open_at(weekly, short, at(2027, 3, 29, 11))
    assert not is_open_at(weekly, short, at(2027, 3, 29, 9, 30))
    assert not is_open_at(weekly, short, at(2027, 3, 29, 15))


def test_a_night_that_began_before_a_holiday_runs_to_its_end():
    saturday_holiday = {date(2026, 11, 28): DayException(closed=True)}
    assert is_open_at(FRIDAY_NIGHT, saturday_holiday, at(2026, 11, 28, 1))


def test_a_holiday_on_friday_closes_the_night_that_starts_on_it():
    friday_holiday = {date(2026, 11, 27): DayException(closed=True)}
    assert not is_open_at(FRIDAY_NIGHT, friday_holiday, at(2026, 11, 28, 1))
    assert not is_open_at(FRIDAY_NIGHT, friday_holiday, at(2026, 11, 27, 21))


def test_local_hours_hold_across_the_change_to_summer_time():
    weekly = {6: [Interval(time(9), time(12))]}  # Sundays
    # 2027-03-28: clocks go from 02:00 to 03:00. 09:30 local is 07:30 UTC that day.
    assert is_open_at(weekly, {}, datetime(2027, 3, 28, 7, 30, tzinfo=ZoneInfo("UTC")))
    assert not is_open_at(weekly, {}, datetime(2027, 3, 28, 10, 30, tzinfo=ZoneInfo("UTC")))


@pytest.mark.parametrize(
    "opens,closes,ok",
    [
        ("09:00", "17:00", True),
        ("20:00", "02:00", True),
        ("22:00", "00:00", True),
        ("23:00", "06:00", True),
        ("18:00", "09:00", False),
        ("17:00", "09:00", False),
        ("23:00", "06:01", False),
        ("09:00", "09:00", False),
    ],
)
def test_the_rule_for_one_interval(opens, closes, ok):
    problem = interval_problem(time.fromisoformat(opens), time.fromisoformat(closes))
    assert (problem == "") is ok, problem


def test_an_interval_that_ends_before_it_starts_is_named_so():
    assert "ends before it starts" in interval_problem(time(18), time(9))


def test_overlaps_are_found_across_midnight_and_the_end_of_the_week():
    assert week_overlaps([(0, time(9), time(12)), (0, time(11), time(13))]) == [(0, 1)]
    assert week_overlaps([(0, time(9), time(12)), (0, time(12), time(13))]) == []
    assert week_overlaps([(4, time(20), time(2)), (5, time(1), time(3))]) == [(0, 1)]
    assert week_overlaps([(6, time(22), time(3)), (0, time(2), time(4))]) == [(0, 1)]


# --- property: inside an interval is open, outside every interval is closed -------------------

MONDAY = date(2026, 11, 23)  # a week without a daylight-saving change


@st.composite
def weeks(draw):
    """Weekly hours that keep the rule and do not overlap, with a moment in the week."""
    chosen: list[tuple[int, time, time]] = []
    for _ in range(draw(st.integers(0, 10))):
        weekday = draw(st.integers(0, 6))
        start = draw(st.integers(0, 24 * 4 - 1)) * 15
        length = draw(st.integers(1, 16 * 4)) * 15
        opens = time(start // 60, start % 60)
        end = (start + length) % (24 * 60)
        closes = time(end // 60, end % 60)
        if interval_problem(opens, closes):
            continue
        if week_overlaps([*chosen, (weekday, opens, closes)]):
            continue
        chosen.append((weekday, opens, closes))
    minute = draw(st.integers(0, 7 * 24 * 60 - 1))
    return chosen, minute


def _covers(hours, minute) -> bool:
    week = 7 * 24 * 60
    for weekday, opens, closes in hours:
        start = weekday * 1440 + opens.hour * 60 + opens.minute
        length = ((closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)) % 1440
        for shift in (-week, 0):
            if start + shift <= minute < start + shift + length:
                return True
    return False


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(weeks())
def test_a_moment_inside_an_interval_is_open_and_one_outside_is_closed(case):
    hours, minute = case
    weekly: dict[int, list[Interval]] = {}
    for weekday, opens, closes in hours:
        weekly.setdefault(weekday, []).append(Interval(opens, closes))
    # The same week twice over, so that Sunday night reaches into the Monday after.
    moment = datetime.combine(MONDAY + timedelta(days=7), time(0), tzinfo=BERLIN) + timedelta(
        minutes=minute
    )
    assert is_open_at(weekly, {}, moment) is _covers(hours, minute)
