"""The events API: public list of dates with filters, one series, its .ics, the feed per
filter, the map, the categories; writes for the keepers with field errors on bad input."""

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from accounts.models import Role
from editorial.models import Text
from events import services
from events.models import EventSeries
from tests.conftest import client_for
from tests.events.factories import approved, berlin, make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DECEMBER = "date_from=2026-12-01&date_to=2026-12-31"


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Salam Ost")


@pytest.fixture
def member(organisation):
    user = UserFactory(username="amal", role=Role.INITIATIVE_MEMBER, phone="0176 999")
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def events(organisation, member):
    """Two series the member posted; the organisation publishes after review (it has no
    provider profile), so a coordinator approved them."""
    course = make_series(
        organisation,
        user=member,
        title="Deutschkurs für Frauen",
        description="Mit Kinderbetreuung.",
        categories=["language-course"],
        languages=["de", "ar"],
        address="Eisenbahnstraße 40, 04315 Leipzig",
        starts_at=berlin(2026, 12, 1, 18),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    course = approved(course)
    services.translate(
        series=course, user=member, language="ar", fields={"title": "دورة ألمانية للنساء"}
    )
    football = make_series(
        organisation,
        user=member,
        title="Fußball im Park",
        categories=["sport"],
        languages=["de", "uk"],
        address="04229 Leipzig",
        starts_at=berlin(2026, 12, 5, 10),
    )
    return {"course": course, "football": approved(football)}


def test_anyone_lists_the_dates_in_a_range_by_start(events):
    answer = APIClient().get(f"/api/v1/events/?{DECEMBER}")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [(r["title"], r["start"][:16]) for r in rows] == [
        ("Deutschkurs für Frauen", "2026-12-01T18:00"),
        ("Fußball im Park", "2026-12-05T10:00"),
        ("Deutschkurs für Frauen", "2026-12-08T18:00"),
        ("Deutschkurs für Frauen", "2026-12-15T18:00"),
    ]
    assert rows[0]["address"] == "Eisenbahnstraße 40, 04315 Leipzig"  # a public place
    assert "0176 999" not in answer.content.decode() and "amal@" not in answer.content.decode()


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("category=sport", {"Fußball im Park"}),
        ("language=ar", {"Deutschkurs für Frauen"}),
        ("language=uk", {"Fußball im Park"}),
        ("q=Kinderbetreuung", {"Deutschkurs für Frauen"}),
        ("date_from=2026-12-05&date_to=2026-12-05", {"Fußball im Park"}),
    ],
)
def test_the_list_filters(events, query, titles):
    if "date_from" not in query:
        query += f"&{DECEMBER}"
    rows = APIClient().get(f"/api/v1/events/?{query}").json()["results"]
    assert {r["title"] for r in rows} == titles


def test_filter_by_district(events):
    district = events["football"].district
    rows = APIClient().get(f"/api/v1/events/?{DECEMBER}&district={district}").json()["results"]
    assert {r["title"] for r in rows} == {"Fußball im Park"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=2026-12-31&date_to=2026-12-01", "date_to"),
        ("date_from=2026-01-01&date_to=2028-12-31", "date_to"),
        ("date_from=gestern", "date_from"),
        ("language=xx", "language"),
        ("audience=aliens", "audience"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(events, query, field):
    for url in ("/api/v1/events/", "/api/v1/events/feed.ics", "/api/v1/events/map/"):
        answer = APIClient().get(f"{url}?{query}")
        assert answer.status_code == 400, url
        assert field in answer.json()


def test_texts_come_in_the_asked_language_with_a_notice_where_missing(events):
    client = APIClient()
    course = events["course"]
    arabic = client.get(f"/api/v1/event-series/{course.pk}/", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert (arabic["title"], arabic["text_language"], arabic["text_notice"]) == (
        "دورة ألمانية للنساء",
        "ar",
        "",
    )
    ukrainian = client.get(f"/api/v1/event-series/{course.pk}/", HTTP_ACCEPT_LANGUAGE="uk").json()
    assert (ukrainian["text_language"], ukrainian["text_notice"]) == ("de", "missing")


def test_the_ics_of_a_series_parses_and_has_its_rule(events):
    answer = APIClient().get(f"/api/v1/event-series/{events['course'].pk}/ics/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(answer.content).walk("VEVENT")
    assert event["rrule"].to_ical() == b"FREQ=WEEKLY;COUNT=3"
    assert event.decoded("dtstart") == berlin(2026, 12, 1, 18)


def test_the_feed_per_filter_parses_and_holds_the_expected_events(events):
    answer = APIClient().get(f"/api/v1/events/feed.ics?{DECEMBER}&language=ar")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(answer.content)
    assert [str(e["summary"]) for e in parsed.walk("VEVENT")] == ["Deutschkurs für Frauen"]
    everything = Calendar.from_ical(APIClient().get(f"/api/v1/events/feed.ics?{DECEMBER}").content)
    assert len(everything.walk("VEVENT")) == 2


def test_the_map_shows_public_points(events):
    answer = APIClient().get(f"/api/v1/events/map/?{DECEMBER}&category=sport")
    data = answer.json()
    assert data["type"] == "FeatureCollection" and data["count"] == 1
    feature = data["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    public = events["football"].approx_point
    assert (round(lon, 5), round(lat, 5)) == (round(public.x, 5), round(public.y, 5))


def test_categories_are_named_in_the_asked_language():
    rows = APIClient().get("/api/v1/event-categories/", HTTP_ACCEPT_LANGUAGE="uk").json()
    assert {"slug": "language-course", "name": "Мовний курс"} in rows


BODY = {
    "title": "Sprachcafé",
    "address": "04315 Leipzig",
    "starts_at": "2026-12-03T17:00:00",
    "duration_minutes": 90,
    "rrule": "FREQ=WEEKLY;COUNT=4",
    "languages": ["de", "uk"],
    "categories": ["intercultural"],
}


def test_a_member_posts_a_series_in_local_time(member, organisation):
    answer = client_for(member).post("/api/v1/event-series/", BODY, format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["starts_at"].startswith("2026-12-03T17:00:00+01:00")
    assert data["owner"] == "Salam Ost" and data["is_mine"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"starts_at": "1900-12-03T17:00:00"}, "starts_at"),
        ({"rrule": "FREQ=WEEKLY"}, "rrule"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"categories": ["nope"]}, "categories"),
        ({"address": "Atlantis 99999"}, "address"),
    ],
)
def test_bad_input_is_a_400_with_the_field_and_saves_nothing(member, change, field):
    answer = client_for(member).post("/api/v1/event-series/", {**BODY, **change}, format="json")
    assert answer.status_code == 400
    assert field in answer.json(), answer.json()
    assert EventSeries.objects.count() == 0 and Text.objects.count() == 0


def test_a_never_ending_rule_says_what_is_missing(member):
    client = client_for(member)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post("/api/v1/event-series/", {**BODY, "rrule": "FREQ=WEEKLY"}, format="json")
    assert answer.json()["rrule"] == [
        "A repeating event needs an end: a number of times or a last date."
    ]


def test_keepers_cancel_and_add_dates_and_others_may_not(events, member):
    course = events["course"]
    url = f"/api/v1/event-series/{course.pk}"
    stranger = UserFactory(username="fremd", role=Role.INITIATIVE_MEMBER)
    assert (
        client_for(stranger).post(f"{url}/cancel-date/", {"date": "2026-12-08"}).status_code == 403
    )
    answer = client_for(member).post(f"{url}/cancel-date/", {"date": "2026-12-08"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["exdates"] == ["2026-12-08T18:00:00+01:00"]
    wrong_day = client_for(member).post(f"{url}/cancel-date/", {"date": "2026-12-09"})
    assert wrong_day.status_code == 400 and "date" in wrong_day.json()
    added = client_for(member).post(
        f"{url}/add-date/", {"start": "2026-12-10T18:00:00+01:00"}, format="json"
    )
    assert added.status_code == 200
    rows = APIClient().get(f"/api/v1/events/?{DECEMBER}&category=language-course").json()
    assert [r["start"][:10] for r in rows["results"]] == ["2026-12-01", "2026-12-10", "2026-12-15"]


def test_an_unpublished_series_is_only_seen_by_its_keepers(organisation, member):
    hidden = make_series(organisation, user=member, published=False)
    assert APIClient().get(f"/api/v1/event-series/{hidden.pk}/").status_code == 404
    assert client_for(member).get(f"/api/v1/event-series/{hidden.pk}/").status_code == 200


def test_patch_changes_the_title_and_keeps_the_rest(events, member):
    course = events["course"]
    answer = client_for(member).patch(
        f"/api/v1/event-series/{course.pk}/", {"title": "Deutschkurs (neu)"}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["title"] == "Deutschkurs (neu)"
    assert answer.json()["rrule"] == "FREQ=WEEKLY;COUNT=3"
    assert date.fromisoformat(answer.json()["last_confirmed_on"]) <= date.today() + timedelta(1)


# --- review ------------------------------------------------------------------------------------


def test_a_series_posted_by_an_organisation_that_needs_review_waits_until_approved(member):
    answer = client_for(member).post("/api/v1/event-series/", BODY, format="json")
    assert answer.status_code == 201
    data = answer.json()
    assert (data["status"], data["published"]) == ("in_review", False)
    url = f"/api/v1/event-series/{data['id']}/"
    assert APIClient().get(url).status_code == 404
    assert client_for(member).post(f"{url}approve/").status_code == 403
    boss = UserFactory(username="koordination", role=Role.COORDINATOR, is_staff=True)
    approved_answer = client_for(boss).post(f"{url}approve/")
    assert approved_answer.status_code == 200
    assert approved_answer.json()["status"] == "published"
    assert APIClient().get(url).json()["title"] == "Sprachcafé"


def test_a_draft_is_submitted_and_cannot_be_approved_before(member, organisation):
    draft = make_series(organisation, user=member, published=False)
    url = f"/api/v1/event-series/{draft.pk}/"
    boss = UserFactory(username="koordination", role=Role.COORDINATOR, is_staff=True)
    too_early = client_for(boss).post(f"{url}approve/")
    assert too_early.status_code == 409 and "status" in too_early.json()
    submitted = client_for(member).post(f"{url}submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"
    assert client_for(boss).post(f"{url}approve/").json()["status"] == "published"


def test_patch_published_false_takes_a_series_down(events, member):
    course = events["course"]
    url = f"/api/v1/event-series/{course.pk}/"
    answer = client_for(member).patch(url, {"published": False}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "unpublished"
    assert APIClient().get(url).status_code == 404
    rows = APIClient().get(f"/api/v1/events/?{DECEMBER}").json()["results"]
    assert {r["title"] for r in rows} == {"Fußball im Park"}
