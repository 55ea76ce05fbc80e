"""Posting and changing event series: clear field errors and nothing saved on bad input,
only the organisation's members and coordinators write, a new title outdates translations."""

from datetime import date, datetime, timedelta

import pytest

from accounts.models import Role
from base.errors import NOT_ALLOWED, ApplicationError
from editorial import selectors as editorial_selectors
from editorial.models import Text, TranslationStatus
from events import services
from events.models import EventSeries
from tests.events.factories import berlin, make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Lernbrücke Gohlis")


@pytest.fixture
def member(organisation):
    user = UserFactory(username="lena", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=organisation)
    return user


def post(member, organisation, **fields):
    values = {
        "title": "Deutschkurs A1",
        "description": "Für Anfängerinnen und Anfänger.",
        "starts_at": berlin(2026, 12, 1, 18, 0),
        "duration": timedelta(hours=2),
        "rrule": "FREQ=WEEKLY;COUNT=10",
        "address": "04155 Leipzig",
        "languages": ["de", "ar"],
        "audiences": ["newcomers"],
        "categories": ["language-course"],
    }
    values.update(fields)
    return services.create_series(user=member, owner=organisation, **values)


def test_a_member_posts_a_weekly_course_placed_by_the_gazetteer(member, organisation):
    series = post(member, organisation)
    assert series.owner == organisation
    assert series.district and series.point is not None and series.approx_point is not None
    assert [c.slug for c in series.categories.all()] == ["language-course"]
    assert editorial_selectors.reading(series.text, "de")["title"] == "Deutschkurs A1"
    assert series.last_confirmed_on is not None
    # 10 Tuesdays from 1 December: the last one is 2 February, 18:00–20:00 local (UTC+1).
    assert series.last_ends_at == berlin(2027, 2, 2, 20, 0)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": datetime(1900, 5, 1, 18, 0)}, "starts_at", "between the year 2000"),
        ({"starts_at": berlin(2226, 5, 1, 18, 0)}, "starts_at", "between the year 2000"),
        ({"duration": timedelta(hours=-1)}, "duration", "end after it starts"),
        ({"duration": timedelta(0)}, "duration", "end after it starts"),
        ({"rrule": "FREQ=WEEKLY"}, "rrule", "needs an end: a number of times or a last date"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=XX;COUNT=3"}, "rrule", "cannot be read"),
        ({"rrule": "FREQ=DAILY;COUNT=900"}, "rrule", "at most 500 times"),
        ({"title": "  "}, "title", "required"),
        ({"address": "Atlantis 99999"}, "address", "could not find this place"),
        ({"address": ""}, "address", "Where does it take place"),
        ({"online": True, "address": ""}, "online_url", "link to join"),
        ({"languages": ["xx"]}, "languages", ""),
        ({"categories": ["nope"]}, "categories", "no category"),
        ({"free": False, "cost": ""}, "cost", "what it costs"),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(member, organisation, fields, field, message):
    with pytest.raises(ApplicationError) as refused:
        post(member, organisation, **fields)
    assert field in refused.value.errors, refused.value.errors
    assert message in " ".join(refused.value.errors[field])
    assert EventSeries.objects.count() == 0
    assert Text.objects.count() == 0


def test_every_field_at_fault_is_named_at_once(member, organisation):
    with pytest.raises(ApplicationError) as refused:
        post(
            member,
            organisation,
            title="",
            starts_at=datetime(1900, 1, 1, 10),
            duration=timedelta(hours=-2),
        )
    assert {"title", "starts_at", "duration"} <= set(refused.value.errors)


def test_an_online_event_needs_no_address(member, organisation):
    series = post(
        member, organisation, address="", online=True, online_url="https://meet.example.org/x"
    )
    assert series.point is None and series.district == ""


def test_only_members_of_the_organisation_post_for_it(organisation):
    stranger = UserFactory(username="sven", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=stranger, organisation=OrganisationFactory())
    with pytest.raises(ApplicationError) as refused:
        post(stranger, organisation)
    assert refused.value.code == NOT_ALLOWED
    assert EventSeries.objects.count() == 0


def test_a_coordinator_posts_and_changes_for_any_organisation(organisation):
    coordinator = UserFactory(username="kora", role=Role.COORDINATOR)
    series = post(coordinator, organisation)
    services.update_series(series=series, user=coordinator, title="Deutschkurs A2")
    assert editorial_selectors.reading(series.text, "de")["title"] == "Deutschkurs A2"


def test_a_new_title_outdates_the_arabic_translation(member, organisation):
    series = post(member, organisation)
    services.translate(
        series=series, user=member, language="ar", fields={"title": "دورة اللغة الألمانية"}
    )
    assert editorial_selectors.statuses(series.text)["ar"] == TranslationStatus.CURRENT
    services.update_series(series=series, user=member, title="Deutschkurs A1 (neu)")
    series.text.refresh_from_db()
    assert editorial_selectors.statuses(series.text)["ar"] == TranslationStatus.OUTDATED
    assert editorial_selectors.reading(series.text, "ar").notice == "outdated"


def test_a_bad_change_saves_nothing(member, organisation):
    series = post(member, organisation)
    with pytest.raises(ApplicationError) as refused:
        services.update_series(
            series=series, user=member, title="Neu", rrule="FREQ=WEEKLY", duration=timedelta(0)
        )
    assert {"rrule", "duration"} <= set(refused.value.errors)
    series.refresh_from_db()
    series.text.refresh_from_db()
    assert series.rrule == "FREQ=WEEKLY;COUNT=10"
    assert editorial_selectors.reading(series.text, "de")["title"] == "Deutschkurs A1"


def test_others_cannot_change_cancel_or_confirm(member, organisation):
    series = post(member, organisation)
    other = UserFactory(username="otto", role=Role.INITIATIVE_MEMBER)
    for call in (
        lambda: services.update_series(series=series, user=other, title="X"),
        lambda: services.cancel_date(series=series, user=other, on=date(2026, 12, 8)),
        lambda: services.add_date(series=series, user=other, start=berlin(2026, 12, 10, 18)),
        lambda: services.confirm(series=series, user=other),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.code == NOT_ALLOWED


def test_cancelling_a_day_without_a_date_is_a_field_error(member, organisation):
    series = post(member, organisation)
    with pytest.raises(ApplicationError) as refused:
        services.cancel_date(series=series, user=member, on=date(2026, 12, 9))  # a Wednesday
    assert "date" in refused.value.errors
    series.refresh_from_db()
    assert series.exdates == []


def test_cancelling_twice_and_adding_back_is_calm(member, organisation):
    series = post(member, organisation)
    services.cancel_date(series=series, user=member, on=date(2026, 12, 8))
    series = services.cancel_date(series=series, user=member, on=date(2026, 12, 8))
    assert len(series.exdates) == 1
    series = services.add_date(series=series, user=member, start=berlin(2026, 12, 8, 18, 0))
    assert series.exdates == [] and series.rdates == []


def test_an_extra_date_in_1900_is_refused(member, organisation):
    series = post(member, organisation)
    with pytest.raises(ApplicationError) as refused:
        services.add_date(series=series, user=member, start=datetime(1900, 1, 1, 18))
    assert "start" in refused.value.errors


def test_confirming_keeps_it_current(member, organisation):
    series = make_series(organisation)
    series.last_confirmed_on = date(2025, 1, 1)
    series.save()
    series = services.confirm(series=series, user=member)
    assert series.last_confirmed_on > date(2025, 1, 1)
    assert series.last_confirmed_by == member
