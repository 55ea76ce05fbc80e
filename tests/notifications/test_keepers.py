"""Keepers are asked once a period to confirm what has gone unconfirmed too long."""

from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import Page
from editorial import selectors
from editorial.services import confirm_current
from notifications.keepers import ask_keepers_to_confirm
from notifications.models import Notification
from tests.content.factories import EditorFactory, make_page
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def kept_page(slug: str, organisation, days_ago: int) -> Page:
    page = make_page(EditorFactory(), slug=slug)
    Page.objects.filter(pk=page.pk).update(
        owner=organisation, last_confirmed_on=timezone.localdate() - timedelta(days=days_ago)
    )
    page.refresh_from_db()
    return page


def test_the_admins_of_a_keeper_are_asked_once_about_all_its_overdue_records(settings):
    settings.EDITORIAL_CONFIRM_EVERY_DAYS = 30
    keeper = OrganisationFactory(name="Beratung Ost")
    admin = UserFactory(username="admin-ost")
    MembershipFactory(user=admin, organisation=keeper, is_admin=True)
    member = UserFactory(username="member-ost")
    MembershipFactory(user=member, organisation=keeper, is_admin=False)
    old, older, fresh = (
        kept_page("old", keeper, 31),
        kept_page("older", keeper, 90),
        kept_page("fresh", keeper, 3),
    )
    assert ask_keepers_to_confirm() == 2
    [row] = Notification.objects.filter(template="keep_confirm")
    assert row.recipient == admin
    assert row.context["count"] == 2 and row.context["organisation"] == "Beratung Ost"
    assert row.context["oldest"] == older.last_confirmed_on.isoformat()
    # Asked once per period: tomorrow nothing new, unless confirmed and overdue again.
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert ask_keepers_to_confirm(today=tomorrow) == 0
    assert Notification.objects.filter(template="keep_confirm").count() == 1
    confirm_current(old, actor=admin)
    assert not selectors.is_overdue(old)
    assert fresh.confirm_asked_on is None


def test_records_without_a_keeper_ask_nobody_but_are_overdue_for_coordinators(settings):
    settings.EDITORIAL_CONFIRM_EVERY_DAYS = 30
    page = kept_page("orphan", None, 400)
    assert ask_keepers_to_confirm() == 0
    assert list(selectors.overdue(Page.objects.all())) == [page]
