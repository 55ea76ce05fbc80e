"""Writing the directory: who may, what is refused (a field error and nothing saved), and
publication directly or after review."""

import pytest

from accounts.models import Role
from base.errors import ApplicationError
from directory import services
from directory.models import HoursException, OpeningHours, PublicationStatus, Service
from editorial.models import Text
from editorial.selectors import reading
from tests.directory.factories import ProviderProfileFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Beratungsnetz Ost")


@pytest.fixture
def member(organisation):
    user = UserFactory(username="mira", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def provider(organisation):
    return ProviderProfileFactory(organisation=organisation, needs_review=True)


def _service(**overrides) -> dict:
    values = {
        "language": "de",
        "title": "Asylverfahrensberatung",
        "description": "Offene Sprechstunde zum Asylverfahren.",
        "topics": ["asylum", "legal_advice"],
        "languages": ["de", "ar", "fa"],
        "cost": "free",
        "appointment_only": False,
        "barrier_free": True,
        "address": "04315 Leipzig",
        "phone": "+49 341 1234567",
        "hours": [
            {"weekday": 0, "opens": "09:00", "closes": "12:00"},
            {"weekday": 4, "opens": "20:00", "closes": "02:00"},
        ],
        "exceptions": [{"date": "2026-12-25", "closed": True, "note": "Weihnachten"}],
    }
    values.update(overrides)
    return values


def _nothing_saved():
    assert Service.objects.count() == 0
    assert OpeningHours.objects.count() == 0
    assert HoursException.objects.count() == 0


def test_a_member_creates_a_service_with_hours_placed_by_the_gazetteer(provider, member):
    service = services.create_service(provider=provider, actor=member, **_service())
    assert service.status == PublicationStatus.DRAFT
    assert service.owner == provider.organisation
    assert service.district and service.postal_code == "04315"
    assert [(h.weekday, h.overnight) for h in service.hours.all()] == [(0, False), (4, True)]
    assert service.exceptions.get().closed
    assert reading(service.text, "de")["title"] == "Asylverfahrensberatung"


def test_hours_that_end_before_they_start_are_a_field_error_and_nothing_is_saved(provider, member):
    texts = Text.objects.count()
    bad = _service(hours=[{"weekday": 2, "opens": "18:00", "closes": "09:00"}])
    with pytest.raises(ApplicationError) as refused:
        services.create_service(provider=provider, actor=member, **bad)
    assert list(refused.value.errors) == ["hours"]
    assert "ends before it starts" in refused.value.errors["hours"][0]
    assert "Wednesday 18:00–09:00" in refused.value.errors["hours"][0]
    _nothing_saved()
    assert Text.objects.count() == texts


def test_an_unknown_topic_and_language_are_field_errors_and_nothing_is_saved(provider, member):
    bad = _service(topics=["asylum", "astrology"], languages=["ar", "xx"])
    with pytest.raises(ApplicationError) as refused:
        services.create_service(provider=provider, actor=member, **bad)
    assert set(refused.value.errors) == {"topics", "languages"}
    assert "astrology" in refused.value.errors["topics"][0]
    assert "xx" in refused.value.errors["languages"][0]
    _nothing_saved()


def test_every_problem_is_named_at_once(provider, member):
    bad = _service(
        title="",
        address="Atlantis",
        website="javascript:alert(1)",
        exceptions=[{"date": "2026-12-24", "closed": False, "opens": "14:00", "closes": "10:00"}],
    )
    with pytest.raises(ApplicationError) as refused:
        services.create_service(provider=provider, actor=member, **bad)
    assert {"title", "address", "website", "exceptions"} <= set(refused.value.errors)
    _nothing_saved()


def test_overlapping_intervals_are_refused(provider, member):
    bad = _service(
        hours=[
            {"weekday": 0, "opens": "09:00", "closes": "12:00"},
            {"weekday": 0, "opens": "11:00", "closes": "14:00"},
        ]
    )
    with pytest.raises(ApplicationError) as refused:
        services.create_service(provider=provider, actor=member, **bad)
    assert "overlap" in refused.value.errors["hours"][0]
    _nothing_saved()


def test_someone_outside_the_organisation_may_not_create_a_service(provider):
    stranger = UserFactory(username="stranger", role=Role.INITIATIVE_MEMBER)
    with pytest.raises(ApplicationError) as refused:
        services.create_service(provider=provider, actor=stranger, **_service())
    assert refused.value.code == "not_allowed"
    _nothing_saved()


def test_an_organisation_under_review_waits_for_an_editor(provider, member, coordinator):
    service = services.create_service(provider=provider, actor=member, **_service())
    service = services.publish_service(service=service, actor=member)
    assert service.status == PublicationStatus.IN_REVIEW
    with pytest.raises(ApplicationError):
        services.approve_service(service=service, actor=member)
    service = services.approve_service(service=service, actor=coordinator)
    assert service.status == PublicationStatus.PUBLISHED
    # A change by the organisation goes back to review.
    service = services.update_service(service=service, actor=member, barrier_free=False)
    assert service.status == PublicationStatus.IN_REVIEW


def test_an_organisation_without_review_publishes_directly(provider, member):
    provider.needs_review = False
    provider.save()
    service = services.create_service(provider=provider, actor=member, **_service())
    assert services.publish_service(service=service, actor=member).status == "published"
    service = services.update_service(service=service, actor=member, barrier_free=False)
    assert service.status == PublicationStatus.PUBLISHED


def test_a_bad_change_changes_nothing(provider, member):
    service = services.create_service(provider=provider, actor=member, **_service())
    with pytest.raises(ApplicationError) as refused:
        services.update_service(
            service=service,
            actor=member,
            title="Neu",
            hours=[{"weekday": 1, "opens": "17:00", "closes": "08:00"}],
        )
    assert list(refused.value.errors) == ["hours"]
    service.refresh_from_db()
    assert reading(service.text, "de")["title"] == "Asylverfahrensberatung"
    assert service.hours.count() == 2


def test_a_change_in_another_language_is_a_translation(provider, member):
    service = services.create_service(provider=provider, actor=member, **_service())
    services.update_service(
        service=service, actor=member, language="ar", title="استشارة اللجوء", description="مفتوح"
    )
    shown = reading(Service.objects.get().text, "ar")
    assert (shown.language, shown.notice, shown["title"]) == ("ar", "", "استشارة اللجوء")


def test_a_member_saves_the_profile_but_only_the_welcome_centre_sets_review(
    organisation, member, coordinator
):
    profile = services.save_provider_profile(
        organisation=organisation,
        actor=member,
        name="Beratungsnetz Ost",
        description="Beratung in vielen Sprachen.",
        website="https://beratungsnetz.example.org",
        email="info@beratungsnetz.example.org",
        kind="counselling",
    )
    assert profile.needs_review and profile.status == PublicationStatus.DRAFT
    with pytest.raises(ApplicationError) as refused:
        services.save_provider_profile(organisation=organisation, actor=member, needs_review=False)
    assert "needs_review" in refused.value.errors
    profile = services.save_provider_profile(
        organisation=organisation, actor=coordinator, needs_review=False
    )
    assert not profile.needs_review
    assert services.publish_profile(profile=profile, actor=member).status == "published"
