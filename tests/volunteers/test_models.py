"""Skills, languages, expiry, export and erasure of volunteer profiles and needs."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lifecycle.services import expire_due
from lifecycle.states import Status
from privacy.services import scrub_personal_data
from tests.factories import UserFactory
from tests.volunteers.factories import (
    VolunteerNeedFactory,
    VolunteerProfileFactory,
    personal_records,
)
from volunteers.languages import validate_language_codes, validate_language_levels
from volunteers.models import Skill, VolunteerNeed, VolunteerProfile
from volunteers.skills import read_skills, sync_skills


@pytest.mark.django_db
def test_the_migration_loads_every_skill_with_its_translations():
    rows = read_skills()
    assert len(rows) >= 25
    assert Skill.objects.count() == len(rows)
    for skill in Skill.objects.all():
        assert skill.name_de and skill.name_en and skill.name_uk and skill.name_ar
    interpreting = Skill.objects.get(slug="interpreting")
    assert interpreting.name("de") == "Dolmetschen"
    assert interpreting.name("xx") == "Interpreting"  # unknown language: English


@pytest.mark.django_db
def test_syncing_skills_again_changes_nothing():
    before = list(Skill.objects.values_list("pk", "slug", "name_de"))
    assert sync_skills(Skill) == len(before)
    assert list(Skill.objects.values_list("pk", "slug", "name_de")) == before


def test_skill_slugs_in_the_file_are_unique():
    slugs = [row["slug"] for row in read_skills()]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize(
    "value",
    [[], [{"code": "uk", "level": "native"}, {"code": "de", "level": "basic"}]],
)
def test_valid_language_levels_pass(value):
    validate_language_levels(value)


@pytest.mark.parametrize(
    "value,fragment",
    [
        ([{"code": "xx", "level": "fluent"}], "xx"),
        ([{"code": "de", "level": "expert"}], "expert"),
        ([{"code": "deu", "level": "fluent"}], "deu"),
        ([{"code": "de", "level": "fluent"}, {"code": "de", "level": "basic"}], "once"),
        ([{"code": "de"}], "code"),
        (["de"], "code"),
        ({"de": "fluent"}, "list"),
    ],
)
def test_bad_language_levels_are_named(value, fragment):
    with pytest.raises(ValidationError) as caught:
        validate_language_levels(value)
    assert any(fragment in message for message in caught.value.messages)


def test_need_languages_are_distinct_iso_codes():
    validate_language_codes(["de", "ar", "uk"])
    for bad in (["xx"], ["DE"], ["de", "de"], [3], "de"):
        with pytest.raises(ValidationError):
            validate_language_codes(bad)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@pytest.mark.django_db
def test_a_need_expires_once_every_shift_has_ended():
    today = timezone.localdate()
    yesterday, last_week = today - timedelta(days=1), today - timedelta(days=7)
    over = VolunteerNeedFactory(
        shifts=[
            {"start": _at(last_week, 9), "end": _at(last_week, 12)},
            {"start": _at(yesterday, 9), "end": _at(yesterday, 12)},
        ]
    )
    running = VolunteerNeedFactory(
        shifts=[
            {"start": _at(yesterday, 9), "end": _at(yesterday, 12)},
            {"start": _at(today + timedelta(days=2), 9), "end": _at(today + timedelta(days=2), 12)},
        ]
    )
    ends_today = VolunteerNeedFactory(shifts=[{"start": _at(today, 1), "end": _at(today, 2)}])
    assert expire_due(today) == 1  # one need, however many shifts it has
    assert VolunteerNeed.objects.get(pk=over.pk).status == Status.EXPIRED
    assert VolunteerNeed.objects.get(pk=running.pk).status == Status.OPEN
    assert VolunteerNeed.objects.get(pk=ends_today.pk).status == Status.OPEN
    assert expire_due(today) == 0


@pytest.mark.django_db
def test_profiles_never_expire_by_date():
    VolunteerProfileFactory()
    assert VolunteerProfile.expiry_q(timezone.localdate()) is None
    assert expire_due(timezone.localdate() + timedelta(days=3650)) == 0


@pytest.mark.django_db
def test_export_of_a_profile_holds_its_rows():
    user = UserFactory()
    [profile] = personal_records(user, "Export")
    data = profile.export_data()
    assert data["kind"] == "volunteers.volunteerprofile"
    assert data["skills"] == ["interpreting"]
    assert data["languages"] == [{"code": "de", "level": "native"}]
    assert data["availability"] == [{"weekday": 1, "start": "17:00", "end": "20:00"}]
    assert len(data["away_periods"]) == 1 and "start" in data["away_periods"][0]
    assert "Export" in data["address"] and "Export" in data["description"]


@pytest.mark.django_db
def test_export_of_a_need_holds_its_shifts_and_skills():
    need = VolunteerNeedFactory(required_skills=["cooking"], shifts=[{"people": 4}])
    data = need.export_data()
    assert data["required_skills"] == ["cooking"]
    assert data["languages"] == ["de"]
    assert [s["people"] for s in data["shifts"]] == [4]


@pytest.mark.django_db
def test_personal_records_carry_the_marker_in_every_personal_text_field():
    user = UserFactory()
    records = personal_records(user, "Zyxmarker")
    assert [type(r) for r in records] == [VolunteerProfile]
    profile = records[0]
    assert profile.owner() == user
    assert "Zyxmarker" in profile.address and "Zyxmarker" in profile.description


@pytest.mark.django_db
def test_scrubbing_a_profile_removes_its_personal_data_everywhere():
    user = UserFactory()
    [profile] = personal_records(user, "Geheim")
    profile.description = "Geheim again"
    profile.save()
    scrub_personal_data(profile)
    profile.refresh_from_db()
    assert "Geheim" not in profile.address and "Geheim" not in profile.description
    assert profile.point == profile.approx_point and profile.scrubbed_at is not None
    assert not profile.away_periods.exists()
    assert profile.skills.count() == 1 and profile.availability.count() == 1  # statistics
    for row in profile.history.all():
        assert "Geheim" not in str(row.__dict__)


@pytest.mark.django_db
def test_the_history_never_holds_what_a_volunteer_wrote_about_themself():
    profile = VolunteerProfileFactory(description="Privat")
    profile.description = "Noch privater"
    profile.save()
    assert profile.history.count() == 2
    assert not hasattr(profile.history.first(), "description")


@pytest.mark.django_db
def test_request_matching_sets_the_flag_and_schedules_the_needs_cell_after_commit(
    django_capture_on_commit_callbacks,
):
    from unittest import mock

    from matching.areas import cell_of

    need = VolunteerNeedFactory()
    VolunteerNeed.objects.filter(pk=need.pk).update(needs_matching=False)
    with (
        mock.patch("matching.scheduling.enqueue_cell") as enqueue_cell,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        need.request_matching()
    assert VolunteerNeed.objects.get(pk=need.pk).needs_matching and len(callbacks) == 1
    enqueue_cell.assert_called_once_with("volunteers", cell_of(need.approx_point))
