"""The coordinators' tools (issue 13, area "coordination-tools"): a match made by hand, a
match cancelled with a reason, a need handed over to another initiative; bad input shows the
error beside its field and changes nothing; nobody but a coordinator reaches them."""

import re

import pytest
from django.test import Client

from accounts.models import Role
from matching import workflow
from matching.models import Handover, Match, MatchState
from tests.factories import DonationOfferFactory, GoodsNeedFactory, OrganisationFactory, UserFactory
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory
from tests.web.fixtures import verified_login

pytestmark = pytest.mark.django_db


def coordinator(language: str = "en"):
    return UserFactory(
        username=f"coordinator-{language}",
        role=Role.COORDINATOR,
        is_staff=True,
        preferred_language=language,
    )


def signed_in(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def goods_pair(quantity: int = 5):
    need = GoodsNeedFactory(quantity=quantity, title="Winter jackets for the shelter")
    offer = DonationOfferFactory(quantity=quantity, title="Three warm jackets")
    return need, offer


def live_match(actor):
    need, offer = goods_pair()
    return workflow.create_manual(
        actor=actor, kind="goods", need=need, offer=offer, quantity=2, reason="phoned"
    )


def manual_post(need, offer, **changes):
    data = {
        "kind": "goods",
        "need": str(need.pk),
        "offer": str(offer.pk),
        "quantity": "3",
        "reason": "Both called the welcome centre",
    }
    data.update(changes)
    return data


def test_a_manual_match_of_a_goods_need_and_offer_is_offered_to_both_sides():
    need, offer = goods_pair()
    client = signed_in(coordinator())
    response = client.post("/coordination/manual/", manual_post(need, offer), follow=True)
    [match] = Match.objects.all()
    assert match.state == MatchState.OFFERED
    assert (match.goods_need_id, match.donation_offer_id, match.quantity) == (need.pk, offer.pk, 3)
    assert response.redirect_chain[-1][0] == f"/matches/{match.pk}/"
    assert f"Match {match.pk} was made by hand" in response.content.decode()


def test_a_manual_match_over_the_open_quantity_is_refused_beside_the_quantity_and_changes_nothing():
    need, offer = goods_pair(quantity=5)
    client = signed_in(coordinator())
    response = client.post("/coordination/manual/", manual_post(need, offer, quantity="9"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_quantity-error"' in html
    assert "Only 5 are still open on both sides." in html
    assert re.search(
        r'id="id_quantity"[^>]*aria-describedby="id_quantity-error"', html
    ) or re.search(r'aria-describedby="id_quantity-error"[^>]*id="id_quantity"', html)
    assert (
        'value="Both called the welcome centre"' in html or "Both called the welcome centre" in html
    )
    assert not Match.objects.exists()
    need.refresh_from_db()
    offer.refresh_from_db()
    assert (need.quantity_open, offer.quantity_open) == (5, 5)


def test_a_manual_match_without_a_reason_or_with_an_unknown_need_stores_nothing():
    need, offer = goods_pair()
    client = signed_in(coordinator())
    response = client.post("/coordination/manual/", manual_post(need, offer, reason=""))
    assert response.status_code == 400
    assert 'id="id_reason-error"' in response.content.decode()
    unknown = {**manual_post(need, offer), "need": "999999"}
    response = client.post("/coordination/manual/", unknown)
    assert response.status_code == 400
    assert "No such need." in response.content.decode()
    assert not Match.objects.exists()


def test_the_manual_match_page_lists_open_records_to_pick_by_title_or_district():
    need, offer = goods_pair()
    GoodsNeedFactory(title="Prams", district="Grünau")
    client = signed_in(coordinator())
    html = client.get("/coordination/manual/", {"kind": "goods", "q": "jacket"}).content.decode()
    assert f'data-pick-need="{need.pk}"' in html
    assert f'data-pick-offer="{offer.pk}"' in html
    assert "Prams" not in html
    picked = client.get("/coordination/manual/", {"kind": "goods", "need": need.pk})
    assert re.search(rf'name="need"[^>]*value="{need.pk}"', picked.content.decode())


def test_a_manual_volunteer_match_offers_the_shift_picked_from_the_need():
    need = VolunteerNeedFactory(title="Sorting in the basement")
    [shift] = need.shifts.all()
    profile = VolunteerProfileFactory()
    client = signed_in(coordinator())
    page = client.get("/coordination/manual/", {"kind": "volunteers", "need": need.pk})
    assert re.search(rf'<option value="{shift.pk}"', page.content.decode())
    data = {
        "kind": "volunteers",
        "need": str(need.pk),
        "offer": str(profile.pk),
        "reason": "She called us",
    }
    refused = client.post("/coordination/manual/", data)
    assert refused.status_code == 400
    assert 'id="id_shift-error"' in refused.content.decode()
    assert not Match.objects.exists()
    client.post("/coordination/manual/", {**data, "shift": str(shift.pk)})
    [match] = Match.objects.all()
    assert (match.state, match.shift_id, match.volunteer_id) == (
        MatchState.OFFERED,
        shift.pk,
        profile.pk,
    )


def test_cancelling_a_match_with_a_reason_ends_it():
    user = coordinator()
    match = live_match(user)
    client = signed_in(user)
    page = client.get(f"/matches/{match.pk}/").content.decode()
    assert f'action="/coordination/matches/{match.pk}/cancel/"' in page
    response = client.post(
        f"/coordination/matches/{match.pk}/cancel/", {"reason": "The donor moved away"}, follow=True
    )
    match.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    assert f"Match {match.pk} cancelled." in response.content.decode()


def test_cancelling_a_match_without_a_reason_shows_the_error_beside_the_field_and_changes_nothing():
    user = coordinator()
    match = live_match(user)
    client = signed_in(user)
    response = client.post(f"/coordination/matches/{match.pk}/cancel/", {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_cancel_reason-error"' in html
    assert "Please say why." in html
    match.refresh_from_db()
    assert match.state == MatchState.OFFERED


def test_handing_a_need_over_moves_it_to_the_other_initiative():
    need, _offer = goods_pair()
    other = OrganisationFactory(name="Second shelter")
    client = signed_in(coordinator())
    page = client.get(f"/coordination/needs/goods/{need.pk}/hand-over/")
    assert page.status_code == 200
    response = client.post(
        f"/coordination/needs/goods/{need.pk}/hand-over/",
        {"organisation": str(other.pk), "reason": "The shelter closes"},
        follow=True,
    )
    need.refresh_from_db()
    assert need.organisation_id == other.pk
    assert Handover.objects.filter(need_id=need.pk, to_organisation=other).exists()
    assert "Second shelter" in response.content.decode()


def test_a_hand_over_without_a_reason_shows_the_error_and_changes_nothing():
    need, _offer = goods_pair()
    before = need.organisation_id
    other = OrganisationFactory()
    client = signed_in(coordinator())
    response = client.post(
        f"/coordination/needs/goods/{need.pk}/hand-over/", {"organisation": str(other.pk)}
    )
    assert response.status_code == 400
    assert 'id="id_reason-error"' in response.content.decode()
    nothing = client.post(f"/coordination/needs/goods/{need.pk}/hand-over/", {"reason": ""})
    assert nothing.status_code == 400
    html = nothing.content.decode()
    assert 'id="id_organisation-error"' in html and 'id="id_reason-error"' in html
    need.refresh_from_db()
    assert need.organisation_id == before
    assert not Handover.objects.exists()


def test_nobody_but_a_coordinator_reaches_the_tools():
    user = coordinator()
    match = live_match(user)
    need, offer = goods_pair()
    other = OrganisationFactory()
    donor = UserFactory(username="donor", preferred_language="en")
    client = Client()
    client.force_login(donor)
    assert client.get("/coordination/manual/").status_code in (403, 404)
    assert client.post("/coordination/manual/", manual_post(need, offer)).status_code in (403, 404)
    cancel = client.post(f"/coordination/matches/{match.pk}/cancel/", {"reason": "x"})
    assert cancel.status_code in (403, 404)
    url = f"/coordination/needs/goods/{need.pk}/hand-over/"
    assert client.get(url).status_code in (403, 404)
    posted = client.post(url, {"organisation": str(other.pk), "reason": "x"})
    assert posted.status_code in (403, 404)
    assert Match.objects.count() == 1
    assert Match.objects.get(pk=match.pk).state == MatchState.OFFERED
    assert not Handover.objects.exists()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_the_tools_render_in_german_and_arabic(language):
    user = coordinator(language)
    match = live_match(user)
    need = match.need
    client = signed_in(user)
    for url in (
        "/coordination/manual/",
        "/coordination/manual/?kind=volunteers",
        "/coordination/manual/?kind=housing&q=Zentrum",
        "/coordination/manual/?kind=goods&q=jacket",
        f"/coordination/needs/goods/{need.pk}/hand-over/",
        f"/matches/{match.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'lang="{language}"' in html
        if language == "ar":
            assert 'dir="rtl"' in html
