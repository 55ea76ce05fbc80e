"""What organisations submit for review reaches the welcome centre, and its approval reaches the
organisation: coordinators hear once a day how much waits and where to review it; the admins of
the organisation hear of each approval, with the entry's title in their own language. Nothing
is said of what an organisation publishes directly, nor of a change that was rolled back."""

from datetime import date

import pytest
from django.db import transaction

from accounts.models import Role
from directory import services as directory_services
from editorial.services import translate
from events import services as event_services
from events.models import EventStatus
from notifications import reviews
from notifications.models import Notification
from notifications.rendering import render_text
from tests.directory.factories import ProviderProfileFactory
from tests.events.factories import berlin, make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://localhost:8000"


@pytest.fixture
def coordinators():
    return [
        UserFactory(username="clara", role=Role.COORDINATOR, preferred_language="de"),
        UserFactory(username="amal", role=Role.COORDINATOR, preferred_language="ar"),
    ]


@pytest.fixture
def reviewed():
    """An organisation whose entries wait for review, its admin and a plain member."""
    profile = ProviderProfileFactory(organisation__name="Nähcafé Ost", needs_review=True)
    organisation = profile.organisation
    admin = UserFactory(username="olena", role=Role.INITIATIVE_MEMBER, preferred_language="uk")
    MembershipFactory(user=admin, organisation=organisation, is_admin=True)
    member = UserFactory(username="max", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, organisation=organisation, is_admin=False)
    return organisation, admin, member


@pytest.fixture
def stranger():
    """An admin of another organisation: hears nothing of the first one's entries."""
    user = UserFactory(username="sara", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=OrganisationFactory(), is_admin=True)
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a step as if its transaction committed (the signals are sent after commit)."""

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def _draft(organisation, user, title="Nähcafé"):
    return make_series(
        organisation, user=user, title=title, starts_at=berlin(2026, 12, 8, 18), published=False
    )


def _waiting():
    return Notification.objects.filter(template="review_waiting")


def _approved():
    return Notification.objects.filter(template="review_approved")


def _service(provider, actor, title="Asylverfahrensberatung"):
    return directory_services.create_service(
        provider=provider,
        actor=actor,
        language="de",
        title=title,
        topics=["asylum"],
        languages=["de", "ar"],
        address="04315 Leipzig",
    )


# --- coordinators hear what waits ----------------------------------------------------------


def test_a_submitted_event_tells_each_coordinator_in_their_language(
    coordinators, reviewed, stranger, committed
):
    organisation, admin, member = reviewed
    series = committed(event_services.submit, series=_draft(organisation, member), user=member)

    assert series.status == EventStatus.IN_REVIEW
    rows = {row.recipient.username: row for row in _waiting()}
    assert set(rows) == {"clara", "amal"}
    assert rows["clara"].language == "de" and rows["amal"].language == "ar"
    assert rows["clara"].context["events_waiting"] == 1
    assert rows["clara"].context["directory_waiting"] == 0
    assert rows["clara"].context["events_review_url"] == f"{SITE}/events/manage/"
    subject, text = render_text(rows["clara"])
    assert subject == "Warten auf Ihre Prüfung: 1"
    assert f"{SITE}/events/manage/" in text and "/directory/manage/" not in text
    subject, text = render_text(rows["amal"])
    assert subject == "بانتظار مراجعتك: 1"
    assert not Notification.objects.exclude(template="review_waiting").exists()


def test_a_second_submission_the_same_day_sends_no_second_message(
    coordinators, reviewed, committed
):
    organisation, _admin, member = reviewed
    committed(event_services.submit, series=_draft(organisation, member), user=member)
    committed(event_services.submit, series=_draft(organisation, member, "Sprachcafé"), user=member)
    # A directory entry the same day is part of the same daily message.
    service = _service(organisation.provider_profile, member)
    committed(directory_services.publish_service, service=service, actor=member)

    assert _waiting().count() == 2  # one per coordinator
    assert {row.context["events_waiting"] for row in _waiting()} == {1}


def test_the_next_day_coordinators_are_told_again_with_everything_that_waits(
    coordinators, reviewed, committed, monkeypatch
):
    organisation, _admin, member = reviewed
    committed(event_services.submit, series=_draft(organisation, member), user=member)
    monkeypatch.setattr(reviews, "berlin_day", lambda: date(2026, 12, 31))
    service = _service(organisation.provider_profile, member)
    committed(directory_services.publish_service, service=service, actor=member)

    clara = _waiting().filter(recipient__username="clara").order_by("pk")
    assert [(row.context["events_waiting"], row.context["directory_waiting"]) for row in clara] == [
        (1, 0),
        (1, 1),
    ]
    _subject, text = render_text(clara.last())
    assert f"{SITE}/events/manage/" in text and f"{SITE}/directory/manage/" in text


def test_an_event_posted_straight_into_review_tells_the_coordinators(
    coordinators, reviewed, committed
):
    organisation, _admin, member = reviewed
    committed(make_series, organisation, user=member, title="Nähcafé")
    assert _waiting().count() == 2


def test_a_change_that_sends_a_published_service_back_to_review_tells_the_coordinators(
    coordinators, reviewed, committed
):
    organisation, _admin, member = reviewed
    service = _service(organisation.provider_profile, member)
    service = directory_services.approve_service(service=service, actor=coordinators[0])
    assert not _waiting().exists()  # a draft a coordinator published waited for nobody

    committed(directory_services.update_service, service=service, actor=member, title="Neu")
    assert _waiting().count() == 2
    assert {row.context["directory_waiting"] for row in _waiting()} == {1}


def test_nothing_is_sent_when_the_organisation_publishes_directly(coordinators, committed):
    profile = ProviderProfileFactory(needs_review=False)
    member = UserFactory(username="tom", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, organisation=profile.organisation, is_admin=True)

    series = committed(
        event_services.submit, series=_draft(profile.organisation, member), user=member
    )
    service = committed(
        directory_services.publish_service, service=_service(profile, member), actor=member
    )

    assert series.status == EventStatus.PUBLISHED and service.status == "published"
    assert not Notification.objects.exists()


def test_a_submission_that_is_rolled_back_tells_nobody(coordinators, reviewed, committed):
    organisation, _admin, member = reviewed
    series = _draft(organisation, member)

    def submit_then_fail():
        with transaction.atomic():
            event_services.submit(series=series, user=member)
            raise RuntimeError("the request failed after the submission")

    with pytest.raises(RuntimeError):
        committed(submit_then_fail)
    assert not Notification.objects.exists()


# --- the organisation hears of the approval --------------------------------------------------


def test_an_approved_event_tells_the_organisations_admins_in_their_language(
    coordinators, reviewed, stranger, committed
):
    organisation, admin, member = reviewed
    series = committed(event_services.submit, series=_draft(organisation, member), user=member)
    translate(series.text, language="uk", fields={"title": "Кафе шиття"})
    Notification.objects.all().delete()

    committed(event_services.approve, series=series, user=coordinators[0])

    [row] = _approved()
    assert row.recipient == admin and row.language == "uk"
    assert row.context["title"] == "Кафе шиття"
    assert row.context["url"] == f"{SITE}/events/{series.pk}/"
    subject, text = render_text(row)
    assert subject == "«Кафе шиття» опубліковано"
    assert f"{SITE}/events/{series.pk}/" in text
    # Neither the plain member, nor another organisation, nor the coordinators hear of it.
    assert Notification.objects.count() == 1


def test_an_approved_service_and_profile_tell_the_admins_once_each(
    coordinators, reviewed, stranger, committed
):
    organisation, admin, _member = reviewed
    profile = organisation.provider_profile
    service = _service(profile, admin, title="Asylverfahrensberatung")
    committed(directory_services.publish_service, service=service, actor=admin)
    # A change to the published profile sends it back to review.
    profile = committed(
        directory_services.save_provider_profile,
        organisation=organisation,
        actor=admin,
        description="Wir nähen zusammen.",
    )
    assert profile.status == "in_review"

    committed(directory_services.approve_service, service=service, actor=coordinators[1])
    committed(directory_services.approve_profile, profile=profile, actor=coordinators[1])
    # Approving what is published already changes nothing and tells nobody again.
    committed(directory_services.approve_service, service=service, actor=coordinators[1])

    rows = list(_approved().order_by("pk"))
    assert [row.recipient for row in rows] == [admin, admin]
    assert [row.context["entry_kind"] for row in rows] == ["service", "profile"]
    # No Ukrainian translation: the title in the language it was written in.
    assert rows[0].context["title"] == "Asylverfahrensberatung"
    assert rows[1].context["title"] == profile.text.translations.get().fields["name"]
    assert rows[1].context["url"] == f"{SITE}/directory/providers/{profile.pk}/"
    _subject, text = render_text(rows[1])
    assert "профіль Nähcafé Ost" in text


def test_a_coordinator_publishing_a_draft_is_no_approval(coordinators, reviewed, committed):
    organisation, _admin, member = reviewed
    service = _service(organisation.provider_profile, member)
    committed(directory_services.approve_service, service=service, actor=coordinators[0])
    assert not Notification.objects.exists()
