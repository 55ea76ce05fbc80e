"""The directory's pages: the public search (words in any language, topic, language spoken,
open now, near a postal code), one service in the page's language with the notice, the
printable list, and the members' forms (errors beside the fields, nothing saved)."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client

from accounts.models import Role
from directory.models import HoursException, OpeningHours, PublicationStatus, Service
from editorial.services import translate
from tests.directory.factories import ProviderProfileFactory, ServiceFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

EVERY_DAY = [(day, "00:00", "23:59") for day in range(7)]


def _page(client: Client, url: str, accept: str = "en", **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=accept)


def _cards(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-service="(\d+)"', response.content.decode())}


def test_the_search_finds_by_words_in_ukrainian_and_by_language_spoken():
    ukrainian = ServiceFactory(language="uk", title="Консультація щодо житла", languages=["uk"])
    arabic = ServiceFactory(title="Beratung", languages=["de", "ar"])
    client = Client()
    assert _cards(_page(client, "/directory/", q="житла")) == {ukrainian.pk}
    assert _cards(_page(client, "/directory/", language="ar")) == {arabic.pk}
    assert _cards(_page(client, "/directory/")) == {ukrainian.pk, arabic.pk}


def test_open_now_and_near_a_postal_code():
    always = ServiceFactory(hours=EVERY_DAY, lat=51.349, lon=12.416)  # Volkmarsdorf, 04315
    never = ServiceFactory(lat=51.349, lon=12.416)
    far = ServiceFactory(hours=EVERY_DAY, lat=51.31, lon=12.30)
    client = Client()
    assert _cards(_page(client, "/directory/", open_now="on")) == {always.pk, far.pk}
    near = _page(client, "/directory/", near="04315", within_km="2")
    assert _cards(near) == {always.pk, never.pk}
    assert 'data-open="yes"' in near.content.decode()


def test_an_unknown_place_is_an_error_beside_the_field():
    response = _page(Client(), "/directory/", near="Atlantis")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="near-error"' in body and 'aria-invalid="true"' in body


def test_the_service_page_in_arabic_says_the_text_is_missing_and_marks_its_language():
    service = ServiceFactory(
        title="Rechtsberatung", hours=[(0, "09:00", "12:00"), (4, "20:00", "02:00")]
    )
    body = _page(Client(), f"/directory/services/{service.pk}/", "ar").content.decode()
    assert 'dir="rtl"' in body
    assert 'data-notice="missing"' in body
    assert '<h1 lang="de" dir="ltr" data-service-title>Rechtsberatung</h1>' in body
    translate(service.text, language="ar", fields={"title": "استشارة قانونية"})
    body = _page(Client(), f"/directory/services/{service.pk}/", "ar").content.decode()
    assert "data-notice" not in body
    assert 'lang="ar" dir="rtl" data-service-title>استشارة قانونية' in body
    assert "20:00–02:00" in body


def test_a_draft_page_is_404_for_the_public():
    draft = ServiceFactory(status=PublicationStatus.DRAFT)
    assert _page(Client(), f"/directory/services/{draft.pk}/").status_code == 404


def test_the_printable_list_has_the_results_and_a_print_stylesheet():
    service = ServiceFactory(title="Sprachcafé", languages=["de", "uk"])
    body = _page(Client(), "/directory/print/", "uk").content.decode()
    assert f'data-service="{service.pk}"' in body
    assert 'media="print"' in body
    assert "<script>" not in body and "style=" not in body


@pytest.fixture
def member():
    organisation = OrganisationFactory(name="Beratungsnetz Ost")
    user = UserFactory(username="mira", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=user, organisation=organisation)
    ProviderProfileFactory(organisation=organisation, needs_review=True)
    return user


def _form(**overrides) -> dict:
    data = {
        "language": "de",
        "title": "Abendsprechstunde",
        "description": "",
        "topics": ["asylum"],
        "languages": ["de", "ar"],
        "cost": "free",
        "address": "04315 Leipzig",
        "hours-4-0-opens": "20:00",
        "hours-4-0-closes": "02:00",
        "exception-0-date": "2026-12-25",
        "exception-0-closed": "on",
        "exception_rows": "3",
    }
    data.update(overrides)
    return data


def test_a_member_adds_a_service_with_hours_and_a_holiday(member):
    client = Client()
    client.force_login(member)
    provider = member.organisations.get().provider_profile
    url = f"/directory/manage/providers/{provider.pk}/services/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, _form())
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.status == PublicationStatus.DRAFT
    assert [(h.weekday, h.overnight) for h in service.hours.all()] == [(4, True)]
    assert service.exceptions.get().closed
    client.post(f"/directory/manage/services/{service.pk}/publish/")
    service.refresh_from_db()
    assert service.status == PublicationStatus.IN_REVIEW


def test_hours_that_end_before_they_start_show_beside_the_hours_and_save_nothing(member):
    client = Client()
    client.force_login(member)
    provider = member.organisations.get().provider_profile
    response = client.post(
        f"/directory/manage/providers/{provider.pk}/services/new/",
        _form(**{"hours-2-0-opens": "18:00", "hours-2-0-closes": "09:00", "topics": ["xyz"]}),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="hours-error"' in body and "ends before it starts" in body
    assert 'id="topics-error"' in body and "xyz" in body
    assert 'value="18:00"' in body  # what was typed stays
    assert Service.objects.count() == OpeningHours.objects.count() == 0
    assert HoursException.objects.count() == 0


def test_someone_outside_the_organisation_cannot_reach_its_forms(member):
    provider = member.organisations.get().provider_profile
    stranger = UserFactory(username="stranger", role=Role.INITIATIVE_MEMBER)
    client = Client()
    client.force_login(stranger)
    url = f"/directory/manage/providers/{provider.pk}/services/new/"
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    assert Service.objects.count() == 0


def test_a_coordinator_approves_what_waits_for_review(member, coordinator):
    service = ServiceFactory(
        provider=member.organisations.get().provider_profile, status=PublicationStatus.IN_REVIEW
    )
    client = Client()
    client.force_login(coordinator)
    assert f'data-review="{service.pk}"' in client.get("/directory/manage/").content.decode()
    client.post(f"/directory/manage/services/{service.pk}/approve/")
    service.refresh_from_db()
    assert service.status == PublicationStatus.PUBLISHED


def test_a_coordinator_approves_a_provider_profile_that_waits_and_a_member_cannot(
    member, coordinator
):
    profile = member.organisations.get().provider_profile
    profile.status = PublicationStatus.IN_REVIEW
    profile.save(update_fields=["status"])
    own = Client()
    own.force_login(member)
    assert own.post(f"/directory/manage/providers/{profile.pk}/approve/").status_code == 404
    profile.refresh_from_db()
    assert profile.status == PublicationStatus.IN_REVIEW

    client = Client()
    client.force_login(coordinator)
    page = client.get("/directory/manage/").content.decode()
    assert f'data-review-profile="{profile.pk}"' in page
    client.post(f"/directory/manage/providers/{profile.pk}/approve/")
    profile.refresh_from_db()
    assert profile.status == PublicationStatus.PUBLISHED


def test_the_profile_form_saves_a_public_contact(member):
    client = Client()
    client.force_login(member)
    organisation = member.organisations.get()
    url = f"/directory/manage/profile/{organisation.pk}/"
    bad = client.post(url, {"language": "de", "name": "Netz", "kind": "provider", "email": "x"})
    assert bad.status_code == 400 and 'id="email-error"' in bad.content.decode()
    good = client.post(
        url,
        {"language": "de", "name": "Netz", "kind": "counselling", "email": "info@netz.example"},
    )
    assert good.status_code == 302
    organisation.provider_profile.refresh_from_db()
    assert organisation.provider_profile.email == "info@netz.example"


def test_a_member_confirms_an_entry_and_coordinators_see_what_is_overdue(member, coordinator):
    old = date.today() - timedelta(days=400)
    service = ServiceFactory(
        provider=member.organisations.get().provider_profile, last_confirmed_on=old
    )
    client = Client()
    client.force_login(coordinator)
    assert f'data-overdue="{service.pk}"' in client.get("/directory/manage/").content.decode()
    client.force_login(member)
    client.post(f"/directory/manage/services/{service.pk}/confirm/")
    service.refresh_from_db()
    assert service.last_confirmed_on > old and service.last_confirmed_by == member
    client.force_login(coordinator)
    assert f'data-overdue="{service.pk}"' not in client.get("/directory/manage/").content.decode()
