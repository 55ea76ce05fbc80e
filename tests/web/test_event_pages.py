"""The event pages: the public list with filters and the feed link, one event with its dates,
its .ics and the notice of a missing translation, and the form that posts a series (errors
beside the field, nothing saved)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from editorial.models import Text
from events import services
from events.models import EventSeries
from tests.events.factories import make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _soon(days=3, hour=18):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Lernbrücke Gohlis")


@pytest.fixture
def member(organisation):
    user = UserFactory(username="lena", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def events(organisation):
    course = make_series(
        organisation,
        title="Deutschkurs A2",
        categories=["language-course"],
        languages=["de", "ar"],
        starts_at=_soon(2),
        rrule="FREQ=WEEKLY;COUNT=4",
        address="04155 Leipzig",
    )
    services.translate(series=course, user=None, language="ar", fields={"title": "دورة ألمانية A2"})
    football = make_series(
        organisation,
        title="Fußball",
        categories=["sport"],
        starts_at=_soon(4, 10),
        address="04229 Leipzig",
    )
    return {"course": course, "football": football}


def test_the_list_shows_the_coming_dates_and_a_feed_link(client, events):
    response = client.get("/events/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Deutschkurs A2") == 4 and "Fußball" in html
    assert "/api/v1/events/feed.ics" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=\"|\son[a-z]+=\"", html)


def test_the_list_filters_by_category_and_the_feed_link_keeps_the_filter(client, events):
    html = client.get("/events/?category=sport").content.decode()
    assert "Fußball" in html and "Deutschkurs A2" not in html
    assert "feed.ics?category=sport" in html


def test_the_list_filters_by_language_and_district(client, events):
    assert "Fußball" not in client.get("/events/?language=ar").content.decode()
    district = events["football"].district
    html = client.get("/events/", {"district": district}).content.decode()
    assert "Fußball" in html and "Deutschkurs A2" not in html


def test_a_bad_date_range_is_an_error_beside_the_field(client, events):
    response = client.get("/events/?date_from=2026-12-31&date_to=2026-12-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="date_to-error"' in html and 'aria-invalid="true"' in html


def test_an_arabic_reader_reads_the_arabic_title_right_to_left(client, events):
    client.cookies["django_language"] = "ar"
    html = client.get(f"/events/{events['course'].pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'lang="ar" dir="rtl">دورة ألمانية A2</h1>' in html


def test_a_missing_translation_shows_the_german_text_with_a_notice(client, events):
    response = client.get(f"/events/{events['football'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'lang="de" dir="ltr">Fußball</h1>' in html
    assert "not yet available in your language" in html


def test_the_event_page_lists_its_dates_and_offers_its_ics(client, events):
    course = events["course"]
    html = client.get(f"/events/{course.pk}/").content.decode()
    assert html.count("<time") == 4
    response = client.get(f"/events/{course.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["rrule"].to_ical() == b"FREQ=WEEKLY;COUNT=4"


def test_an_unpublished_event_is_not_shown(client, organisation):
    hidden = make_series(organisation, title="Entwurf", published=False, starts_at=_soon())
    assert client.get(f"/events/{hidden.pk}/").status_code == 404
    assert "Entwurf" not in client.get("/events/").content.decode()


def _form(**changes):
    day = _soon(7).date()
    values = {
        "owner": "",
        "language": "de",
        "title": "Sprachcafé",
        "description": "Deutsch üben bei Kaffee.",
        "categories": ["intercultural", "language-course"],
        "audiences": ["everyone"],
        "languages": ["de", "uk"],
        "address": "04347 Leipzig",
        "date": day.isoformat(),
        "time": "17:00",
        "duration_minutes": "90",
        "repeat": "weekly",
        "count": "6",
        "leave_out": (day + timedelta(days=14)).strftime("%d.%m.%Y"),
        "extra_dates": (day + timedelta(days=3)).isoformat(),
        "free": "on",
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_a_member_posts_a_weekly_series_from_simple_fields(client, member, organisation):
    client.force_login(member)
    assert client.get("/events/new/").status_code == 200
    response = client.post("/events/new/", _form(owner=str(organisation.pk)))
    assert response.status_code == 302, response.context and response.context["errors"]
    series = EventSeries.objects.get()
    assert series.rrule == "FREQ=WEEKLY;COUNT=6"
    assert len(series.exdates) == 1 and len(series.rdates) == 1
    assert timezone.localtime(series.starts_at).strftime("%H:%M") == "17:00"
    assert {c.slug for c in series.categories.all()} == {"intercultural", "language-course"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"date": "1900-05-01"}, "date", "between the year 2000"),
        ({"count": None}, "until", "needs an end"),
        ({"duration_minutes": "-30"}, "duration_minutes", "end after it starts"),
        ({"title": ""}, "title", "required"),
        ({"address": "Atlantis 99999"}, "address", "could not find"),
        ({"leave_out": "gestern"}, "leave_out", "is not a date"),
    ],
)
def test_a_bad_event_shows_the_error_beside_the_field_and_saves_nothing(
    client, member, changes, field, words
):
    client.force_login(member)
    response = client.post("/events/new/", _form(**changes))
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert "Deutsch üben bei Kaffee." in html  # what was typed stays
    assert not EventSeries.objects.exists() and not Text.objects.exists()


def test_only_members_of_an_organisation_may_post(client):
    donor = UserFactory(username="dora", role=Role.DONOR)
    client.force_login(donor)
    assert client.get("/events/new/").status_code == 404
    assert client.get("/events/").status_code == 200
