"""Suspension: the account's open offers are paused (a batch does not match them), its live
matches end with a notice to each other side in that person's language, every way of signing
in is refused (web, admin, API token, an old session or token), and lifting it gives the
offers back to matching. Every suspension stays in the history."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from base.errors import ApplicationError
from lifecycle.states import Status
from matching.models import Match, MatchEvent, MatchState
from notifications.models import Notification
from notifications.rendering import render_text
from safety import selectors, services
from safety.models import Suspension
from tests.factories import (
    DonationOfferFactory,
    GoodsNeedFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.matching.batching import created, run_for
from tests.matching.test_batches import LINDENAU, east
from tests.safety.scenes import (
    coordinator,
    flat,
    household,
    housing_match,
    identity_seen,
    landlord,
    member_of,
    offered,
    volunteer,
    volunteer_need,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def checked_hosts_only(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


def test_a_suspended_landlords_flat_is_not_matched_and_lifting_gives_it_back():
    clara = coordinator()
    owner = landlord()
    identity_seen(owner)
    offer = flat(owner)
    services.suspend(owner, actor=clara, reason="Asked households for cash")
    need = household()

    assert created(run_for(need)) == []
    offer.refresh_from_db()
    assert offer.status == Status.OPEN  # paused, not withdrawn: it comes back as it was

    services.lift_suspension(owner, actor=clara, reason="Cleared after a talk")
    offer.refresh_from_db()
    assert offer.needs_matching
    [match] = created(run_for(need))
    assert match.housing_offer_id == offer.pk


def test_a_suspended_volunteer_is_not_matched_and_is_again_after_lifting():
    clara = coordinator()
    profile = volunteer()
    services.suspend(profile.user, actor=clara, reason="Did not respect the rules of a shelter")
    need = volunteer_need()

    assert created(run_for(need)) == []

    services.lift_suspension(profile.user, actor=clara, reason="Talked it through")
    [match] = created(run_for(need))
    assert match.volunteer_id == profile.pk


def test_a_suspended_donors_donation_is_not_matched_and_is_again_after_lifting():
    clara = coordinator()
    donor = UserFactory(username="dora", role=Role.DONOR)
    offer = DonationOfferFactory(donor=donor, **east(LINDENAU, 0.5), quantity=3)
    services.suspend(donor, actor=clara, reason="Sold the donations on")
    need = GoodsNeedFactory(**east(LINDENAU, 0), quantity=3)

    assert created(run_for(need)) == []

    services.lift_suspension(donor, actor=clara, reason="A misunderstanding")
    [match] = created(run_for(need))
    assert match.donation_offer_id == offer.pk


def test_live_matches_end_and_each_other_side_is_told_in_their_own_language():
    clara = coordinator()
    profile = volunteer()
    german = volunteer_need(OrganisationFactory(name="Tafel Süd"), weekday=1, language="de")
    arabic = volunteer_need(OrganisationFactory(name="Frauentreff"), weekday=2, language="ar")
    # One batch for the cell proposes the volunteer for both shifts.
    proposed = {m.shift.need_id: m for m in created(run_for(german, arabic))}
    first, second = offered(proposed[german.pk]), offered(proposed[arabic.pk])
    assert {first.volunteer_id, second.volunteer_id} == {profile.pk}

    suspension = services.suspend(profile.user, actor=clara, reason="Report 3")

    assert suspension.matches_cancelled == 2
    for match in (first, second):
        match.refresh_from_db()
        assert match.state == MatchState.CANCELLED
        assert MatchEvent.objects.filter(match=match, reason="account suspended").exists()
    # The places go back to the shifts, whose needs are matched again.
    assert german.shifts.get().people_open == 1
    german.refresh_from_db()
    assert german.status == Status.OPEN and german.needs_matching
    # Each side that was asked is told in their own language, without the internal reason.
    notices = {n.recipient: n for n in Notification.objects.filter(template="match_cancelled")}
    assert set(notices) == {german.created_by, arabic.created_by}
    _, text = render_text(notices[german.created_by])
    assert "Die andere Seite kann über Willkommen nicht mehr teilnehmen." in text
    _, text = render_text(notices[arabic.created_by])
    assert "لم يعد بإمكان الطرف الآخر المشاركة عبر Willkommen." in text
    assert all("Report 3" not in render_text(n)[1] for n in notices.values())
    # The suspended person is not written to.
    assert not Notification.objects.filter(recipient=profile.user, template="match_cancelled")


def test_a_proposal_nobody_was_asked_about_ends_without_a_notice():
    clara = coordinator()
    match = housing_match()
    assert match.state == MatchState.PROPOSED

    services.suspend(match.housing_offer.landlord, actor=clara, reason="Unsafe flat")

    match.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    assert not Notification.objects.filter(template="match_cancelled").exists()


def test_the_notice_speaks_arabic_to_an_arabic_speaking_household():
    clara = coordinator()
    match = offered(housing_match())
    member = match.housing_need.created_by
    member.preferred_language = "ar"
    member.save()

    services.suspend(match.housing_offer.landlord, actor=clara, reason="Unsafe flat")

    [notice] = Notification.objects.filter(template="match_cancelled", recipient=member)
    assert notice.language == "ar"
    _, text = render_text(notice)
    assert "لم يعد بإمكان الطرف الآخر المشاركة عبر Willkommen." in text
    match.refresh_from_db()
    match.housing_need.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    assert match.housing_need.status == Status.OPEN


def test_every_way_of_signing_in_is_refused_while_suspended(client):
    clara = coordinator()
    person = UserFactory(username="sam", role=Role.LANDLORD, is_staff=True)
    token = Token.objects.create(user=person)
    client.force_login(person)
    assert client.get(reverse("inbox")).status_code == 200

    services.suspend(person, actor=clara, reason="Threatened a household")

    # The old session and the old token are gone.
    assert client.get(reverse("inbox")).status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=person).exists()
    # New sign-ins: the web form, the admin and the API's token login.
    client.logout()
    client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    client.post("/admin/login/", {"username": "sam", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    login = APIClient().post(
        "/api/v1/auth/token/", {"username": "sam", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 400 and "token" not in login.json()

    services.lift_suspension(person, actor=clara, reason="Misunderstanding")
    login = APIClient().post(
        "/api/v1/auth/token/", {"username": "sam", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 200 and login.json()["token"] != token.key


def test_the_history_keeps_every_suspension_and_one_stands_at_a_time():
    clara = coordinator()
    person = landlord()
    services.suspend(person, actor=clara, reason="First report")
    with pytest.raises(ApplicationError) as twice:
        services.suspend(person, actor=clara, reason="Again")
    assert twice.value.code == "wrong_state"
    services.lift_suspension(person, actor=clara, reason="Cleared")
    with pytest.raises(ApplicationError) as not_suspended:
        services.lift_suspension(person, actor=clara, reason="Again")
    assert not_suspended.value.code == "wrong_state"
    services.suspend(person, actor=clara, reason="Second report")

    history = list(selectors.suspensions_of(person))
    assert [s.reason for s in history] == ["Second report", "First report"]
    assert history[1].lifted_by == clara and history[1].lift_reason == "Cleared"
    assert selectors.standing_suspension(person) == history[0]
    person.refresh_from_db()
    assert not person.is_active


def test_who_may_suspend_whom():
    clara = coordinator()
    other = coordinator("carl")
    admin = UserFactory(username="ada", role=Role.ADMIN)
    person = landlord()

    with pytest.raises(ApplicationError) as not_coordinator:
        services.suspend(clara, actor=person, reason="Revenge")
    with pytest.raises(ApplicationError) as own:
        services.suspend(clara, actor=clara, reason="Holiday")
    with pytest.raises(ApplicationError) as colleague:
        services.suspend(other, actor=clara, reason="Disagreement")
    with pytest.raises(ApplicationError) as no_reason:
        services.suspend(person, actor=clara, reason="   ")

    assert not_coordinator.value.code == colleague.value.code == "not_allowed"
    assert set(own.value.errors) == {"user"} and set(no_reason.value.errors) == {"reason"}
    assert not Suspension.objects.exists()
    services.suspend(other, actor=admin, reason="Shared a household's address")
    assert selectors.standing_suspension(other) is not None


def test_a_suspended_initiative_member_leaves_the_initiatives_matches_alone():
    clara = coordinator()
    match = offered(housing_match())
    member = match.housing_need.created_by
    colleague = member_of(match.housing_need.organisation, "colleague")
    assert colleague.pk != member.pk

    services.suspend(member, actor=clara, reason="Shared a landlord's number")

    match.refresh_from_db()
    assert match.state == MatchState.OFFERED
    assert Match.objects.filter(state=MatchState.CANCELLED).count() == 0
