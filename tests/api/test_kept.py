"""The kept-records API (`/api/v1/kept/`): keepers list what their organisations keep and
confirm each as still right, coordinators also see everything overdue; anyone else learns
nothing and changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from content.models import Handout, Page
from directory.models import ProviderProfile, Service
from editorial.models import Kept
from events.models import EventSeries
from tests.conftest import client_for
from tests.content.factories import EditorFactory, make_handout, make_page
from tests.directory.factories import ProviderProfileFactory, ServiceFactory
from tests.events.factories import make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/kept/"
EVERY_DAYS = 30


@pytest.fixture(autouse=True)
def period(settings):
    settings.EDITORIAL_CONFIRM_EVERY_DAYS = EVERY_DAYS


def confirm_url(record: Kept) -> str:
    return f"/api/v1/kept/{record._meta.label_lower}/{record.pk}/confirm/"


def aged(record: Kept, days: int, owner=None) -> Kept:
    """The record as last confirmed `days` ago (and kept by `owner`, where given)."""
    changes = {"last_confirmed_on": timezone.localdate() - timedelta(days=days)}
    if owner is not None:
        changes["owner"] = owner
    type(record).objects.filter(pk=record.pk).update(**changes)
    record.refresh_from_db()
    return record


@pytest.fixture
def keeper():
    return OrganisationFactory(name="Beratung Ost")


@pytest.fixture
def member(keeper):
    user = UserFactory(username="keeper-ost", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=user, organisation=keeper)
    return user


@pytest.fixture
def coordinator():
    return UserFactory(
        username="coord", role=Role.COORDINATOR, is_staff=True, preferred_language="en"
    )


def one_of_each(organisation, days: int = 45) -> dict[str, Kept]:
    """A record of every kept kind, kept by `organisation`, last confirmed `days` ago."""
    editor = EditorFactory()
    provider = ProviderProfileFactory(organisation=organisation, name="Migrationsberatung Ost")
    records = {
        "directory.providerprofile": provider,
        "directory.service": ServiceFactory(provider=provider, title="Asylberatung"),
        "events.eventseries": make_series(organisation, title="Deutschkurs A1"),
        "content.page": make_page(editor, slug=f"arriving-{organisation.pk}"),
        "content.handout": make_handout(editor, slug=f"kita-{organisation.pk}"),
    }
    return {label: aged(record, days, organisation) for label, record in records.items()}


# --- the list ---------------------------------------------------------------------------------


def test_a_member_lists_every_kind_their_organisation_keeps_with_what_is_overdue(keeper, member):
    ours = one_of_each(keeper, days=45)
    fresh = aged(make_series(keeper, title="Sprachcafé"), 2)
    one_of_each(OrganisationFactory(name="Andere"), days=45)

    response = client_for(member).get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    listed = {(row["label"], row["id"]): row for row in body["results"]}
    assert set(listed) == {(label, r.pk) for label, r in ours.items()} | {
        ("events.eventseries", fresh.pk)
    }
    series = listed[("events.eventseries", ours["events.eventseries"].pk)]
    assert series["title"] == "Deutschkurs A1"
    assert series["kind"] == "event series"
    assert series["organisation"] == {"id": keeper.pk, "name": "Beratung Ost"}
    assert series["last_confirmed_on"] == (timezone.localdate() - timedelta(days=45)).isoformat()
    assert series["overdue"] is True and series["is_mine"] is True
    assert series["confirm_url"] == "http://testserver" + confirm_url(ours["events.eventseries"])
    assert listed[("events.eventseries", fresh.pk)]["overdue"] is False
    # The longest unconfirmed first: the fresh series comes last.
    assert (body["results"][-1]["label"], body["results"][-1]["id"]) == (
        "events.eventseries",
        fresh.pk,
    )


def test_titles_are_in_the_callers_language_where_translated(keeper, member):
    page = make_page(
        EditorFactory(),
        slug="arriving",
        translations={
            "en": {"title": "Arriving in Leipzig", "summary": "First steps.", "body": "Welcome."}
        },
    )
    aged(page, 45, keeper)
    client = client_for(member)

    assert client.get(LIST).json()["results"][0]["title"] == "Arriving in Leipzig"
    shown = client.get(LIST, HTTP_ACCEPT_LANGUAGE="de").json()["results"][0]
    assert shown["title"].startswith("Ankommen in Leipzig")


def test_coordinators_also_see_everything_overdue_whoever_keeps_it(keeper, coordinator):
    overdue = aged(make_series(keeper, title="Deutschkurs A1"), 45)
    aged(make_series(keeper, title="Sprachcafé"), 2)
    unkept = aged(make_page(EditorFactory(), slug="nobodys"), 45)
    assert unkept.owner_id is None

    body = client_for(coordinator).get(LIST).json()

    listed = {(row["label"], row["id"]): row for row in body["results"]}
    assert set(listed) == {("events.eventseries", overdue.pk), ("content.page", unkept.pk)}
    assert listed[("events.eventseries", overdue.pk)]["is_mine"] is False
    assert listed[("content.page", unkept.pk)]["organisation"] is None


def test_a_coordinator_who_is_also_a_keeper_sees_each_record_once(keeper, coordinator):
    MembershipFactory(user=coordinator, organisation=keeper)
    series = aged(make_series(keeper), 45)

    body = client_for(coordinator).get(LIST).json()

    assert body["count"] == 1
    assert body["results"][0]["id"] == series.pk and body["results"][0]["is_mine"] is True


def test_someone_without_an_organisation_gets_an_empty_page(keeper):
    aged(make_series(keeper), 45)
    body = client_for(UserFactory(username="donor", role=Role.DONOR)).get(LIST).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_list_is_paginated_like_other_lists(keeper, member):
    aged(make_series(keeper), 45)
    client = client_for(member)
    assert client.get(LIST + "?page=1").json()["count"] == 1
    assert client.get(LIST + "?page=2").status_code == 404


def test_a_requested_membership_keeps_nothing_yet(keeper):
    applicant = UserFactory(username="applicant", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=applicant, organisation=keeper, status=Membership.Status.REQUESTED)
    series = aged(make_series(keeper), 45)

    assert client_for(applicant).get(LIST).json()["count"] == 0
    assert client_for(applicant).post(confirm_url(series)).status_code == 404


def test_anonymous_callers_are_refused(keeper):
    assert client_for(None).get(LIST).status_code == 401


# --- confirming -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "directory.providerprofile",
        "directory.service",
        "events.eventseries",
        "content.page",
        "content.handout",
    ],
)
def test_a_member_confirms_each_kind_as_still_right_today(keeper, member, label):
    record = one_of_each(keeper, days=45)[label]
    type(record).objects.filter(pk=record.pk).update(confirm_asked_on=timezone.localdate())

    response = client_for(member).post(confirm_url(record))

    assert response.status_code == 200
    assert response.json()["last_confirmed_on"] == timezone.localdate().isoformat()
    assert response.json()["overdue"] is False
    record.refresh_from_db()
    assert record.last_confirmed_on == timezone.localdate()
    assert record.last_confirmed_by == member
    assert record.confirm_asked_on is None


def test_the_confirm_url_in_the_list_confirms_the_record(keeper, member):
    page = aged(make_page(EditorFactory(), slug="arriving"), 45, keeper)
    client = client_for(member)
    url = client.get(LIST).json()["results"][0]["confirm_url"]

    assert client.post(url).status_code == 200
    page.refresh_from_db()
    assert page.last_confirmed_on == timezone.localdate()


def test_a_coordinator_confirms_a_record_of_any_organisation(keeper, coordinator):
    series = aged(make_series(keeper), 45)

    assert client_for(coordinator).post(confirm_url(series)).status_code == 200
    series.refresh_from_db()
    assert series.last_confirmed_on == timezone.localdate()
    assert series.last_confirmed_by == coordinator


def confirmed(records: list[Kept]) -> dict:
    """When and by whom each record was last confirmed, read again from the database."""
    for record in records:
        record.refresh_from_db()
    return {
        (r._meta.label_lower, r.pk): (r.last_confirmed_on, r.last_confirmed_by_id) for r in records
    }


def test_anyone_else_gets_404_and_nothing_changes(keeper):
    records = list(one_of_each(keeper, days=45).values())
    before = confirmed(records)
    other_member = UserFactory(username="other", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=other_member, organisation=OrganisationFactory(name="Andere"))
    strangers = [other_member, UserFactory(username="donor", role=Role.DONOR)]

    for user in strangers:
        for record in records:
            response = client_for(user).post(confirm_url(record))
            assert response.status_code == 404, (user, record)
    for record in records:
        assert client_for(None).post(confirm_url(record)).status_code == 401

    assert confirmed(records) == before


def test_an_unknown_kind_or_record_is_404(member, keeper):
    series = aged(make_series(keeper), 45)
    client = client_for(member)
    assert client.post(f"/api/v1/kept/accounts.user/{member.pk}/confirm/").status_code == 404
    assert client.post(f"/api/v1/kept/nonsense/{series.pk}/confirm/").status_code == 404
    assert client.post("/api/v1/kept/events.eventseries/999999/confirm/").status_code == 404
    assert client.get(confirm_url(series)).status_code == 405
    series.refresh_from_db()
    assert series.last_confirmed_on == timezone.localdate() - timedelta(days=45)


def test_the_kept_models_are_the_five_kinds():
    from editorial.selectors import kept_models

    assert set(kept_models()) == {ProviderProfile, Service, EventSeries, Page, Handout}
