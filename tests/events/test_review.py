"""Review of events, the directory's rule per organisation: an organisation whose provider
profile says it needs review — or that has no profile at all — publishes after a
coordinator approved; an organisation the welcome centre trusts and coordinators publish at
once; imports publish directly. Until published, a series is nowhere public: not in the list,
the feed, the map, nor the API's detail (404 for everyone but its keepers)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from accounts.models import Role
from base.errors import NOT_ALLOWED, WRONG_STATE, ApplicationError
from events import selectors, services
from events.models import EventSeries, EventStatus
from tests.conftest import client_for
from tests.directory.factories import ProviderProfileFactory
from tests.events.factories import berlin, coordinator, make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DECEMBER = "date_from=2026-12-01&date_to=2026-12-31"


def _member_of(organisation, name):
    user = UserFactory(username=name, role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def unknown():
    """An initiative without a provider profile: after review (the safe default)."""
    organisation = OrganisationFactory(name="Neue Initiative")
    return organisation, _member_of(organisation, "nina")


@pytest.fixture
def reviewed():
    profile = ProviderProfileFactory(needs_review=True)
    return profile.organisation, _member_of(profile.organisation, "rita")


@pytest.fixture
def trusted():
    profile = ProviderProfileFactory(needs_review=False)
    return profile.organisation, _member_of(profile.organisation, "tom")


def _post(organisation, user, **fields):
    fields.setdefault("starts_at", berlin(2026, 12, 8, 18))
    fields.setdefault("rrule", "FREQ=WEEKLY;COUNT=2")
    return make_series(organisation, user=user, title="Nähcafé", **fields)


# --- the rule -------------------------------------------------------------------------------


def test_an_organisation_without_a_profile_waits_for_review(unknown):
    series = _post(*unknown)
    assert series.status == EventStatus.IN_REVIEW and not series.published


def test_an_organisation_that_needs_review_waits_for_it(reviewed):
    assert _post(*reviewed).status == EventStatus.IN_REVIEW


def test_a_trusted_organisation_publishes_at_once(trusted):
    series = _post(*trusted)
    assert series.status == EventStatus.PUBLISHED and series.published


def test_a_coordinator_publishes_at_once_for_any_organisation(reviewed):
    organisation, _member = reviewed
    assert _post(organisation, coordinator()).status == EventStatus.PUBLISHED


def test_imports_and_the_demo_publish_directly(reviewed):
    organisation, _member = reviewed
    assert _post(organisation, None).status == EventStatus.PUBLISHED


def test_a_draft_stays_a_draft_until_submitted(reviewed):
    organisation, member = reviewed
    draft = _post(organisation, member, published=False)
    assert draft.status == EventStatus.DRAFT
    assert services.submit(series=draft, user=member).status == EventStatus.IN_REVIEW


def test_submitting_publishes_at_once_where_the_rule_allows(trusted):
    organisation, member = trusted
    draft = _post(organisation, member, published=False)
    assert services.submit(series=draft, user=member).status == EventStatus.PUBLISHED


def test_only_a_coordinator_approves(reviewed):
    organisation, member = reviewed
    waiting = _post(organisation, member)
    with pytest.raises(ApplicationError) as refused:
        services.approve(series=waiting, user=member)
    assert refused.value.code == NOT_ALLOWED
    with pytest.raises(ApplicationError) as refused:
        services.publish(series=waiting, user=member)
    assert refused.value.code == NOT_ALLOWED
    assert EventSeries.objects.get().status == EventStatus.IN_REVIEW
    approved = services.approve(series=waiting, user=coordinator())
    assert approved.status == EventStatus.PUBLISHED and approved.published


def test_a_draft_is_not_approved_before_it_is_submitted(reviewed):
    organisation, member = reviewed
    draft = _post(organisation, member, published=False)
    with pytest.raises(ApplicationError) as refused:
        services.approve(series=draft, user=coordinator())
    assert refused.value.code == WRONG_STATE and "status" in refused.value.errors
    assert EventSeries.objects.get().status == EventStatus.DRAFT


def test_a_change_by_a_reviewed_organisation_goes_back_to_review(reviewed):
    organisation, member = reviewed
    series = services.approve(series=_post(organisation, member), user=coordinator())
    same = services.update_series(series=series, user=member, cost="", free=True)
    assert same.status == EventStatus.PUBLISHED  # nothing changed: still public
    moved = services.cancel_date(series=series, user=member, on=date(2026, 12, 15))
    assert moved.status == EventStatus.PUBLISHED  # one date less changes no text or place
    changed = services.update_series(series=series, user=member, title="Nähcafé für alle")
    assert changed.status == EventStatus.IN_REVIEW and not changed.published


def test_a_change_by_a_trusted_organisation_stays_published(trusted):
    organisation, member = trusted
    series = _post(organisation, member)
    changed = services.update_series(series=series, user=member, title="Nähcafé für alle")
    assert changed.status == EventStatus.PUBLISHED


def test_unpublishing_takes_it_down_and_withdrawing_makes_it_a_draft(reviewed):
    organisation, member = reviewed
    waiting = _post(organisation, member)
    assert services.unpublish(series=waiting, user=member).status == EventStatus.DRAFT
    live = services.approve(series=services.submit(series=waiting, user=member), user=coordinator())
    gone = services.unpublish(series=live, user=member)
    assert gone.status == EventStatus.UNPUBLISHED and not gone.published
    again = services.submit(series=gone, user=member)
    assert again.status == EventStatus.IN_REVIEW


def test_the_published_flag_always_follows_the_status(reviewed):
    """The database computes it: a status written any way keeps the flag right."""
    organisation, member = reviewed
    series = _post(organisation, member)
    EventSeries.objects.filter(pk=series.pk).update(status=EventStatus.PUBLISHED)
    assert EventSeries.objects.filter(pk=series.pk, published=True).exists()
    EventSeries.objects.filter(pk=series.pk).update(status=EventStatus.UNPUBLISHED)
    assert EventSeries.objects.filter(pk=series.pk, published=False).exists()


# --- nowhere public until published ---------------------------------------------------------------


@pytest.fixture
def hidden_and_public(reviewed, trusted):
    hidden = _post(*reviewed, address="04315 Leipzig")
    public = make_series(
        trusted[0],
        user=trusted[1],
        title="Fahrradwerkstatt",
        starts_at=berlin(2026, 12, 9, 16),
        address="04229 Leipzig",
    )
    return hidden, public


def test_a_series_waiting_for_review_is_in_no_public_list_feed_or_map(hidden_and_public):
    hidden, public = hidden_and_public
    client = APIClient()
    rows = client.get(f"/api/v1/events/?{DECEMBER}").json()["results"]
    assert {r["title"] for r in rows} == {"Fahrradwerkstatt"}
    feed = Calendar.from_ical(client.get(f"/api/v1/events/feed.ics?{DECEMBER}").content)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Fahrradwerkstatt"]
    features = client.get(f"/api/v1/events/map/?{DECEMBER}").json()["features"]
    assert [f["id"] for f in features] == [public.pk]
    html = client.get("/events/?date_from=2026-12-01&date_to=2026-12-31").content.decode()
    assert "Fahrradwerkstatt" in html and "Nähcafé" not in html
    assert set(selectors.published()) == {public}


def test_only_its_keepers_and_coordinators_find_a_series_waiting_for_review(
    hidden_and_public, reviewed, trusted
):
    hidden, _public = hidden_and_public
    url = f"/api/v1/event-series/{hidden.pk}/"
    assert APIClient().get(url).status_code == 404
    assert client_for(trusted[1]).get(url).status_code == 404  # another organisation
    assert APIClient().get(f"{url}ics/").status_code == 404
    assert client_for(reviewed[1]).get(url).json()["status"] == "in_review"
    assert client_for(coordinator()).get(url).status_code == 200
    assert APIClient().get(f"/events/{hidden.pk}/").status_code == 404


def test_approved_it_is_public_everywhere(hidden_and_public):
    hidden, _public = hidden_and_public
    services.approve(series=hidden, user=coordinator())
    client = APIClient()
    assert client.get(f"/api/v1/event-series/{hidden.pk}/").status_code == 200
    rows = client.get(f"/api/v1/events/?{DECEMBER}").json()["results"]
    assert "Nähcafé" in {r["title"] for r in rows}


def test_the_review_queue_and_the_keepers_list(reviewed, trusted):
    waiting = _post(*reviewed)
    draft = _post(*reviewed, published=False)
    live = _post(*trusted)
    assert list(selectors.waiting_for_review()) == [waiting]
    assert set(selectors.kept_by(reviewed[1])) == {waiting, draft}
    assert set(selectors.kept_by(trusted[1])) == {live}


def test_the_service_refuses_a_stranger(reviewed, trusted):
    series = _post(*reviewed)
    with pytest.raises(ApplicationError) as refused:
        services.submit(series=series, user=trusted[1])
    assert refused.value.code == NOT_ALLOWED


def test_a_new_date_is_checked_as_before_while_in_review(reviewed):
    organisation, member = reviewed
    series = _post(organisation, member)
    with pytest.raises(ApplicationError) as refused:
        services.add_date(series=series, user=member, start=timezone.now().replace(year=1900))
    assert "start" in refused.value.errors
    assert EventSeries.objects.get().rdates == []
    assert series.last_ends_at - series.starts_at < timedelta(days=8)
