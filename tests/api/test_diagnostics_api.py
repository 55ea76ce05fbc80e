"""GET /api/v1/diagnostics/: why open needs are unmet, for coordinators only."""

import pytest
from django.urls import reverse

from donations.models import Category
from matching.models import Match, MatchState
from tests.conftest import client_for
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory

pytestmark = pytest.mark.django_db

NEED_ADDRESS = "Karl-Heine-Straße 12, 04229 Leipzig"
NEED = {"lat": 51.332713, "lon": 12.339271}
OFFER_ADDRESS = "Eisenbahnstraße 40, 04315 Leipzig"
OFFER = {"lat": 51.348917, "lon": 12.403183}


def _list(user, **query):
    return client_for(user).get(reverse("api:diagnostics"), query, HTTP_ACCEPT_LANGUAGE="en")


def _detail(user, kind, pk):
    url = reverse("api:diagnostics-detail", kwargs={"kind": kind, "pk": pk})
    return client_for(user).get(url, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def jackets_need(initiative):
    return GoodsNeedFactory(
        organisation=initiative,
        title="Winter jackets for the shelter",
        address=NEED_ADDRESS,
        district="Lindenau",
        attributes={"size": "M"},
        **NEED,
    )


@pytest.fixture
def sneakers_offer(donor):
    return DonationOfferFactory(
        donor=donor,
        address=OFFER_ADDRESS,
        category=Category.objects.get(slug="shoes-sneakers"),
        attributes={"shoe_size": "42"},
        **OFFER,
    )


def test_a_coordinator_reads_why_each_goods_need_is_unmet(
    coordinator, jackets_need, sneakers_offer
):
    response = _list(coordinator, kind="goods")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row == {
        "kind": "goods",
        "need_id": jackets_need.pk,
        "title": "Winter jackets for the shelter",
        "organisation": "Notunterkunft Grünau",
        "district": "Lindenau",
        "radius_km": 15.0,
        "reason": "wrong_category",
        "message": "1 offer in range is of another category.",
        "counts": {"wrong_category": 1},
        "in_range": 1,
        "shifts": [],
    }


def test_the_answer_holds_no_exact_place_or_contact_of_the_need_or_the_offers(
    coordinator, jackets_need, sneakers_offer, donor
):
    body = _list(coordinator, kind="goods").content.decode()
    body += _detail(coordinator, "goods", jackets_need.pk).content.decode()
    for secret in (
        NEED_ADDRESS,
        OFFER_ADDRESS,
        str(NEED["lat"]),
        str(OFFER["lat"]),
        str(OFFER["lon"]),
        donor.email,
    ):
        assert secret not in body


def test_the_list_is_paginated_longest_waiting_first(coordinator, initiative):
    needs = [GoodsNeedFactory(organisation=initiative, **NEED) for _ in range(3)]
    body = _list(coordinator, kind="goods", page=1).json()
    assert body["count"] == 3
    assert [row["need_id"] for row in body["results"]] == [n.pk for n in needs]
    assert all(row["reason"] == "nothing_in_range" for row in body["results"])


def test_a_volunteer_need_is_answered_per_open_shift(coordinator, initiative):
    need = VolunteerNeedFactory(organisation=initiative, **NEED)
    VolunteerProfileFactory(**OFFER)  # no weekly slots: never available
    [row] = _list(coordinator, kind="volunteers").json()["results"]
    [shift] = row["shifts"]
    assert row["need_id"] == need.pk and row["reason"] == "not_available"
    assert shift["shift_id"] == need.shifts.get().pk
    assert shift["people_open"] == 2
    assert shift["message"] == "1 volunteer in range is not available at this shift's time."


def test_a_household_is_answered_from_the_flats_around_it(coordinator, initiative):
    household = HousingNeedFactory(organisation=initiative, has_pets=True, **NEED)
    HousingOfferFactory(pets_allowed=False, **OFFER)
    response = _detail(coordinator, "housing", household.pk)
    assert response.status_code == 200
    assert response.json()["reason"] == "no_pets"
    assert response.json()["message"] == "1 flat in range does not allow pets."


def test_the_kind_defaults_to_goods(coordinator, jackets_need):
    [row] = _list(coordinator).json()["results"]
    assert row["kind"] == "goods" and row["need_id"] == jackets_need.pk


def test_an_unknown_kind_is_a_400_naming_the_field(coordinator):
    response = _list(coordinator, kind="furniture")
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


@pytest.mark.parametrize("role", ["initiative_member", "donor"])
def test_members_and_donors_are_refused(request, role, jackets_need):
    user = request.getfixturevalue(role)
    assert _list(user, kind="goods").status_code == 403
    assert _detail(user, "goods", jackets_need.pk).status_code == 403


def test_anonymous_callers_must_log_in(jackets_need):
    assert _list(None, kind="goods").status_code == 401
    assert _detail(None, "goods", jackets_need.pk).status_code == 401


def test_a_need_that_is_unknown_closed_or_met_is_not_found(coordinator, initiative):
    closed = GoodsNeedFactory(organisation=initiative, status="fulfilled", **NEED)
    household = HousingNeedFactory(organisation=initiative, **NEED)
    Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=household,
        housing_offer=HousingOfferFactory(**OFFER),
        quantity=1,
        distance_m=4800,
        score=0.7,
        state=MatchState.ACCEPTED,
    )
    assert _detail(coordinator, "goods", closed.pk).status_code == 404
    assert _detail(coordinator, "goods", closed.pk + 1000).status_code == 404
    assert _detail(coordinator, "housing", household.pk).status_code == 404
    assert _detail(coordinator, "furniture", closed.pk).status_code == 404


@pytest.mark.parametrize(
    "kind,make_need",
    [
        ("goods", GoodsNeedFactory),
        ("volunteers", VolunteerNeedFactory),
        ("housing", HousingNeedFactory),
    ],
)
def test_the_diagnostics_answer_in_the_browsable_api_and_as_json(
    coordinator, initiative, kind, make_need
):
    # A browser asks for HTML; DRF's browsable renderer then reads the view's queryset too.
    need = make_need(organisation=initiative, title="Visible in the browser", **NEED)
    detail = reverse("api:diagnostics-detail", kwargs={"kind": kind, "pk": need.pk})
    for url, query in ((reverse("api:diagnostics"), {"kind": kind}), (detail, {})):
        as_html = client_for(coordinator).get(url, query, HTTP_ACCEPT="text/html")
        assert as_html.status_code == 200, url
        assert as_html["Content-Type"].startswith("text/html")
        assert "Visible in the browser" in as_html.content.decode()
        as_json = client_for(coordinator).get(url, query, HTTP_ACCEPT="application/json")
        assert as_json.status_code == 200, url
        assert "Visible in the browser" in str(as_json.json())
