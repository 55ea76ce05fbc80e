"""Accounts over the API: registration, initiatives and their members, roles, one's own data."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Membership, Organisation, Role, User
from accounts.selectors import active_organisations_of
from api.throttles import LoginRateThrottle
from tests.conftest import client_for
from tests.factories import GoodsNeedFactory, MembershipFactory, OrganisationFactory, UserFactory

REGISTER = "/api/v1/auth/register/"
STRONG = "a long and uncommon passphrase"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # registration is throttled per address; count per test


def _registration(**fields) -> dict:
    body = {
        "username": "newcomer",
        "email": "newcomer@example.org",
        "password": STRONG,
        "role": Role.DONOR,
        "preferred_language": "uk",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def _counts() -> dict:
    return {
        model.__name__: model.objects.count() for model in (User, Organisation, Membership, Token)
    }


# --- registration ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DONOR, Role.LANDLORD, Role.VOLUNTEER])
def test_a_helper_registers_and_gets_a_token_that_works(role):
    response = APIClient().post(
        REGISTER,
        _registration(role=role, first_name="Olena", phone="0176 555"),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["role"] == role and body["user"]["preferred_language"] == "uk"
    assert body["user"]["phone"] == "0176 555" and "password" not in body["user"]
    user = User.objects.get(username="newcomer")
    assert user.check_password(STRONG) and user.role == role
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "newcomer"


@pytest.mark.django_db
def test_an_initiative_member_asking_to_join_waits_for_approval(initiative):
    response = APIClient().post(
        REGISTER,
        _registration(role=Role.INITIATIVE_MEMBER, organisation=initiative.pk),
        format="json",
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(username="newcomer")
    membership = Membership.objects.get(user=user)
    assert membership.organisation == initiative
    assert membership.status == Membership.Status.REQUESTED and not membership.is_admin
    assert not active_organisations_of(user).exists()
    assert response.json()["user"]["memberships"][0]["status"] == "requested"


@pytest.mark.django_db
def test_an_initiative_member_can_start_an_initiative_and_becomes_its_admin():
    new = {"name": "Willkommen in Grünau", "city": "Leipzig", "email": "hallo@gruenau.example"}
    response = APIClient().post(
        REGISTER, _registration(role=Role.INITIATIVE_MEMBER, new_initiative=new), format="json"
    )
    assert response.status_code == 201, response.content
    user = User.objects.get(username="newcomer")
    started = Organisation.objects.get(name="Willkommen in Grünau")
    assert (started.city, started.email, started.kind) == (
        "Leipzig",
        "hallo@gruenau.example",
        "initiative",
    )
    membership = Membership.objects.get(user=user, organisation=started)
    assert membership.status == Membership.Status.ACTIVE and membership.is_admin
    assert list(active_organisations_of(user)) == [started]


BAD_REGISTRATIONS = [
    pytest.param({"username": "DAVID"}, "username", id="duplicate-username-any-case"),
    pytest.param({"username": "erased-17"}, "username", id="reserved-username"),
    pytest.param({"username": "new comer"}, "username", id="username-with-space"),
    pytest.param({"password": "short"}, "password", id="password-too-short"),
    pytest.param({"password": "password123"}, "password", id="password-common"),
    pytest.param({"password": "8264019375"}, "password", id="password-numeric"),
    pytest.param({"password": "newcomer1"}, "password", id="password-like-username"),
    pytest.param({"role": Role.COORDINATOR}, "role", id="coordinator-role"),
    pytest.param({"role": Role.ADMIN}, "role", id="admin-role"),
    pytest.param({"role": "king"}, "role", id="unknown-role"),
    pytest.param({"preferred_language": "fr"}, "preferred_language", id="unknown-language"),
    pytest.param({"email": None}, "email", id="email-missing"),
    pytest.param({"email": "not-an-address"}, "email", id="email-invalid"),
    pytest.param(
        {"role": Role.INITIATIVE_MEMBER, "organisation": 999999},
        "organisation",
        id="unknown-organisation",
    ),
    pytest.param({"role": Role.INITIATIVE_MEMBER}, "organisation", id="member-without-initiative"),
    pytest.param({"organisation": "INITIATIVE"}, "organisation", id="donor-joining"),
    pytest.param(
        {"role": Role.INITIATIVE_MEMBER, "new_initiative": {"name": "notunterkunft grünau"}},
        "new_initiative",
        id="initiative-exists",
    ),
    pytest.param(
        {"role": Role.INITIATIVE_MEMBER, "new_initiative": {"city": "Leipzig"}},
        "new_initiative",
        id="initiative-without-name",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("change,field", BAD_REGISTRATIONS)
def test_bad_registration_is_a_400_with_field_messages_and_writes_nothing(
    change, field, initiative, donor, django_capture_on_commit_callbacks
):
    if change.get("organisation") == "INITIATIVE":
        change = {**change, "organisation": initiative.pk}
    before = _counts()
    with django_capture_on_commit_callbacks() as callbacks:
        response = APIClient().post(REGISTER, _registration(**change), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    messages = body[field] if isinstance(body[field], list) else list(body[field].values())
    assert messages and all(isinstance(m, str | list) for m in messages)
    assert _counts() == before and callbacks == []


@pytest.mark.django_db
def test_registration_errors_speak_the_requested_language(donor):
    response = APIClient().post(
        REGISTER,
        _registration(role=Role.COORDINATOR, password="short"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"role", "password"}
    assert any("zu kurz" in m for m in response.json()["password"])


@pytest.mark.django_db
def test_registration_is_throttled(monkeypatch):
    monkeypatch.setattr(LoginRateThrottle, "rate", "2/min", raising=False)
    client = APIClient()
    codes = [
        client.post(REGISTER, _registration(username=f"n{i}"), format="json").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


# --- initiatives and memberships -----------------------------------------------------------


@pytest.fixture
def requester(initiative):
    user = UserFactory(
        username="rana", email="rana@example.org", phone="0176 999", role=Role.INITIATIVE_MEMBER
    )
    return MembershipFactory(user=user, organisation=initiative, status=Membership.Status.REQUESTED)


def _decide(user, membership, decision: str):
    url = (
        f"/api/v1/organisations/{membership.organisation_id}/memberships/"
        f"{membership.pk}/{decision}/"
    )
    return client_for(user).post(url)


@pytest.mark.django_db
def test_anyone_logged_in_lists_initiatives_without_their_contacts(donor, initiative):
    initiative.email = "kontakt@gruenau.example"
    initiative.save()
    response = client_for(donor).get("/api/v1/organisations/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": initiative.pk,
            "name": "Notunterkunft Grünau",
            "kind": "initiative",
            "city": "Leipzig",
        }
    ]


@pytest.mark.django_db
def test_an_initiative_admin_sees_requests_by_name_not_contact(initiative_member, requester):
    response = client_for(initiative_member).get(
        f"/api/v1/organisations/{requester.organisation_id}/memberships/"
    )
    assert response.status_code == 200
    rows = {row["user"]["username"]: row for row in response.json()["results"]}
    assert rows["rana"]["status"] == "requested"
    assert "rana@example.org" not in response.content.decode()
    assert "0176 999" not in response.content.decode()


@pytest.mark.django_db
def test_the_member_list_is_closed_to_plain_members_and_unknown_initiatives(initiative, requester):
    plain = UserFactory(username="paul", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=plain, organisation=initiative, is_admin=False)
    url = f"/api/v1/organisations/{initiative.pk}/memberships/"
    assert client_for(plain).get(url).status_code == 403
    assert client_for(requester.user).get(url).status_code == 403
    assert client_for(plain).get("/api/v1/organisations/999999/memberships/").status_code == 404


@pytest.mark.django_db
def test_an_initiative_admin_approves_and_the_member_then_shares_the_needs(
    initiative_member, requester
):
    draft = GoodsNeedFactory(organisation=requester.organisation, status="draft")
    newcomer = requester.user
    assert client_for(newcomer).get(f"/api/v1/goods-needs/{draft.pk}/").status_code == 404

    response = _decide(initiative_member, requester, "approve")

    assert response.status_code == 200 and response.json()["status"] == "active"
    requester.refresh_from_db()
    assert requester.status == Membership.Status.ACTIVE
    assert client_for(newcomer).get(f"/api/v1/goods-needs/{draft.pk}/").status_code == 200
    # A second click (or a second admin at the same moment) changes nothing.
    assert _decide(initiative_member, requester, "approve").status_code == 200
    assert Membership.objects.filter(user=newcomer).count() == 1


@pytest.mark.django_db
def test_only_an_admin_of_that_initiative_decides(initiative, requester, coordinator, donor):
    plain = UserFactory(username="paul", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=plain, organisation=initiative, is_admin=False)
    elsewhere = UserFactory(username="olga", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=elsewhere, organisation=OrganisationFactory(), is_admin=True)
    for user in (plain, elsewhere, coordinator, donor, requester.user):
        assert _decide(user, requester, "approve").status_code == 403
        assert _decide(user, requester, "reject").status_code == 403
    requester.refresh_from_db()
    assert requester.status == Membership.Status.REQUESTED


@pytest.mark.django_db
def test_an_admin_rejects_a_request_but_not_an_active_member(initiative_member, requester):
    assert _decide(initiative_member, requester, "reject").status_code == 204
    assert not Membership.objects.filter(pk=requester.pk).exists()
    assert _decide(initiative_member, requester, "reject").status_code == 404

    active = Membership.objects.get(user=initiative_member)
    response = _decide(initiative_member, active, "reject")
    assert response.status_code == 400 and "status" in response.json()
    assert Membership.objects.filter(pk=active.pk).exists()


@pytest.mark.django_db
def test_a_membership_of_another_initiative_is_not_found_here(initiative_member, initiative):
    other = MembershipFactory(organisation=OrganisationFactory(), status="requested")
    url = f"/api/v1/organisations/{initiative.pk}/memberships/{other.pk}/approve/"
    assert client_for(initiative_member).post(url).status_code == 404
    other.refresh_from_db()
    assert other.status == Membership.Status.REQUESTED


# --- roles ---------------------------------------------------------------------------------


@pytest.fixture
def admin(db):
    return UserFactory(username="alma", role=Role.ADMIN, is_staff=True)


def _set_role(actor, user, role):
    return client_for(actor).post(f"/api/v1/users/{user.pk}/role/", {"role": role}, format="json")


@pytest.mark.django_db
def test_an_admin_appoints_a_coordinator(admin, donor):
    response = _set_role(admin, donor, Role.COORDINATOR)
    assert response.status_code == 200 and response.json()["role"] == "coordinator"
    donor.refresh_from_db()
    assert donor.role == Role.COORDINATOR and donor.is_coordinator


@pytest.mark.django_db
def test_a_superuser_assigns_roles_whatever_their_role(donor):
    root = UserFactory(username="root", role=Role.DONOR, is_superuser=True)
    assert _set_role(root, donor, Role.LANDLORD).status_code == 200


@pytest.mark.django_db
def test_coordinators_cannot_make_coordinators(coordinator, donor):
    assert _set_role(coordinator, donor, Role.COORDINATOR).status_code == 403
    assert _set_role(coordinator, donor, Role.VOLUNTEER).status_code == 403
    donor.refresh_from_db()
    assert donor.role == Role.DONOR


@pytest.mark.django_db
def test_nobody_else_assigns_roles(donor, initiative_member):
    assert _set_role(donor, donor, Role.ADMIN).status_code == 403
    assert _set_role(initiative_member, donor, Role.COORDINATOR).status_code == 403
    assert APIClient().post(f"/api/v1/users/{donor.pk}/role/", {"role": "admin"}).status_code == 401
    donor.refresh_from_db()
    assert donor.role == Role.DONOR


@pytest.mark.django_db
def test_an_unknown_role_or_user_is_refused(admin, donor):
    response = _set_role(admin, donor, "king")
    assert response.status_code == 400 and "role" in response.json()
    response = client_for(admin).post("/api/v1/users/999999/role/", {"role": "donor"})
    assert response.status_code == 404


# --- one's own account ---------------------------------------------------------------------


@pytest.mark.django_db
def test_me_shows_ones_own_account(initiative_member):
    initiative_member.phone = "0341 111"
    initiative_member.save()
    body = client_for(initiative_member).get("/api/v1/me/").json()
    assert body["username"] == "ines" and body["email"] == "ines@example.org"
    assert body["phone"] == "0341 111" and body["role"] == "initiative_member"
    assert body["memberships"][0]["organisation_name"] == "Notunterkunft Grünau"
    assert body["memberships"][0]["is_admin"] is True


@pytest.mark.django_db
def test_me_changes_names_phone_email_and_language(donor):
    changes = {
        "first_name": "Dawid",
        "last_name": "Nowak",
        "phone": "0176 123",
        "email": "dawid@example.org",
        "preferred_language": "ar",
    }
    response = client_for(donor).patch("/api/v1/me/", changes, format="json")
    assert response.status_code == 200, response.content
    donor.refresh_from_db()
    assert {k: getattr(donor, k) for k in changes} == changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,field",
    [
        pytest.param({"role": "coordinator"}, "role", id="role"),
        pytest.param({"username": "someone-else"}, "username", id="username"),
        pytest.param({"preferred_language": "fr"}, "preferred_language", id="language"),
        pytest.param({"email": "nope"}, "email", id="email"),
    ],
)
def test_me_refuses_what_cannot_be_changed(donor, change, field):
    response = client_for(donor).patch("/api/v1/me/", {**change, "first_name": "X"}, format="json")
    assert response.status_code == 400 and field in response.json()
    donor.refresh_from_db()
    assert (donor.role, donor.username, donor.first_name) == (Role.DONOR, "david", donor.first_name)
    assert donor.first_name != "X"


@pytest.mark.django_db
def test_guessing_the_password_for_erasure_is_throttled_and_erases_nothing():
    cache.clear()
    user = UserFactory(username="ruth")
    client = client_for(user)
    codes = [
        client.post("/api/v1/me/erase/", {"password": f"guess {i}"}, format="json").status_code
        for i in range(6)
    ]
    assert codes == [400] * 5 + [429]
    user.refresh_from_db()
    assert user.is_active and user.username == "ruth" and user.erased_at is None
