"""The admin's match list and change page work for every kind of match (goods, volunteer
shifts, housing), not only goods."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from matching.models import Match
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.matching.test_batches import CONNEWITZ, LINDENAU, _next, _volunteer, east
from tests.volunteers.factories import VolunteerNeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def goods_match() -> Match:
    need = GoodsNeedFactory(**east(LINDENAU, 0), title="Winter jackets", quantity=2)
    DonationOfferFactory(**east(LINDENAU, 1), title="Three jackets", quantity=3)
    [match] = created(run_for(need))
    return match


def volunteer_match() -> Match:
    start = _next(1, time(17, 0))
    need = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        title="Sorting donations",
        shifts=[{"start": start, "end": start + timedelta(hours=3), "people": 1}],
    )
    _volunteer(**east(LINDENAU, 1))
    [match] = created(run_for(need))
    return match


def housing_match() -> Match:
    household = HousingNeedFactory(**east(CONNEWITZ, 0), title="Family of three")
    HousingOfferFactory(**east(CONNEWITZ, 1), title="Bright flat")
    [match] = created(run_for(household))
    return match


def test_the_match_list_shows_both_sides_of_every_kind(admin_client):
    matches = [goods_match(), volunteer_match(), housing_match()]
    assert {m.kind for m in matches} == {"goods", "volunteers", "housing"}

    response = admin_client.get(reverse("admin:matching_match_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Winter jackets", "Three jackets", "Sorting donations", "Family of three"):
        assert title in page
    # A volunteer's profile has no title: it is named by its user.
    assert f"Volunteer profile of user {matches[1].volunteer.user_id}" in page


@pytest.mark.parametrize("kind", ["goods", "volunteers", "housing"])
def test_the_list_filtered_by_kind_answers(admin_client, kind):
    goods_match(), volunteer_match(), housing_match()
    response = admin_client.get(reverse("admin:matching_match_changelist"), {"kind": kind})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("make", [goods_match, volunteer_match, housing_match])
def test_the_change_page_shows_the_sides_read_only_with_their_maps(admin_client, make):
    match = make()

    response = admin_client.get(reverse("admin:matching_match_change", args=[match.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert match.need.title in page
    assert f"map_{match.need._meta.model_name}_{match.need.pk}" in page
    assert f"map_{match.offer._meta.model_name}_{match.offer.pk}" in page
    # The sides hold capacity: they are shown, never offered for editing.
    form = response.context["adminform"].form
    for side in ("goods_need", "donation_offer", "shift", "volunteer", "housing_need"):
        assert side not in form.fields
    assert "housing_offer" not in form.fields


def test_a_volunteer_match_names_its_shift(admin_client):
    match = volunteer_match()
    response = admin_client.get(reverse("admin:matching_match_change", args=[match.pk]))
    assert str(match.shift) in response.content.decode()
