"""The event pages: the public list with filters and the feed link, one event with its dates,
its .ics and the notice of a missing translation, and the form that posts a series (errors
beside the field, nothing saved)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from editorial import selectors as editorial_selectors
from editorial.models import Text
from events import services
from events.models import EventSeries, EventStatus
from tests.events.factories import approved, make_series
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


# --- keeping a series: review, management, edit, dates ------------------------------------------


@pytest.fixture
def stranger():
    user = UserFactory(username="fremd", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Anderswo e. V."))
    return user


@pytest.fixture
def reviewer():
    return UserFactory(username="koordination", role=Role.COORDINATOR, is_staff=True)


def test_a_member_without_review_rights_posts_for_review_and_it_is_not_public(
    client, member, organisation
):
    client.force_login(member)
    response = client.post("/events/new/", _form(owner=str(organisation.pk)), follow=True)
    assert "reviews it before it is shown" in response.content.decode()
    series = EventSeries.objects.get()
    assert series.status == EventStatus.IN_REVIEW
    assert "Sprachcafé" not in Client().get("/events/").content.decode()
    assert Client().get(f"/events/{series.pk}/").status_code == 404


def test_the_management_page_lists_our_series_and_the_review_queue(
    client, member, organisation, reviewer
):
    waiting = make_series(organisation, user=member, title="Nähcafé", starts_at=_soon())
    make_series(organisation, user=member, title="Entwurf", starts_at=_soon(), published=False)
    client.force_login(member)
    html = client.get("/events/manage/").content.decode()
    assert "Nähcafé" in html and "Entwurf" in html
    assert "Waiting for review" in html and "Draft" in html
    assert "Submit for review" in html and 'value="approve"' not in html
    assert f'href="/events/{waiting.pk}/edit/"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=\"|\son[a-z]+=\"", html)
    client.force_login(reviewer)
    html = client.get("/events/manage/").content.decode()
    assert 'id="review-heading"' in html and 'value="approve"' in html
    response = client.post(f"/events/{waiting.pk}/status/", {"action": "approve", "back": "manage"})
    assert response.status_code == 302 and response["Location"] == "/events/manage/"
    waiting.refresh_from_db()
    assert waiting.status == EventStatus.PUBLISHED
    assert "Nähcafé" in Client().get("/events/").content.decode()


def test_the_management_page_is_not_there_for_people_without_an_organisation(client):
    client.force_login(UserFactory(username="dora", role=Role.DONOR))
    assert client.get("/events/manage/").status_code == 404


def test_the_status_buttons_submit_confirm_and_unpublish(client, member, organisation):
    draft = make_series(organisation, user=member, starts_at=_soon(), published=False)
    EventSeries.objects.filter(pk=draft.pk).update(
        last_confirmed_on=timezone.localdate() - timedelta(days=400)
    )
    client.force_login(member)
    client.post(f"/events/{draft.pk}/status/", {"action": "submit"})
    draft.refresh_from_db()
    assert draft.status == EventStatus.IN_REVIEW
    client.post(f"/events/{draft.pk}/status/", {"action": "confirm"})
    draft.refresh_from_db()
    assert draft.last_confirmed_on == timezone.localdate()
    assert client.post(f"/events/{draft.pk}/status/", {"action": "approve"}).status_code == 403
    client.post(f"/events/{draft.pk}/status/", {"action": "unpublish"})
    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT


def test_the_edit_page_shows_the_series_filled_in(client, member, events):
    client.force_login(member)
    course = events["course"]
    response = client.get(f"/events/{course.pk}/edit/")
    assert response.status_code == 200
    values = response.context["values"]
    start = timezone.localtime(course.starts_at)
    assert values["title"] == "Deutschkurs A2"
    assert values["date"] == start.date().isoformat() and values["time"] == start.strftime("%H:%M")
    assert (values["repeat"], values["count"]) == ("weekly", "4")
    assert values["categories"] == ["language-course"] and values["address"] == "04155 Leipzig"
    html = response.content.decode()
    assert 'value="Deutschkurs A2"' in html and 'value="language-course" checked' in html
    assert '<option value="weekly" selected>' in html


def _edit_form(series, **changes):
    values = _form(
        title="Deutschkurs A2",
        description="",
        categories=["language-course"],
        audiences=[],
        languages=["de", "ar"],
        address="04155 Leipzig",
        date=timezone.localtime(series.starts_at).date().isoformat(),
        time=timezone.localtime(series.starts_at).strftime("%H:%M"),
        duration_minutes="120",
        repeat="weekly",
        count="4",
        leave_out="",
        extra_dates="",
    )
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def test_changing_the_german_title_marks_the_arabic_translation_outdated(client, member, events):
    course = events["course"]
    assert editorial_selectors.statuses(course.text)["ar"] == "current"
    client.force_login(member)
    unchanged = client.post(f"/events/{course.pk}/edit/", _edit_form(course))
    assert unchanged.status_code == 302, unchanged.context and unchanged.context["errors"]
    course.text.refresh_from_db()
    assert editorial_selectors.statuses(course.text)["ar"] == "current"  # the same words
    response = client.post(
        f"/events/{course.pk}/edit/", _edit_form(course, title="Deutschkurs A2 (neu)")
    )
    assert response.status_code == 302
    course.text.refresh_from_db()
    assert editorial_selectors.reading(course.text, "de")["title"] == "Deutschkurs A2 (neu)"
    assert editorial_selectors.statuses(course.text)["ar"] == "outdated"
    course.refresh_from_db()
    assert course.status == EventStatus.IN_REVIEW  # the organisation publishes after review
    approved(course)
    reader = Client()
    reader.cookies["django_language"] = "ar"
    html = reader.get(f"/events/{course.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'lang="de" dir="ltr">Deutschkurs A2 (neu)</h1>' in html
    assert 'class="hint notice-text"' in html  # "The translation is outdated …"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"date": "1900-05-01"}, "date", "between the year 2000"),
        ({"title": ""}, "title", "required"),
        ({"count": None}, "until", "needs an end"),
        ({"address": "Atlantis 99999"}, "address", "could not find"),
    ],
)
def test_bad_input_on_the_edit_page_keeps_what_was_typed_and_saves_nothing(
    client, member, events, changes, field, words
):
    course = events["course"]
    before = EventSeries.objects.values().get(pk=course.pk)
    version = course.text.version
    client.force_login(member)
    typed = _edit_form(course, description="Neu: mit Kinderbetreuung.", **changes)
    response = client.post(f"/events/{course.pk}/edit/", typed)
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert "Neu: mit Kinderbetreuung." in html
    assert EventSeries.objects.values().get(pk=course.pk) == before
    course.text.refresh_from_db()
    assert course.text.version == version


def test_the_dates_page_cancels_one_date_and_adds_an_extra_one(client, member, events):
    course = events["course"]
    client.force_login(member)
    page = client.get(f"/events/{course.pk}/dates/")
    assert page.status_code == 200
    dates = page.context["dates"]
    assert len(dates) == 4
    second = dates[1]["value"]
    response = client.post(f"/events/{course.pk}/dates/", {"action": "cancel", "start": second})
    assert response.status_code == 302
    course.refresh_from_db()
    assert [m.isoformat() for m in course.exdates] == [second]
    extra = (timezone.localtime(course.starts_at) + timedelta(days=2)).date()
    response = client.post(
        f"/events/{course.pk}/dates/",
        {"action": "add", "date": extra.isoformat(), "time": "18:30"},
    )
    assert response.status_code == 302
    course.refresh_from_db()
    (added,) = course.rdates
    assert timezone.localtime(added).date() == extra
    assert timezone.localtime(added).strftime("%H:%M") == "18:30"
    html = client.get(f"/events/{course.pk}/dates/").content.decode()
    assert "Cancelled dates" in html


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"action": "add", "date": "1900-01-01", "time": "18:00"}, "date", "between the year"),
        ({"action": "add", "date": "gestern", "time": "18:00"}, "date", "valid date"),
        ({"action": "cancel", "start": "2026-13-01"}, "cancel", "choose one of the dates"),
        ({"action": "cancel", "start": "2031-01-01T10:00:00+01:00"}, "cancel", "no date then"),
    ],
)
def test_bad_input_on_the_dates_page_is_an_error_beside_the_field(
    client, member, events, values, field, words
):
    course = events["course"]
    client.force_login(member)
    response = client.post(f"/events/{course.pk}/dates/", values)
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    assert f'id="{field}-error"' in response.content.decode()
    course.refresh_from_db()
    assert course.exdates == [] and course.rdates == []


@pytest.mark.parametrize("page", ["edit", "dates"])
def test_strangers_are_refused_a_public_series_and_do_not_find_a_draft(
    client, stranger, organisation, events, page
):
    draft = make_series(organisation, title="Entwurf", starts_at=_soon(), published=False)
    public = events["course"]
    assert client.get(f"/events/{public.pk}/{page}/").status_code == 302  # to the login
    client.force_login(stranger)
    assert client.get(f"/events/{public.pk}/{page}/").status_code == 403
    assert client.post(f"/events/{public.pk}/{page}/", {"action": "cancel"}).status_code == 403
    assert client.get(f"/events/{draft.pk}/{page}/").status_code == 404
    assert client.post(f"/events/{draft.pk}/status/", {"action": "submit"}).status_code == 404
    assert client.post(f"/events/{public.pk}/status/", {"action": "confirm"}).status_code == 403


def test_a_rule_the_simple_choices_cannot_say_is_kept(client, member, organisation):
    series = make_series(
        organisation,
        title="Hausaufgabenhilfe",
        starts_at=_soon(2, 15),
        rrule="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6",
    )
    client.force_login(member)
    page = client.get(f"/events/{series.pk}/edit/")
    assert page.context["values"]["repeat"] == "keep"
    assert '<option value="keep" selected>' in page.content.decode()
    form = _edit_form(
        series,
        title="Hausaufgabenhilfe",
        categories=[],
        languages=["de"],
        address="04109 Leipzig",
        repeat="keep",
        count="",
        cost="",
    )
    response = client.post(f"/events/{series.pk}/edit/", form)
    assert response.status_code == 302, response.context and response.context["errors"]
    series.refresh_from_db()
    assert "BYDAY=TU,TH" in series.rrule and "COUNT=6" in series.rrule
