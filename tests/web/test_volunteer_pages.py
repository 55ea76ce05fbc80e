"""The volunteer's pages: the profile with its grid of times, the shifts, the calendar file of
an accepted shift and the personal calendar feed behind a secret address."""

from datetime import UTC, time, timedelta

import pytest
from django.core import signing
from django.test import Client
from icalendar import Calendar

from accounts.models import Role
from matching import workflow
from matching.models import Match, MatchState
from privacy.models import DataAccess
from tests.factories import OrganisationFactory, UserFactory
from tests.matching.batching import created, run_for
from tests.safety.scenes import coordinator, volunteer, volunteer_need
from tests.volunteers.factories import AvailabilitySlotFactory, VolunteerProfileFactory
from volunteers.models import AvailabilitySlot, AwayPeriod, VolunteerNeed, VolunteerProfile
from web import volunteer_calendar

pytestmark = pytest.mark.django_db

EXACT_ADDRESS = "Kochstraße 12, 04275 Leipzig"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def volunteer_user(username: str = "vera", language: str = "en"):
    return UserFactory(username=username, role=Role.VOLUNTEER, preferred_language=language)


def profile_form(**changes) -> dict:
    """A whole, good form as the page sends it (no profile rows shown yet)."""
    form = {
        "address": "04229 Leipzig",
        "travel_radius_km": "8",
        "max_hours_per_week": "6",
        "description": "Ich helfe gern.",
        "skills": ["interpreting"],
        "language_rows": "2",
        "language_code_0": "uk",
        "language_level_0": "native",
        "language_code_1": "",
        "language_level_1": "",
        "away_rows": "2",
        "away_start_0": "",
        "away_end_0": "",
        "away_start_1": "",
        "away_end_1": "",
        "availability": [],
        "availability_shown": "",
    }
    form.update(changes)
    return form


def shift_match(user) -> Match:
    """A volunteer (`user`) and a Tuesday shift 1 km apart, proposed by the real engine; the
    need's exact address is EXACT_ADDRESS."""
    volunteer(user)
    need = volunteer_need()
    VolunteerNeed.objects.filter(pk=need.pk).update(
        address=EXACT_ADDRESS, district="Connewitz", postal_code="04277", title="Kleiderkammer"
    )
    [match] = created(run_for(need))
    return match


def offered(match: Match) -> Match:
    return workflow.approve(match, actor=coordinator("approver"))


def accepted(match: Match) -> Match:
    if match.state == MatchState.PROPOSED:
        match = offered(match)
    workflow.respond(match, user=match.volunteer.user, answer="yes")
    member = match.shift.need.created_by
    return workflow.respond(match, user=member, answer="yes")


def events_of(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


# --- profile ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, text, direction",
    [
        ("en", "My volunteer profile", "ltr"),
        ("de", 'lang="de"', "ltr"),
        ("uk", 'lang="uk"', "ltr"),
        ("ar", 'lang="ar"', "rtl"),
    ],
)
def test_the_profile_page_renders_in_every_language(language, text, direction):
    user = volunteer_user(language=language)
    response = signed_in(user).get("/volunteer/profile/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in html and text in html
    # The grid: 7 days of 8 two-hour blocks, each a real checkbox with its own label.
    assert html.count('name="availability"') == 56
    assert 'for="av-1-16"' in html and 'id="av-1-16"' in html


def test_the_profile_page_needs_sign_in(db):
    response = Client().get("/volunteer/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_ticking_two_adjacent_blocks_stores_one_slot():
    user = volunteer_user()
    response = signed_in(user).post(
        "/volunteer/profile/", profile_form(availability=["1-16", "1-18"])
    )
    assert response.status_code == 302 and response["Location"] == "/volunteer/profile/"
    profile = VolunteerProfile.objects.get(user=user)
    slots = [(s.weekday, s.start, s.end) for s in profile.availability.all()]
    assert slots == [(1, time(16), time(20))]
    assert profile.languages == [{"code": "uk", "level": "native"}]
    assert [s.slug for s in profile.skills.all()] == ["interpreting"]
    assert profile.travel_radius_km == 8 and profile.max_hours_per_week == 6

    # The page shows the ticks again and the public area, never asked for the exact address.
    html = signed_in(user).get("/volunteer/profile/").content.decode()
    assert 'id="av-1-16" name="availability" value="1-16" checked' in html
    assert 'id="av-1-18" name="availability" value="1-18" checked' in html
    assert 'id="av-1-20" name="availability" value="1-20">' in html
    assert "Others see your area as:" in html


def test_blocks_apart_stay_apart_and_an_edit_replaces_the_slots():
    user = volunteer_user()
    client = signed_in(user)
    client.post("/volunteer/profile/", profile_form(availability=["1-16", "1-18"]))
    response = client.post(
        "/volunteer/profile/",
        profile_form(availability=["0-6", "0-10", "5-20"], availability_shown="1-16,1-18"),
    )
    assert response.status_code == 302
    slots = AvailabilitySlot.objects.filter(profile__user=user)
    assert [(s.weekday, s.start, s.end) for s in slots] == [
        (0, time(6), time(8)),
        (0, time(10), time(12)),
        (5, time(20), time(22)),
    ]


def test_saved_times_the_grid_cannot_draw_stay_unless_the_grid_changes():
    user = volunteer_user()
    profile = VolunteerProfileFactory(user=user)
    AvailabilitySlotFactory(profile=profile, weekday=2, start="17:00", end="19:30")
    client = signed_in(user)
    html = client.get("/volunteer/profile/").content.decode()
    assert "data-saved-slots" in html  # said in words, since no block is whole
    form = profile_form(address=profile.address, availability=[], availability_shown="")
    assert client.post("/volunteer/profile/", form).status_code == 302
    [slot] = AvailabilitySlot.objects.filter(profile=profile)
    assert (slot.weekday, slot.start, slot.end) == (2, time(17), time(19, 30))


def test_bad_input_shows_each_error_beside_its_field_and_stores_nothing():
    user = volunteer_user()
    form = profile_form(
        address="",
        travel_radius_km="0",
        away_start_0="2031-07-20",
        away_end_0="2031-07-10",
        availability=["1-16"],
        description="Bitte nicht speichern",
    )
    response = signed_in(user).post("/volunteer/profile/", form)
    html = response.content.decode()
    assert response.status_code == 400
    assert not VolunteerProfile.objects.filter(user=user).exists()
    assert not AvailabilitySlot.objects.exists() and not AwayPeriod.objects.exists()
    for field in ("address", "travel_radius_km", "away_periods"):
        assert f'id="{field}-error"' in html
    assert 'aria-describedby="address-hint address-error" aria-invalid="true" autofocus' in html
    assert 'aria-describedby="travel_radius_km-error" aria-invalid="true"' in html
    assert "Period 1 ends before it starts." in html
    assert "We could not find this place." in html
    # Everything typed is still there.
    assert 'value="2031-07-20"' in html and "Bitte nicht speichern" in html
    assert 'value="1-16" checked' in html


def test_a_bad_change_keeps_the_saved_profile_as_it_was():
    user = volunteer_user()
    client = signed_in(user)
    client.post("/volunteer/profile/", profile_form(availability=["1-16"]))
    profile = VolunteerProfile.objects.get(user=user)
    response = client.post(
        "/volunteer/profile/",
        profile_form(travel_radius_km="0", max_hours_per_week="9", availability=["3-8"]),
    )
    assert (
        response.status_code == 400 and 'id="travel_radius_km-error"' in response.content.decode()
    )
    profile.refresh_from_db()
    assert profile.travel_radius_km == 8 and profile.max_hours_per_week == 6
    assert [(s.weekday, s.start) for s in profile.availability.all()] == [(1, time(16))]


def test_text_that_is_no_number_or_date_is_refused_beside_its_field():
    user = volunteer_user()
    form = profile_form(max_hours_per_week="viele", away_start_0="morgen", away_end_0="")
    response = signed_in(user).post("/volunteer/profile/", form)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="max_hours_per_week-error"' in html and 'id="away_periods-error"' in html
    assert not VolunteerProfile.objects.exists()


# --- shifts ----------------------------------------------------------------------------------


def test_the_shifts_page_lists_offered_and_accepted_shifts_but_never_proposals():
    user = volunteer_user()
    match = shift_match(user)
    client = signed_in(user)
    assert f'data-match="{match.pk}"' not in client.get("/volunteer/shifts/").content.decode()

    match = offered(match)
    html = client.get("/volunteer/shifts/").content.decode()
    assert f'data-match="{match.pk}" data-state="offered"' in html
    assert f'href="/matches/{match.pk}/"' in html and "Kleiderkammer" in html
    assert "Connewitz" in html and EXACT_ADDRESS not in html
    assert f"/volunteer/shifts/{match.pk}.ics" not in html

    accepted(match)
    html = client.get("/volunteer/shifts/").content.decode()
    assert f'data-match="{match.pk}" data-state="accepted"' in html
    assert f'href="/volunteer/shifts/{match.pk}.ics"' in html
    assert "/calendar/" in html and "Renew link" in html


# --- calendar files --------------------------------------------------------------------------


def test_the_calendar_file_of_an_accepted_shift_has_its_times_and_exact_address():
    user = volunteer_user()
    match = accepted(shift_match(user))
    response = signed_in(user).get(f"/volunteer/shifts/{match.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="shift-{match.pk}.ics"'
    [event] = events_of(response)
    shift = match.shift
    assert event.decoded("dtstart").astimezone(UTC) == shift.start.astimezone(UTC)
    assert event.decoded("dtend").astimezone(UTC) == shift.end.astimezone(UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=3)
    assert str(event["summary"]) == "Kleiderkammer"
    assert str(event["location"]) == EXACT_ADDRESS
    assert shift.need.organisation.name in str(event["description"])
    assert str(event["uid"]) == f"volunteer-shift-{match.pk}@localhost"
    # Showing the exact address is audited.
    assert DataAccess.objects.filter(viewer=user).exists()

    again = events_of(signed_in(user).get(f"/volunteer/shifts/{match.pk}.ics"))
    assert str(again[0]["uid"]) == str(event["uid"])  # stable per match


def test_a_shift_not_yet_accepted_has_no_calendar_file():
    """Decided: a calendar file is for a shift both sides said yes to; before that it does
    not exist (404), so it can never carry the address early."""
    user = volunteer_user()
    match = shift_match(user)
    client = signed_in(user)
    assert client.get(f"/volunteer/shifts/{match.pk}.ics").status_code == 404  # proposed
    offered(match)
    workflow.respond(match, user=user, answer="yes")
    assert client.get(f"/volunteer/shifts/{match.pk}.ics").status_code == 404  # offered


def test_someone_elses_shift_has_no_calendar_file_for_them():
    match = accepted(shift_match(volunteer_user()))
    stranger = volunteer_user("sam")
    assert signed_in(stranger).get(f"/volunteer/shifts/{match.pk}.ics").status_code == 404
    member = match.shift.need.created_by  # the other side: not the volunteer of the match
    assert signed_in(member).get(f"/volunteer/shifts/{match.pk}.ics").status_code == 404
    assert Client().get(f"/volunteer/shifts/{match.pk}.ics").status_code == 302  # sign in


# --- the feed --------------------------------------------------------------------------------


def test_the_feed_lists_accepted_shifts_only_and_needs_no_sign_in():
    user = volunteer_user()
    first = accepted(shift_match(user))
    other_need = volunteer_need(OrganisationFactory(name="Tafel Süd"), weekday=2)
    second = offered(created(run_for(other_need))[0])
    assert second.volunteer.user == user and second.state == MatchState.OFFERED
    token = volunteer_calendar.feed_token(first.volunteer)

    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    events = events_of(response)
    assert [str(e["uid"]) for e in events] == [f"volunteer-shift-{first.pk}@localhost"]
    assert str(events[0]["location"]) == EXACT_ADDRESS


def test_the_feed_address_on_the_shifts_page_works_and_renewing_it_ends_the_old_one():
    user = volunteer_user()
    accepted(shift_match(user))
    client = signed_in(user)
    old = volunteer_calendar.feed_token(VolunteerProfile.objects.get(user=user))
    assert f"/calendar/{old}.ics" in client.get("/volunteer/shifts/").content.decode()

    response = client.post("/volunteer/calendar/renew/")
    assert response.status_code == 302 and response["Location"] == "/volunteer/shifts/"
    new = volunteer_calendar.feed_token(VolunteerProfile.objects.get(user=user))
    assert new != old
    html = client.get("/volunteer/shifts/").content.decode()
    assert f"/calendar/{new}.ics" in html and f"/calendar/{old}.ics" not in html
    assert Client().get(f"/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/calendar/{new}.ics").status_code == 200


def test_a_tampered_feed_token_is_not_found():
    user = volunteer_user()
    match = accepted(shift_match(user))
    token = volunteer_calendar.feed_token(match.volunteer)
    other = VolunteerProfileFactory(user=volunteer_user("sam"))
    forged = signing.dumps({"p": other.pk, "v": 0})  # not with the feed's salt
    for bad in (token[:-2] + "xx", "x" + token, forged, "nothing"):
        assert Client().get(f"/calendar/{bad}.ics").status_code == 404


def test_renewing_needs_a_post_and_a_profile():
    client = signed_in(volunteer_user())
    assert client.get("/volunteer/calendar/renew/").status_code == 405
    assert client.post("/volunteer/calendar/renew/").status_code == 404
