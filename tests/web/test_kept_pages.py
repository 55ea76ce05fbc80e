"""`/kept/`: members confirm what their organisation keeps; coordinators see all overdue."""

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from content.models import Page
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.notifications.test_keepers import kept_page

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_sees_what_the_organisation_keeps_and_confirms_it(settings):
    settings.EDITORIAL_CONFIRM_EVERY_DAYS = 30
    keeper = OrganisationFactory(name="Beratung Ost")
    member = UserFactory(username="member-ost", preferred_language="en")
    MembershipFactory(user=member, organisation=keeper)
    page = kept_page("old", keeper, 45)
    elsewhere = kept_page("theirs", OrganisationFactory(name="Andere"), 45)
    client = signed_in(member)
    html = client.get("/kept/").content.decode()
    assert f'data-kept="content.page:{page.pk}"' in html
    assert f'data-kept="content.page:{elsewhere.pk}"' not in html
    assert 'data-overdue-count="1"' in html
    response = client.post(f"/kept/content.page/{page.pk}/confirm/")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.last_confirmed_on == timezone.localdate() and page.last_confirmed_by == member


def test_a_stranger_cannot_confirm_and_learns_nothing(settings):
    page = kept_page("old", OrganisationFactory(name="Beratung Ost"), 45)
    before = page.last_confirmed_on
    client = signed_in(UserFactory(username="stranger"))
    assert client.post(f"/kept/content.page/{page.pk}/confirm/").status_code == 404
    assert client.post("/kept/accounts.user/1/confirm/").status_code == 404
    assert client.post("/kept/content.page/999999/confirm/").status_code == 404
    page.refresh_from_db()
    assert page.last_confirmed_on == before
    assert Client().post(f"/kept/content.page/{page.pk}/confirm/").status_code == 302  # login


def test_coordinators_see_everything_overdue_whoever_keeps_it(settings):
    settings.EDITORIAL_CONFIRM_EVERY_DAYS = 30
    page = kept_page("old", OrganisationFactory(name="Beratung Ost"), 45)
    kept_page("fresh", OrganisationFactory(name="Andere"), 1)
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, is_staff=True)
    html = signed_in(coordinator).get("/kept/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = html.split('id="overdue-anywhere"', 1)[1]
    assert f'data-kept="content.page:{page.pk}"' in section
    assert "Beratung Ost" in section
    assert section.count("data-kept=") == 1
    assert Page.objects.count() == 2
