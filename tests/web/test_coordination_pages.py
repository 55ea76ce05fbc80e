"""The coordinators' pages (issue 13, area "coordination"): the review queue with filters,
pages, bulk decisions, translated score factors and distances; the unmet needs with the
engine's reasons; the figures; the map of supply and demand; and nobody else reaches them."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from accounts.models import Role
from donations.models import Category
from matching import diagnostics, workflow
from matching.models import Match
from notifications.models import Notification
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.housing.factories import HousingNeedFactory
from tests.matching.batching import created, run_for
from tests.matching.test_figures import centre  # noqa: F401 (fixture)
from tests.web.fixtures import verified_login

pytestmark = pytest.mark.django_db

PAGES = [
    "/coordination/",
    "/coordination/unmet/",
    "/coordination/figures/",
    "/coordination/map/",
    "/coordination/map/points/",
]


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


def proposal(n: int, *, district: str = "Lindenau", slug: str = "clothing-winter-jacket"):
    """A goods need and a donation 2 km east of it, proposed by the real engine; pairs are
    far apart so that each need meets only its own donation."""
    lat, lon = 51.34 + 0.4 * n, 12.33
    category = Category.objects.get(slug=slug)
    need = GoodsNeedFactory(
        category=category,
        quantity=3,
        title=f"Need {n}",
        district=district,
        lat=lat,
        lon=lon,
    )
    DonationOfferFactory(
        category=category, quantity=3, district=district, lat=lat, lon=lon + 0.0287
    )
    [match] = created(run_for(need))
    return match


def shown(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-match="(\d+)"', html)}


def states(*matches) -> list[str]:
    return [Match.objects.get(pk=match.pk).state for match in matches]


# --- the review queue --------------------------------------------------------------------------


def test_the_filters_narrow_the_queue_by_kind_district_category_score_and_age():
    jackets = proposal(0, district="Lindenau")
    beds = proposal(1, district="Gohlis", slug="furniture-bed")
    Match.objects.filter(pk=jackets.pk).update(
        score=0.9, created_at=timezone.now() - timedelta(days=5)
    )
    Match.objects.filter(pk=beds.pk).update(score=0.4)
    client = signed_in(coordinator())

    assert shown(client.get("/coordination/").content.decode()) == {jackets.pk, beds.pk}
    assert shown(client.get("/coordination/?kind=goods").content.decode()) == {jackets.pk, beds.pk}
    assert shown(client.get("/coordination/?district=gohlis").content.decode()) == {beds.pk}
    assert shown(client.get("/coordination/?category=clothing").content.decode()) == {jackets.pk}
    assert shown(client.get("/coordination/?min_score=0.5").content.decode()) == {jackets.pk}
    assert shown(client.get("/coordination/?age=3").content.decode()) == {jackets.pk}
    html = client.get("/coordination/?kind=housing").content.decode()
    assert shown(html) == set() and "No proposal fits these filters." in html


def test_a_bad_filter_is_shown_beside_its_field_and_narrows_nothing():
    first, second = proposal(0), proposal(1)
    html = signed_in(coordinator()).get("/coordination/?min_score=7").content.decode()
    assert re.search(r'id="id_min_score-error">[^<]*1', html)
    assert 'aria-invalid="true"' in html
    assert shown(html) == {first.pk, second.pk}


def test_the_queue_is_paginated_and_the_pages_keep_the_filters(monkeypatch):
    monkeypatch.setattr("web.coordination_views.PAGE_SIZE", 2)
    matches = [proposal(n) for n in range(3)]
    client = signed_in(coordinator())
    first = client.get("/coordination/?kind=goods").content.decode()
    assert shown(first) == {matches[0].pk, matches[1].pk}  # the longest waiting first
    assert 'href="?kind=goods&amp;page=2"' in first
    second = client.get("/coordination/?kind=goods&page=2").content.decode()
    assert shown(second) == {matches[2].pk}
    assert 'href="?kind=goods&amp;page=1"' in second


def test_bulk_approve_offers_both_ticked_proposals():
    first, second, untouched = proposal(0), proposal(1), proposal(2)
    client = signed_in(coordinator())
    response = client.post(
        "/coordination/bulk/?kind=goods",
        {"match": [first.pk, second.pk], "action": "approve", "bulk_reason": ""},
    )
    assert response.status_code == 302 and response.url == "/coordination/?kind=goods"
    assert states(first, second, untouched) == ["offered", "offered", "proposed"]
    html = client.get(response.url).content.decode()
    assert "2 proposals approved" in html and shown(html) == {untouched.pk}


def test_a_refused_proposal_in_a_bulk_approval_is_named_and_the_others_go_through():
    first, second = proposal(0), proposal(1)
    user = coordinator()
    workflow.approve(first, actor=user)  # approved elsewhere in the meantime
    client = signed_in(user)
    response = client.post(
        "/coordination/bulk/", {"match": [first.pk, second.pk], "action": "approve"}
    )
    assert response.status_code == 302
    assert states(first, second) == ["offered", "offered"]
    html = client.get("/coordination/").content.decode()
    assert f"Match {first.pk} (Donated goods: Need 0)" in html
    assert "1 proposal approved" in html


def test_bulk_reject_with_a_reason_rejects_each_ticked_proposal():
    first, second = proposal(0), proposal(1)
    response = signed_in(coordinator()).post(
        "/coordination/bulk/",
        {"match": [first.pk, second.pk], "action": "reject", "bulk_reason": "Too far"},
    )
    assert response.status_code == 302
    assert states(first, second) == ["rejected", "rejected"]
    assert first.events.filter(to_state="rejected", reason="Too far").exists()


def test_bulk_reject_without_a_reason_changes_nothing_and_keeps_the_ticks():
    first, second, third = proposal(0), proposal(1), proposal(2)
    response = signed_in(coordinator()).post(
        "/coordination/bulk/",
        {"match": [first.pk, second.pk], "action": "reject", "bulk_reason": "   "},
    )
    assert response.status_code == 400
    assert states(first, second, third) == ["proposed"] * 3
    html = response.content.decode()
    assert re.search(r'id="bulk-reason-error">Please say why\.<', html)
    field = re.search(r'<input type="text" id="bulk-reason"[^>]*>', html).group(0)
    assert "autofocus" in field and 'aria-invalid="true"' in field
    assert "bulk-reason-error" in field  # aria-describedby
    for match in (first, second):
        assert re.search(rf'value="{match.pk}" id="pick-{match.pk}" checked', html)
    assert not re.search(rf'value="{third.pk}" id="pick-{third.pk}" checked', html)


def test_a_too_long_bulk_reason_is_refused_beside_the_field_and_kept():
    first, second = proposal(0), proposal(1)
    reason = "Zu weit " + "x" * 300
    response = signed_in(coordinator()).post(
        "/coordination/bulk/",
        {"match": [first.pk, second.pk], "action": "reject", "bulk_reason": reason},
    )
    assert response.status_code == 400
    assert states(first, second) == ["proposed", "proposed"]
    html = response.content.decode()
    assert "Please keep the reason under 300 characters." in html
    field = re.search(r'<input type="text" id="bulk-reason"[^>]*>', html).group(0)
    assert f'value="{reason}"' in field and "autofocus" in field


def test_a_bulk_decision_with_nothing_ticked_changes_nothing():
    match = proposal(0)
    response = signed_in(coordinator()).post(
        "/coordination/bulk/", {"action": "approve", "bulk_reason": "gut"}
    )
    assert response.status_code == 400
    assert "Tick at least one proposal." in response.content.decode()
    assert 'value="gut"' in response.content.decode()
    assert states(match) == ["proposed"]


def test_a_single_reject_keeps_a_too_long_reason_and_puts_the_focus_on_it():
    match = proposal(0)
    reason = "Zu weit " + "y" * 300
    response = signed_in(coordinator()).post(
        f"/coordination/matches/{match.pk}/reject/?district=Lindenau", {"reason": reason}
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(rf'<input type="text" id="reason-{match.pk}"[^>]*>', html).group(0)
    assert f'value="{reason}"' in field and "autofocus" in field
    assert f'aria-describedby="reason-{match.pk}-error"' in field
    assert f'id="reason-{match.pk}-error">Please keep the reason under 300' in html
    assert states(match) == ["proposed"]


def test_a_single_reject_without_a_reason_answers_beside_the_field_with_the_focus():
    match = proposal(0)
    response = signed_in(coordinator()).post(
        f"/coordination/matches/{match.pk}/reject/", {"reason": ""}
    )
    assert response.status_code == 400
    field = re.search(
        rf'<input type="text" id="reason-{match.pk}"[^>]*>', response.content.decode()
    )
    assert "autofocus" in field.group(0)
    assert states(match) == ["proposed"]


def test_a_decision_returns_to_the_same_filters_and_page():
    match = proposal(0)
    response = signed_in(coordinator()).post(
        f"/coordination/matches/{match.pk}/approve/?district=Lindenau&page=1"
    )
    assert response.status_code == 302
    assert response.url == "/coordination/?district=Lindenau&page=1"


def test_score_factors_are_named_in_the_coordinators_language():
    match = proposal(0)
    html = signed_in(coordinator("de")).get("/coordination/").content.decode()
    assert re.search(r'data-factor="distance">Entfernung: 0,\d\d<', html)
    english = signed_in(coordinator("en")).get("/coordination/").content.decode()
    assert re.search(r'data-factor="distance">Distance: 0\.\d\d<', english)
    assert re.search(r'data-factor="waiting">Time waiting: 0\.\d\d<', english)
    assert match.score_breakdown.keys() >= {"distance", "waiting"}


def test_distances_use_a_decimal_comma_in_german_and_a_point_in_english():
    proposal(0)
    german = signed_in(coordinator("de")).get("/coordination/").content.decode()
    assert re.search(r"data-distance>[^<]*\b2,\d km<", german)
    assert not re.search(r"\d\.\d km", german)
    english = signed_in(coordinator("en")).get("/coordination/").content.decode()
    assert re.search(r"data-distance>about 2\.\d km<", english)


def test_each_proposal_carries_both_exact_places_for_its_map():
    match = proposal(0)
    html = signed_in(coordinator()).get("/coordination/").content.decode()
    raw = re.search(r'data-points="([^"]*)"', html).group(1).replace("&quot;", '"')
    places = {place["side"]: place for place in json.loads(raw)}
    need, offer = match.goods_need, match.donation_offer
    assert (places["need"]["lat"], places["need"]["lon"]) == (need.point.y, need.point.x)
    assert (places["offer"]["lat"], places["offer"]["lon"]) == (offer.point.y, offer.point.x)


# --- unmet needs ----------------------------------------------------------------------------


def test_the_unmet_page_lists_each_open_need_with_the_engines_reason():
    lonely = GoodsNeedFactory(title="Kinderwagen", district="Grünau")
    household = HousingNeedFactory(title="Familie mit zwei Kindern")
    with translation.override("en"):
        [row] = diagnostics.open_needs_with_diagnoses("goods", limit=10)
    assert row.need == lonely
    client = signed_in(coordinator())
    html = client.get("/coordination/unmet/").content.decode()
    assert f'data-unmet-need="{lonely.pk}"' in html and "Kinderwagen" in html
    assert row.message in html
    housing = client.get("/coordination/unmet/?kind=housing").content.decode()
    assert f'data-unmet-need="{household.pk}"' in housing and "Kinderwagen" not in housing


def test_the_unmet_page_is_paginated(monkeypatch):
    monkeypatch.setattr("web.coordination_pages.UNMET_PAGE_SIZE", 1)
    first = GoodsNeedFactory(title="Erstes")
    second = GoodsNeedFactory(title="Zweites")
    client = signed_in(coordinator())
    page_one = client.get("/coordination/unmet/").content.decode()
    assert f'data-unmet-need="{first.pk}"' in page_one
    assert f'data-unmet-need="{second.pk}"' not in page_one
    assert 'href="?kind=goods&amp;page=2"' in page_one
    page_two = client.get("/coordination/unmet/?kind=goods&page=2").content.decode()
    assert f'data-unmet-need="{second.pk}"' in page_two


# --- figures --------------------------------------------------------------------------------


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">\s*<dt>[^<]*</dt>\s*<dd class="value">([^<]*)<', html)
    return found.group(1)


def test_the_figures_page_shows_each_figure_of_the_constructed_centre(centre):  # noqa: F811
    html = signed_in(coordinator()).get("/coordination/figures/").content.decode()
    assert figure(html, "needs-met") == "2"
    assert figure(html, "median-time") == "9.0 days"
    assert figure(html, "households-housed") == "1"
    assert figure(html, "proposed-within-a-week") == "50.0 % (2 of 4)"
    assert figure(html, "failed-notifications") == "2"
    goods = re.search(r'<tr data-kind="goods">(.*?)</tr>', html).group(1)
    assert "<td data-met>1</td>" in goods and "<td data-median>3.0 days</td>" in goods
    assert "50.0 % (1 of 2)" in goods
    assert Notification.objects.filter(status="failed").count() == 2


def test_the_figures_are_written_the_german_way_for_a_german_coordinator(centre):  # noqa: F811
    html = signed_in(coordinator("de")).get("/coordination/figures/").content.decode()
    assert figure(html, "median-time").startswith("9,0")
    assert figure(html, "proposed-within-a-week").startswith("50,0")


# --- supply and demand ----------------------------------------------------------------------


def test_the_map_page_counts_open_needs_and_offers_per_district_without_javascript():
    GoodsNeedFactory.create_batch(2, district="Lindenau")
    GoodsNeedFactory(district="Lindenau", status="withdrawn")
    DonationOfferFactory(district="Gohlis")
    DonationOfferFactory(district="Gohlis", category=Category.objects.get(slug="furniture-bed"))
    client = signed_in(coordinator())
    html = client.get("/coordination/map/").content.decode()
    lindenau = re.search(r'<tr data-district="Lindenau">(.*?)</tr>', html).group(1)
    gohlis = re.search(r'<tr data-district="Gohlis">(.*?)</tr>', html).group(1)
    assert "<td data-needs>2</td>" in lindenau and "<td data-offers>0</td>" in lindenau
    assert "<td data-needs>0</td>" in gohlis and "<td data-offers>2</td>" in gohlis
    clothing = client.get("/coordination/map/?kind=goods&category=clothing").content.decode()
    gohlis = re.search(r'<tr data-district="Gohlis">(.*?)</tr>', clothing).group(1)
    assert "<td data-offers>1</td>" in gohlis
    assert 'data-geojson-url="/coordination/map/points/?kind=goods&amp;category=clothing' in (
        clothing
    )


def test_the_map_points_are_public_points_as_geojson():
    offer = DonationOfferFactory(district="Gohlis")
    data = signed_in(coordinator()).get("/coordination/map/points/?kind=goods&side=offer").json()
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [offer.approx_point.x, offer.approx_point.y]
    assert feature["properties"] == {"title": offer.title, "district": "Gohlis"}
    assert offer.address not in json.dumps(data)


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DONOR, Role.INITIATIVE_MEMBER, Role.VOLUNTEER])
def test_nobody_but_a_coordinator_reaches_the_coordination_pages(role):
    match = proposal(0)
    someone = UserFactory(role=role, preferred_language="en")
    client = Client()
    client.force_login(someone)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    bulk = client.post("/coordination/bulk/", {"match": [match.pk], "action": "approve"})
    assert bulk.status_code == 403
    assert states(match) == ["proposed"]
    anonymous = Client()
    for path in PAGES:
        assert anonymous.get(path).status_code == 302, path


def test_a_coordinator_without_a_confirmed_second_factor_reaches_none_of_them(settings):
    settings.SECOND_FACTOR_REQUIRED = True
    proposal(0)
    client = Client()
    client.force_login(coordinator())
    for path in PAGES:
        assert client.get(path).status_code in (302, 403), path


@pytest.mark.parametrize("language", ["de", "en", "uk", "ar"])
def test_every_coordination_page_renders_in_each_language(language):
    proposal(0)
    GoodsNeedFactory(title="Offen")
    client = signed_in(coordinator(language))
    for path in PAGES[:-1]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
