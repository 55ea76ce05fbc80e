"""Creating and changing volunteer profiles and needs through the services."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lifecycle.services import withdraw
from lifecycle.states import Status
from tests.factories import UserFactory
from tests.volunteers.factories import ShiftFactory, VolunteerNeedFactory, skill
from volunteers import services
from volunteers.models import AvailabilitySlot, AwayPeriod, Shift, VolunteerNeed, VolunteerProfile


def _soon(days: int = 3, hour: int = 9) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _shift(days: int = 3, hours: int = 3, people: int = 2) -> dict:
    return {"start": _soon(days), "end": _soon(days) + timedelta(hours=hours), "people": people}


def _profile(user, **fields) -> VolunteerProfile:
    return services.create_volunteer_profile(user=user, address="Leipzig-Lindenau", **fields)


def _need(user, **fields) -> VolunteerNeed:
    fields.setdefault("shifts", [_shift()])
    return services.create_volunteer_need(
        user=user, title="Deutsch üben", address="Leipzig-Grünau", **fields
    )


def _errors(caught) -> dict:
    return caught.value.message_dict


@pytest.mark.django_db
def test_a_profile_is_created_placed_with_its_rows(django_capture_on_commit_callbacks):
    user = UserFactory(role="volunteer")
    with django_capture_on_commit_callbacks() as callbacks:
        profile = _profile(
            user,
            skills=[skill("interpreting"), skill("cooking")],
            languages=[{"code": "uk", "level": "native"}],
            availability=[{"weekday": 0, "start": time(17), "end": time(20)}],
            away_periods=[{"start": date(2031, 7, 1), "end": date(2031, 7, 14)}],
            travel_radius_km=7.5,
            max_hours_per_week=6,
        )
    assert profile.district == "Lindenau" and profile.status == Status.OPEN
    assert profile.needs_matching and len(callbacks) == 1  # its cell is scheduled
    assert sorted(s.slug for s in profile.skills.all()) == ["cooking", "interpreting"]
    assert profile.availability.get().weekday == 0
    assert profile.away_periods.get().end == date(2031, 7, 14)
    assert profile.history.get().history_user == user


@pytest.mark.django_db
def test_a_second_profile_for_the_same_person_is_refused():
    user = UserFactory()
    _profile(user)
    with pytest.raises(ValidationError) as caught:
        _profile(user, description="noch einmal")
    assert "user" in _errors(caught)
    assert VolunteerProfile.objects.count() == 1


@pytest.mark.parametrize(
    "fields,key,fragment",
    [
        (
            {"availability": [{"weekday": 2, "start": time(20), "end": time(18)}]},
            "availability",
            "Slot 1 ends before it starts",
        ),
        (
            {"availability": [{"weekday": 7, "start": time(8), "end": time(9)}]},
            "availability",
            "Slot 1",
        ),
        (
            {"away_periods": [{"start": date(1900, 1, 1), "end": date(1900, 1, 2)}]},
            "away_periods",
            "2000",
        ),
        (
            {"away_periods": [{"start": date(2031, 5, 2), "end": date(2031, 5, 1)}]},
            "away_periods",
            "Period 1 ends before it starts",
        ),
        ({"languages": [{"code": "xx", "level": "fluent"}]}, "languages", "xx"),
        ({"languages": [{"code": "de", "level": "guru"}]}, "languages", "guru"),
        ({"max_hours_per_week": 0}, "max_hours_per_week", ""),
        ({"max_hours_per_week": 61}, "max_hours_per_week", ""),
        ({"travel_radius_km": 0.1}, "travel_radius_km", ""),
        ({"travel_radius_km": 101}, "travel_radius_km", ""),
        ({"address": "Xyzzyville"}, "address", ""),
    ],
)
@pytest.mark.django_db
def test_bad_profile_input_is_a_field_error_and_writes_nothing(fields, key, fragment):
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        services.create_volunteer_profile(user=user, **{"address": "04229 Leipzig", **fields})
    messages = _errors(caught)[key]
    assert any(fragment in m for m in messages), messages
    assert VolunteerProfile.objects.count() == 0
    assert AvailabilitySlot.objects.count() == AwayPeriod.objects.count() == 0


@pytest.mark.django_db
def test_updating_a_profile_replaces_the_rows_given_and_keeps_the_others():
    user = UserFactory()
    profile = _profile(
        user,
        availability=[
            {"weekday": 0, "start": time(17), "end": time(20)},
            {"weekday": 2, "start": time(9), "end": time(12)},
        ],
        away_periods=[{"start": date(2031, 7, 1), "end": date(2031, 7, 14)}],
    )
    profile = services.update_volunteer_profile(
        record=profile,
        user=user,
        availability=[{"weekday": 5, "start": time(10), "end": time(14)}],
        skills=[skill("gardening")],
        max_hours_per_week=10,
    )
    assert list(profile.availability.values_list("weekday", flat=True)) == [5]
    assert profile.away_periods.count() == 1  # not given, not touched
    assert [s.slug for s in profile.skills.all()] == ["gardening"]
    assert VolunteerProfile.objects.get().max_hours_per_week == 10


@pytest.mark.django_db
def test_a_bad_update_of_a_profile_changes_nothing():
    user = UserFactory()
    profile = _profile(user, availability=[{"weekday": 0, "start": time(17), "end": time(20)}])
    with pytest.raises(ValidationError) as caught:
        services.update_volunteer_profile(
            record=profile,
            user=user,
            max_hours_per_week=3,
            availability=[{"weekday": 1, "start": time(12), "end": time(11)}],
        )
    assert "availability" in _errors(caught)
    profile.refresh_from_db()
    assert profile.max_hours_per_week == 4 and profile.availability.get().weekday == 0


@pytest.mark.django_db
def test_a_need_is_created_for_the_members_initiative(initiative_member, initiative):
    need = _need(
        initiative_member,
        required_skills=[skill("tutoring-german")],
        languages=["de", "ar"],
        shifts=[_shift(3, people=3), _shift(10, people=1)],
    )
    assert need.organisation == initiative and need.created_by == initiative_member
    assert [(s.people, s.people_open) for s in need.shifts.all()] == [(3, 3), (1, 1)]
    assert need.district == "Grünau" and need.needs_matching


@pytest.mark.django_db
def test_only_members_of_an_initiative_post_needs(donor):
    with pytest.raises(ValidationError) as caught:
        _need(donor)
    assert "organisation" in _errors(caught)
    assert VolunteerNeed.objects.count() == 0


@pytest.mark.parametrize(
    "shifts,message",
    [
        ([], "at least one"),
        ([_shift(), {**_shift(), "end": _soon(3, hour=8)}], "Shift 2 ends before it starts."),
        (
            [{"start": datetime(1900, 1, 1, 9, tzinfo=UTC), "end": _soon(), "people": 1}],
            "2000",
        ),
        ([_shift(days=-2)], "Shift 1 is already over."),
        ([_shift(people=0)], "Shift 1"),
        ([_shift(people=201)], "Shift 1"),
    ],
)
@pytest.mark.django_db
def test_bad_shifts_are_named_by_number_and_write_nothing(initiative_member, shifts, message):
    with pytest.raises(ValidationError) as caught:
        _need(initiative_member, shifts=shifts)
    assert any(message in m for m in _errors(caught)["shifts"]), _errors(caught)
    assert VolunteerNeed.objects.count() == Shift.objects.count() == 0


@pytest.mark.django_db
def test_shifts_are_replaced_as_a_whole_and_past_ones_may_stay(initiative_member):
    need = _need(initiative_member, shifts=[_shift(3)])
    past = ShiftFactory(need=need, start=_soon(-3), end=_soon(-3) + timedelta(hours=2))
    kept = {"start": past.start, "end": past.end, "people": past.people}
    need = services.update_volunteer_need(
        record=need, user=initiative_member, shifts=[kept, _shift(5, people=4)]
    )
    assert [s.people for s in need.shifts.all()] == [2, 4]
    with pytest.raises(ValidationError) as caught:
        services.update_volunteer_need(
            record=need, user=initiative_member, shifts=[kept, _shift(days=-1)]
        )
    assert _errors(caught)["shifts"] == ["Shift 2 is already over."]
    assert need.shifts.count() == 2


@pytest.mark.django_db
def test_a_closed_need_cannot_be_changed(initiative_member):
    need = _need(initiative_member)
    withdraw(need, actor=initiative_member)
    with pytest.raises(ValidationError) as caught:
        services.update_volunteer_need(record=need, user=initiative_member, shifts=[_shift(4)])
    assert "status" in _errors(caught)
    assert list(need.shifts.values_list("people", flat=True)) == [2]


@pytest.mark.django_db
def test_unknown_need_languages_are_refused(initiative_member):
    with pytest.raises(ValidationError) as caught:
        _need(initiative_member, languages=["de", "xx"])
    assert "languages" in _errors(caught)
    need = VolunteerNeedFactory()
    with pytest.raises(ValidationError):
        services.update_volunteer_need(record=need, user=need.created_by, languages=["zz"])
    assert VolunteerNeed.objects.get(pk=need.pk).languages == ["de"]
