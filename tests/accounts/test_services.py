"""Account services and erasure below the API: races, repeats, closed records, admin pages."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services
from accounts.models import Membership, Organisation, Role, User
from lifecycle.states import Status
from privacy import services as privacy
from tests.factories import (
    DonationOfferFactory,
    GoodsNeedFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

STRONG = "a long and uncommon passphrase"


@pytest.mark.django_db
def test_a_username_taken_a_moment_ago_is_a_field_error_and_writes_nothing(monkeypatch):
    # Two registrations pass the checks at once; the second one hits the unique constraint.
    monkeypatch.setattr(services, "_check_registration", lambda **kwargs: {})
    UserFactory(username="newcomer")
    users, organisations = User.objects.count(), Organisation.objects.count()
    with pytest.raises(ValidationError) as error:
        services.register_user(
            username="newcomer",
            email="n@example.org",
            password=STRONG,
            role=Role.INITIATIVE_MEMBER,
            new_initiative={"name": "Neue Initiative"},
        )
    assert "username" in error.value.message_dict
    assert (User.objects.count(), Organisation.objects.count()) == (users, organisations)


@pytest.mark.django_db
def test_two_admins_approving_at_once_make_one_change():
    initiative = OrganisationFactory()
    first, second = (
        MembershipFactory(organisation=initiative, is_admin=True).user for _ in range(2)
    )
    request = MembershipFactory(organisation=initiative, status=Membership.Status.REQUESTED)
    for admin in (first, second):
        approved = services.approve_membership(
            organisation=initiative, membership_id=request.pk, actor=admin
        )
        assert approved.status == Membership.Status.ACTIVE
    assert Membership.objects.filter(user=request.user).count() == 1


@pytest.mark.django_db
def test_erasing_an_erased_account_again_is_harmless():
    user = UserFactory(username="gone", email="gone@example.org")
    offer = DonationOfferFactory(donor=user)
    privacy.erase_account(user)
    privacy.erase_account(user)
    user.refresh_from_db()
    offer.refresh_from_db()
    assert user.username == f"erased-{user.pk}" and not user.is_active
    assert offer.status == Status.WITHDRAWN and offer.scrubbed_at is not None


@pytest.mark.django_db
def test_erasure_scrubs_closed_records_as_well_as_open_ones():
    user = UserFactory()
    handed_over = DonationOfferFactory(
        donor=user, status=Status.FULFILLED, address="Karl-Heine-Straße 12, 04229 Leipzig"
    )
    privacy.erase_account(user)
    handed_over.refresh_from_db()
    assert handed_over.status == Status.FULFILLED
    assert handed_over.address == "" and handed_over.scrubbed_at is not None


@pytest.mark.django_db
def test_a_need_of_an_initiative_names_the_initiative_once_its_creator_is_erased():
    initiative = OrganisationFactory(email="kontakt@initiative.example")
    creator = UserFactory(email="creator@example.org", phone="0176 1", first_name="Ines")
    MembershipFactory(user=creator, organisation=initiative)
    need = GoodsNeedFactory(organisation=initiative, created_by=creator)
    privacy.erase_account(creator)
    need.refresh_from_db()
    contact = need.contact_details()
    assert contact["email"] == "kontakt@initiative.example"
    assert contact["phone"] == "" and contact["name"] == f"erased-{creator.pk}"


@pytest.mark.django_db
def test_the_admin_pages_of_accounts_render():
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    initiative = OrganisationFactory()
    MembershipFactory(organisation=initiative)
    privacy.erase_account(UserFactory(username="gone"))
    client = Client()
    client.force_login(root)
    for url in (
        "/admin/accounts/user/?erased=yes",
        f"/admin/accounts/user/{root.pk}/change/",
        f"/admin/accounts/organisation/{initiative.pk}/change/",
        "/admin/accounts/membership/?status=requested",
    ):
        assert client.get(url).status_code == 200, url
