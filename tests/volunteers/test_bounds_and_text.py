"""Volunteer needs and profiles written without the API: bounded shifts and away periods,
and the text rule in the services."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import UserFactory
from volunteers import services
from volunteers.models import VolunteerNeed, VolunteerProfile

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _need(user, shifts, **fields) -> VolunteerNeed:
    return services.create_volunteer_need(
        user=user, title="Nachtdienst", address="Leipzig-Grünau", shifts=shifts, **fields
    )


def _shift(start: datetime, end: datetime) -> dict:
    return {"start": start, "end": end, "people": 1}


def test_a_night_shift_and_a_whole_day_fit(initiative_member, initiative):
    need = _need(
        initiative_member,
        [_shift(_at(3, 22), _at(4, 8)), _shift(_at(5, 8), _at(5, 8) + timedelta(hours=24))],
    )
    assert need.shifts.count() == 2


@pytest.mark.parametrize(
    "start,end",
    [
        pytest.param(_at(3, 9), _at(3, 9) + timedelta(hours=24, minutes=1), id="over-24-hours"),
        pytest.param(_at(3, 9), _at(3, 9) + timedelta(days=365 * 1000), id="1000-years"),
        pytest.param(
            _at(3, 9) + services.FUTURE_LIMIT, _at(3, 12) + services.FUTURE_LIMIT, id="far-ahead"
        ),
    ],
)
def test_an_endless_or_far_shift_is_refused_and_nothing_is_written(
    initiative_member, initiative, start, end
):
    with pytest.raises(ValidationError) as refused:
        _need(initiative_member, [_shift(start, end)])
    assert list(refused.value.message_dict) == ["shifts"]
    assert VolunteerNeed.objects.count() == 0


def test_a_changed_shift_is_held_to_the_same_bounds(initiative_member, initiative):
    need = _need(initiative_member, [_shift(_at(3, 9), _at(3, 12))])
    with pytest.raises(ValidationError):
        services.update_volunteer_need(
            record=need, user=initiative_member, shifts=[_shift(_at(3, 9), _at(9, 9))]
        )
    assert need.shifts.get().end == _at(3, 12)


@pytest.mark.parametrize(
    "days,ok",
    [(2 * 366, True), (2 * 366 + 1, False), (365 * 1000, False)],
)
def test_an_away_period_lasts_at_most_two_years(days, ok):
    start = timezone.localdate() + timedelta(days=10)
    period = {"start": start, "end": start + timedelta(days=days)}
    user = UserFactory(role="volunteer")
    if ok:
        profile = services.create_volunteer_profile(
            user=user, address="Leipzig-Lindenau", away_periods=[period]
        )
        assert profile.away_periods.count() == 1
        return
    with pytest.raises(ValidationError) as refused:
        services.create_volunteer_profile(
            user=user, address="Leipzig-Lindenau", away_periods=[period]
        )
    assert "away_periods" in refused.value.message_dict
    assert VolunteerProfile.objects.count() == 0


def test_an_away_period_far_ahead_is_refused():
    start = timezone.localdate() + services.FUTURE_LIMIT + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.create_volunteer_profile(
            user=UserFactory(role="volunteer"),
            address="Leipzig-Lindenau",
            away_periods=[{"start": start, "end": start + timedelta(days=3)}],
        )
    assert "away_periods" in refused.value.message_dict


def test_junk_in_a_title_or_a_language_is_refused(initiative_member, initiative):
    shifts = [_shift(_at(3, 9), _at(3, 12))]
    with pytest.raises(ValidationError) as refused:
        _need(initiative_member, shifts, description="\x1b[31mrot", languages=["u\x00k"])
    assert {"description", "languages"} <= set(refused.value.message_dict)
    assert VolunteerNeed.objects.count() == 0
