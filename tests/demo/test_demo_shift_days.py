"""The demo's needs that work with children find their certified volunteer whatever weekday
the demo is loaded on (a need's shifts once fell on her free days only when it was loaded on a
Friday or a Sunday)."""

from datetime import date, timedelta

import pytest

from demo import volunteers as demo_volunteers


def _free_for(profile: demo_volunteers.DemoProfile, day: date, start: str, end: str) -> bool:
    return any(
        weekday == day.weekday() and since <= start and end <= until
        for weekday, since, until in profile.availability
    )


def _suits(profile: demo_volunteers.DemoProfile, need: demo_volunteers.DemoVolunteerNeed) -> bool:
    spoken = {code for code, _level in profile.languages}
    return set(need.skills) <= set(profile.skills) and (
        not need.languages or bool(spoken & set(need.languages))
    )


@pytest.mark.parametrize("weekday", range(7))
def test_a_certified_volunteer_is_free_for_a_childrens_shift_on_any_loading_day(weekday):
    today = date(2030, 1, 7) + timedelta(days=weekday)  # 7 January 2030 is a Monday
    certified = [p for p in demo_volunteers.PROFILES if p.username in demo_volunteers.CERTIFICATES]
    homework = [
        n
        for n in demo_volunteers.VOLUNTEER_NEEDS
        if n.works_with_children and any(_suits(p, n) for p in certified)
    ]
    assert homework
    for need in homework:
        days = [
            (demo_volunteers.shift_day(today, days, need.weekday), start, end)
            for days, start, end, _people in need.shifts
        ]
        assert all(today < day <= today + timedelta(weeks=3) for day, _, _ in days)
        assert any(_free_for(p, day, start, end) for p in certified for day, start, end in days), (
            need.title,
            today.strftime("%A"),
        )
