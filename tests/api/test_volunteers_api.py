"""Volunteer profiles, volunteer needs and the skill list over the API."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from api.volunteers import VolunteerProfileSerializer
from lifecycle.services import expire_due
from notifications.models import Notification
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.volunteers.factories import (
    AvailabilitySlotFactory,
    AwayPeriodFactory,
    ShiftFactory,
    VolunteerNeedFactory,
    VolunteerProfileFactory,
)
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    Skill,
    VolunteerNeed,
    VolunteerProfile,
)

PROFILES = "/api/v1/volunteer-profiles/"
NEEDS = "/api/v1/volunteer-needs/"


def _when(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour))).isoformat()


GOOD_PROFILE = {
    "address": "Leipzig-Lindenau",
    "skills": ["interpreting", "accompanying-authorities"],
    "languages": [{"code": "uk", "level": "native"}, {"code": "de", "level": "fluent"}],
    "availability": [{"weekday": 1, "start": "17:00", "end": "20:00"}],
    "away_periods": [{"start": "2031-07-14", "end": "2031-07-28"}],
    "travel_radius_km": 8,
    "max_hours_per_week": 6,
    "description": "Erreichbar abends, Telefon 0176 555",
}
GOOD_NEED = {
    "title": "Dolmetschen bei der Ausländerbehörde",
    "description": "Begleitung einer Familie, Ukrainisch–Deutsch.",
    "address": "Leipzig-Grünau",
    "required_skills": ["interpreting"],
    "languages": ["uk", "ru"],
    "shifts": [
        {"start": _when(3, 9), "end": _when(3, 12), "people": 1},
        {"start": _when(10, 9), "end": _when(10, 12), "people": 2},
    ],
}


def _nothing_written():
    return (
        VolunteerProfile.objects.count()
        + VolunteerNeed.objects.count()
        + Shift.objects.count()
        + AvailabilitySlot.objects.count()
        + AwayPeriod.objects.count()
        + Notification.objects.count()
    ) == 0


def _assert_field_messages(response, field: str, fragment: str = ""):
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    messages = body[field]
    assert messages and all(isinstance(m, str) for m in messages), body
    assert any(fragment in m for m in messages), messages


@pytest.fixture
def volunteer(db):
    return UserFactory(username="vera", role="volunteer", preferred_language="en", phone="0176 9")


# --- skills ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_may_read_the_skill_list_in_their_language():
    response = client_for(None).get("/api/v1/skills/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 200
    skills = {s["slug"]: s for s in response.json()}
    assert len(skills) == Skill.objects.count() >= 25
    assert skills["interpreting"]["name"] == "Усний переклад"
    assert skills["interpreting"]["name_de"] == "Dolmetschen"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PROFILES, NEEDS, f"{PROFILES}map/", f"{NEEDS}map/"])
def test_anonymous_users_get_401_on_volunteer_data(url):
    assert client_for(None).get(url).status_code == 401
    assert client_for(None).post(url, {}, format="json").status_code in (401, 405)


# --- profiles --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_profile_is_created_and_its_owner_sees_everything(
    volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(volunteer).post(PROFILES, GOOD_PROFILE, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["district"] == "Lindenau" and body["status"] == "open" and body["is_mine"]
    assert body["address"] == "Leipzig-Lindenau" and body["location"]
    assert body["contact"]["phone"] == "0176 9"
    assert body["skills"] == ["accompanying-authorities", "interpreting"]
    assert body["languages"] == GOOD_PROFILE["languages"]
    assert body["availability"] == [{"weekday": 1, "start": "17:00:00", "end": "20:00:00"}]
    assert body["away_periods"] == GOOD_PROFILE["away_periods"]
    assert body["description"] == GOOD_PROFILE["description"]
    assert len(callbacks) == 1  # its cell is scheduled for matching once the profile commits
    assert VolunteerProfile.objects.get().needs_matching


PROFILE_BAD_INPUTS = [
    pytest.param({"skills": ["juggling"]}, "skills", "juggling", id="unknown-skill"),
    pytest.param(
        {"languages": [{"code": "xx", "level": "fluent"}]}, "languages", "xx", id="language-xx"
    ),
    pytest.param(
        {"languages": [{"code": "de", "level": "expert"}]},
        "languages",
        "Language 1, level",
        id="unknown-level",
    ),
    pytest.param(
        {"languages": [{"code": "de", "level": "fluent"}, {"code": "de", "level": "basic"}]},
        "languages",
        "once",
        id="language-twice",
    ),
    pytest.param({"max_hours_per_week": 0}, "max_hours_per_week", "", id="hours-zero"),
    pytest.param({"max_hours_per_week": 61}, "max_hours_per_week", "", id="hours-too-many"),
    pytest.param({"travel_radius_km": 0}, "travel_radius_km", "", id="radius-zero"),
    pytest.param(
        {"availability": [{"weekday": 1, "start": "20:00", "end": "17:00"}]},
        "availability",
        "Slot 1 ends before it starts",
        id="slot-ends-before-it-starts",
    ),
    pytest.param(
        {"availability": [{"weekday": 7, "start": "17:00", "end": "18:00"}]},
        "availability",
        "Slot 1, weekday",
        id="weekday-7",
    ),
    pytest.param(
        {"away_periods": [{"start": "1900-01-01", "end": "1900-02-01"}]},
        "away_periods",
        "2000",
        id="away-in-1900",
    ),
    pytest.param(
        {"away_periods": [{"start": "2031-07-14", "end": "2031-07-01"}]},
        "away_periods",
        "Period 1 ends before it starts",
        id="away-ends-before-it-starts",
    ),
    pytest.param({"address": "Xyzzyville"}, "address", "", id="address-unplaceable"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("change,field,fragment", PROFILE_BAD_INPUTS)
def test_bad_profile_input_is_a_400_with_field_messages_and_writes_nothing(
    volunteer, change, field, fragment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(volunteer).post(PROFILES, {**GOOD_PROFILE, **change}, format="json")
    _assert_field_messages(response, field, fragment)
    assert _nothing_written() and callbacks == []


@pytest.mark.django_db
def test_a_second_profile_is_a_400_and_the_first_stays(volunteer):
    client = client_for(volunteer)
    assert client.post(PROFILES, GOOD_PROFILE, format="json").status_code == 201
    response = client.post(PROFILES, {**GOOD_PROFILE, "description": "zweites"}, format="json")
    _assert_field_messages(response, "user", "already")
    assert VolunteerProfile.objects.get().description == GOOD_PROFILE["description"]
    assert AvailabilitySlot.objects.count() == 1


@pytest.mark.django_db
def test_profiles_are_seen_only_by_their_owner_and_coordinators(
    volunteer, donor, initiative_member, coordinator
):
    profile_id = client_for(volunteer).post(PROFILES, GOOD_PROFILE, format="json").json()["id"]
    for other in (donor, initiative_member):
        assert client_for(other).get(PROFILES).json()["count"] == 0
        assert client_for(other).get(f"{PROFILES}{profile_id}/").status_code == 404
        assert client_for(other).get(f"{PROFILES}map/").json()["features"] == []
        response = client_for(other).patch(f"{PROFILES}{profile_id}/", {"max_hours_per_week": 1})
        assert response.status_code == 404
    seen = client_for(coordinator).get(f"{PROFILES}{profile_id}/").json()
    assert seen["address"] == "Leipzig-Lindenau" and seen["description"] and not seen["is_mine"]
    response = client_for(coordinator).patch(f"{PROFILES}{profile_id}/", {"max_hours_per_week": 1})
    assert response.status_code == 403  # coordinators read everything but change only their own


@pytest.mark.django_db
def test_whoever_is_not_entitled_sees_no_place_contact_or_private_notes():
    """No such viewer can reach a profile today (it is not browsable); the serializer is ready
    for the other side of a match that is not yet accepted."""
    profile = VolunteerProfileFactory(description="Privat", skills=["cooking"])
    AvailabilitySlotFactory(profile=profile)
    AwayPeriodFactory(profile=profile)
    data = VolunteerProfileSerializer(profile, context={"is_entitled": lambda r: False}).data
    for name in ("address", "location", "contact", "description", "availability", "away_periods"):
        assert data[name] is None, name
    assert data["skills"] == ["cooking"] and data["approx_location"] and data["district"]


@pytest.mark.django_db
def test_the_owner_changes_a_profile_and_nested_rows_are_replaced(volunteer):
    client = client_for(volunteer)
    profile_id = client.post(PROFILES, GOOD_PROFILE, format="json").json()["id"]
    response = client.patch(
        f"{PROFILES}{profile_id}/",
        {
            "availability": [
                {"weekday": 5, "start": "10:00", "end": "14:00"},
                {"weekday": 6, "start": "10:00", "end": "12:00"},
            ],
            "skills": ["gardening"],
            "languages": [{"code": "ar", "level": "basic"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [slot["weekday"] for slot in body["availability"]] == [5, 6]
    assert body["skills"] == ["gardening"] and body["languages"][0]["code"] == "ar"
    assert body["away_periods"] == GOOD_PROFILE["away_periods"]  # not given, kept
    assert body["max_hours_per_week"] == 6


@pytest.mark.django_db
def test_a_bad_profile_change_is_a_400_and_changes_nothing(volunteer):
    client = client_for(volunteer)
    profile_id = client.post(PROFILES, GOOD_PROFILE, format="json").json()["id"]
    for change, field in (
        ({"max_hours_per_week": 0}, "max_hours_per_week"),
        ({"languages": [{"code": "xx", "level": "basic"}]}, "languages"),
        ({"availability": [{"weekday": 1, "start": "09:00"}]}, "availability"),
        ({"availability": [{"weekday": 1, "start": "09:00", "end": "08:00"}]}, "availability"),
    ):
        response = client.patch(f"{PROFILES}{profile_id}/", change, format="json")
        _assert_field_messages(response, field)
    profile = VolunteerProfile.objects.get()
    assert profile.max_hours_per_week == 6 and profile.languages == GOOD_PROFILE["languages"]
    assert list(profile.availability.values_list("weekday", flat=True)) == [1]


@pytest.mark.django_db
def test_a_draft_profile_is_published_and_withdrawn(volunteer):
    client = client_for(volunteer)
    created = client.post(PROFILES, {**GOOD_PROFILE, "draft": True}, format="json").json()
    assert created["status"] == "draft"
    VolunteerProfile.objects.update(needs_matching=False)
    published = client.post(f"{PROFILES}{created['id']}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "open"
    assert VolunteerProfile.objects.get().needs_matching
    withdrawn = client.post(f"{PROFILES}{created['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    response = client.patch(f"{PROFILES}{created['id']}/", {"max_hours_per_week": 2})
    _assert_field_messages(response, "status")


@pytest.mark.django_db
def test_profiles_are_filtered_by_skill_language_and_place(coordinator):
    leipzig = VolunteerProfileFactory(
        skills=["cooking"], languages=[{"code": "ar", "level": "native"}]
    )
    VolunteerProfileFactory(
        skills=["gardening"], languages=[{"code": "uk", "level": "basic"}], lat=51.05, lon=13.74
    )
    client = client_for(coordinator)

    def ids(query: str) -> list[int]:
        response = client.get(f"{PROFILES}?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids("skill=cooking") == [leipzig.pk]
    assert ids("skill=juggling") == []
    assert ids("language=AR") == [leipzig.pk]
    assert ids("lat=51.34&lon=12.37&within_km=10") == [leipzig.pk]
    assert len(ids("status=open")) == 2
    assert client.get(f"{PROFILES}?lat=51.34").status_code == 400


# --- needs -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_need_with_shifts_is_created_and_shown_in_public_form_to_volunteers(
    initiative_member, volunteer, coordinator
):
    response = client_for(initiative_member).post(NEEDS, GOOD_NEED, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["address"] == "Leipzig-Grünau" and body["is_mine"]
    assert [(s["people"], s["people_open"]) for s in body["shifts"]] == [(1, 1), (2, 2)]
    assert body["required_skills"] == ["interpreting"] and body["languages"] == ["uk", "ru"]
    listed = client_for(volunteer).get(NEEDS).json()
    assert listed["count"] == 1
    public = listed["results"][0]
    assert public["address"] is public["location"] is public["contact"] is None
    assert public["district"] == "Grünau" and len(public["shifts"]) == 2
    assert (
        "Leipzig-Grünau" not in client_for(volunteer).get(f"{NEEDS}{body['id']}/").content.decode()
    )
    seen = client_for(coordinator).get(f"{NEEDS}{body['id']}/").json()
    assert seen["address"] == "Leipzig-Grünau" and seen["contact"]["name"]


NEED_BAD_INPUTS = [
    pytest.param(
        {
            "shifts": [
                {"start": _when(3, 9), "end": _when(3, 12), "people": 1},
                {"start": _when(4, 12), "end": _when(4, 9), "people": 1},
            ]
        },
        "shifts",
        "Shift 2 ends before it starts.",
        id="shift-ends-before-it-starts",
    ),
    pytest.param(
        {"shifts": [{"start": "1900-05-01T09:00:00Z", "end": "1900-05-01T12:00:00Z", "people": 1}]},
        "shifts",
        "2000",
        id="shift-in-1900",
    ),
    pytest.param(
        {"shifts": [{"start": _when(-3, 9), "end": _when(-3, 12), "people": 1}]},
        "shifts",
        "Shift 1 is already over.",
        id="shift-over",
    ),
    pytest.param(
        {"shifts": [{"start": _when(3, 9), "end": _when(3, 12), "people": -2}]},
        "shifts",
        "Shift 1, people",
        id="people-negative",
    ),
    pytest.param(
        {"shifts": [{"start": _when(3, 9), "end": _when(3, 12), "people": 0}]},
        "shifts",
        "Shift 1, people",
        id="people-zero",
    ),
    pytest.param(
        {"shifts": [{"start": _when(3, 9), "end": "tomorrow", "people": 1}]},
        "shifts",
        "Shift 1, end",
        id="end-not-a-datetime",
    ),
    pytest.param({"shifts": []}, "shifts", "", id="no-shifts"),
    pytest.param({"shifts": None}, "shifts", "", id="shifts-missing"),
    pytest.param({"required_skills": ["juggling"]}, "required_skills", "juggling", id="skill"),
    pytest.param({"languages": ["de", "xx"]}, "languages", "xx", id="language-xx"),
    pytest.param({"max_distance_km": -1}, "max_distance_km", "", id="distance-negative"),
    pytest.param({"title": ""}, "title", "", id="title-empty"),
    pytest.param({"address": "99999"}, "address", "", id="postal-code-unknown"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("change,field,fragment", NEED_BAD_INPUTS)
def test_bad_need_input_is_a_400_with_field_messages_and_writes_nothing(
    initiative_member, change, field, fragment, django_capture_on_commit_callbacks
):
    payload = {k: v for k, v in {**GOOD_NEED, **change}.items() if v is not None}
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(initiative_member).post(
            NEEDS, payload, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
    _assert_field_messages(response, field, fragment)
    assert _nothing_written() and callbacks == []


@pytest.mark.django_db
def test_only_members_of_an_initiative_post_volunteer_needs(volunteer):
    response = client_for(volunteer).post(NEEDS, GOOD_NEED, format="json")
    _assert_field_messages(response, "organisation")
    assert _nothing_written()


@pytest.mark.django_db
def test_members_change_their_initiatives_need_and_others_may_not(
    initiative_member, initiative, volunteer
):
    need_id = client_for(initiative_member).post(NEEDS, GOOD_NEED, format="json").json()["id"]
    colleague = UserFactory(role="initiative_member")
    MembershipFactory(user=colleague, organisation=initiative)
    response = client_for(colleague).patch(
        f"{NEEDS}{need_id}/",
        {"shifts": [{"start": _when(5, 14), "end": _when(5, 18), "people": 5}], "title": "Neu"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [s["people"] for s in response.json()["shifts"]] == [5]
    assert Shift.objects.count() == 1 and VolunteerNeed.objects.get().title == "Neu"
    response = client_for(volunteer).patch(f"{NEEDS}{need_id}/", {"title": "Meins"})
    assert response.status_code == 403
    response = client_for(colleague).patch(
        f"{NEEDS}{need_id}/",
        {"shifts": [{"start": _when(5, 14), "end": _when(5, 13), "people": 5}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    _assert_field_messages(response, "shifts", "Shift 1 ends before it starts.")
    assert Shift.objects.get().people == 5


@pytest.mark.django_db
def test_a_need_is_withdrawn_and_a_draft_published(initiative_member):
    client = client_for(initiative_member)
    draft = client.post(NEEDS, {**GOOD_NEED, "draft": True}, format="json").json()
    assert draft["status"] == "draft"
    assert client.post(f"{NEEDS}{draft['id']}/publish/").json()["status"] == "open"
    assert client.post(f"{NEEDS}{draft['id']}/withdraw/").json()["status"] == "withdrawn"
    assert client.post(f"{NEEDS}{draft['id']}/publish/").status_code == 400


@pytest.mark.django_db
def test_needs_are_filtered_by_skill_language_mine_and_place(initiative_member, volunteer):
    ours = client_for(initiative_member).post(NEEDS, GOOD_NEED, format="json").json()
    other = VolunteerNeedFactory(
        required_skills=["cooking"], languages=["ar"], lat=51.05, lon=13.74
    )
    client = client_for(volunteer)

    def ids(query: str, who=client) -> list[int]:
        response = who.get(f"{NEEDS}?{query}")
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids("skill=interpreting") == [ours["id"]]
    assert ids("skill=cooking") == [other.pk]
    assert ids("language=ar") == [other.pk]
    assert ids("language=uk") == [ours["id"]]
    assert ids("lat=51.34&lon=12.37&within_km=25") == [ours["id"]]
    assert ids("mine=true") == []
    assert ids("mine=true", client_for(initiative_member)) == [ours["id"]]
    features = client.get(f"{NEEDS}map/").json()["features"]
    assert {f["id"] for f in features} == {ours["id"], other.pk}


@pytest.mark.django_db
def test_expire_due_expires_a_need_whose_shifts_are_over(volunteer):
    today = timezone.localdate()
    need = VolunteerNeedFactory(shifts=[])
    start = timezone.now() - timedelta(days=2)
    ShiftFactory(need=need, start=start, end=start + timedelta(hours=2))
    future = VolunteerNeedFactory()  # one shift in three days
    assert expire_due(today) == 1
    assert client_for(volunteer).get(f"{NEEDS}?status=expired").json()["count"] == 0
    statuses = dict(VolunteerNeed.objects.values_list("pk", "status"))
    assert statuses == {need.pk: "expired", future.pk: "open"}
    assert [r["id"] for r in client_for(volunteer).get(NEEDS).json()["results"]] == [future.pk]


@pytest.mark.django_db
def test_schema_describes_the_volunteer_endpoints(client):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/skills/",
        "/api/v1/volunteer-profiles/",
        "/api/v1/volunteer-profiles/{id}/",
        "/api/v1/volunteer-needs/{id}/withdraw/",
        "/api/v1/volunteer-needs/map/",
    ):
        assert path in paths
