"""Admins make coordinators (issue 12): in the admin (an action, or the role field) and over
the API (users/<id>/role/), both through accounts.services.change_role; an appointment ends
the person's old API tokens, since a coordinator's token is issued against a second factor."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Role, User
from base.errors import ApplicationError
from tests.factories import UserFactory
from tests.web.fixtures import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="anna", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def volunteer(db):
    return UserFactory(username="vera", role=Role.VOLUNTEER)


def test_appointing_a_coordinator_ends_their_old_tokens(admin_user, volunteer):
    Token.objects.create(user=volunteer)
    user = services.change_role(user=volunteer, role=Role.COORDINATOR, actor=admin_user)
    assert user.role == Role.COORDINATOR and user.is_coordinator
    assert not Token.objects.filter(user=volunteer).exists()


def test_a_change_to_a_plain_role_keeps_the_token(admin_user, volunteer):
    token = Token.objects.create(user=volunteer)
    services.change_role(user=volunteer, role=Role.DONOR, actor=admin_user)
    assert Token.objects.filter(pk=token.pk).exists()


def test_only_admins_appoint(volunteer):
    coordinator = UserFactory(role=Role.COORDINATOR, is_staff=True)
    with pytest.raises(ApplicationError):
        services.change_role(user=volunteer, role=Role.COORDINATOR, actor=coordinator)
    assert User.objects.get(pk=volunteer.pk).role == Role.VOLUNTEER


def test_the_api_appoints_a_coordinator(admin_user, volunteer):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post(
        f"/api/v1/users/{volunteer.pk}/role/", {"role": "coordinator"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "coordinator"
    assert User.objects.get(pk=volunteer.pk).is_coordinator


def test_the_api_refuses_a_coordinator_appointing(volunteer):
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.COORDINATOR, is_staff=True))
    response = client.post(f"/api/v1/users/{volunteer.pk}/role/", {"role": "admin"}, format="json")
    assert response.status_code == 403
    assert User.objects.get(pk=volunteer.pk).role == Role.VOLUNTEER


def test_an_admin_appoints_coordinators_with_the_admin_action(admin_user, volunteer, settings):
    settings.SECOND_FACTOR_REQUIRED = True
    Token.objects.create(user=volunteer)
    client = Client()
    verified_login(client, admin_user)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "appoint_coordinators", "_selected_action": [volunteer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert User.objects.get(pk=volunteer.pk).role == Role.COORDINATOR
    assert not Token.objects.filter(user=volunteer).exists()


def test_the_role_field_in_the_admin_goes_through_the_service(admin_user, volunteer):
    Token.objects.create(user=volunteer)
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{volunteer.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None
        and name not in ("password", "groups", "user_permissions", "last_login")
    }
    data.update(
        {
            "role": Role.COORDINATOR,
            "date_joined_0": volunteer.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": volunteer.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    response = client.post(f"/admin/accounts/user/{volunteer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=volunteer.pk).role == Role.COORDINATOR
    assert not Token.objects.filter(user=volunteer).exists()


def test_staff_who_may_not_assign_roles_see_the_role_read_only(volunteer):
    """A coordinator with the right to edit people in the admin must not make anyone (or
    themselves) an admin there."""
    coordinator = UserFactory(role=Role.COORDINATOR, is_staff=True)
    coordinator.user_permissions.add(
        Permission.objects.get(codename="change_user"), Permission.objects.get(codename="view_user")
    )
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/admin/accounts/user/{volunteer.pk}/change/")
    assert page.status_code == 200
    assert "role" not in page.context["adminform"].form.fields
    listing = client.get("/admin/accounts/user/")
    assert "appoint_coordinators" not in listing.content.decode()
