"""The donor's pages: give something (/donations/new/), my donations (/donations/), edit and
withdraw; and the admin's map widget, which must load nothing from another site."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from donations.models import DonationOffer, PickupWindow
from geo.models import Precision
from lifecycle.states import Status
from matching.models import MatchState
from tests.factories import DonationOfferFactory, UserFactory
from tests.housing.factories import HousingOfferFactory
from tests.volunteers.factories import VolunteerProfileFactory
from tests.web.fixtures import make_scene, offer_it

pytestmark = pytest.mark.django_db

# Inside Leipzig-Zentrum, near the postal code area 04109.
PIN = {"latitude": "51.3405", "longitude": "12.3745"}
EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", re.IGNORECASE
)


@pytest.fixture
def donor(db):
    return UserFactory(username="dana", role=Role.DONOR, preferred_language="en")


def _moment(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def _form(**overrides) -> dict:
    data = {
        "category": "clothing-winter-jacket",
        "title": "Winter jackets, hardly worn",
        "description": "Two blue, one red.",
        "attr_size": "m",
        "quantity": "3",
        "condition": "like_new",
        "address": "04109 Leipzig",
        "latitude": "",
        "longitude": "",
        "delivery_radius_km": "",
        "window_start_1": _moment(2, 16),
        "window_end_1": _moment(2, 19),
        "window_start_2": "",
        "window_end_2": "",
    }
    data.update(overrides)
    return data


def _external_assets(html: str) -> list[str]:
    return EXTERNAL.findall(html)


@pytest.mark.parametrize(
    ("language", "direction", "category_name"),
    [
        ("en", "ltr", "Winter jacket"),
        ("de", "ltr", "Winterjacke"),
        ("uk", "ltr", "Зимова куртка"),
        ("ar", "rtl", "معطف شتوي"),
    ],
)
def test_the_give_form_renders_in_the_donors_language(client, language, direction, category_name):
    person = UserFactory(role=Role.DONOR, preferred_language=language)
    client.force_login(person)
    response = client.get("/donations/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert category_name in html
    for name in ("category", "title", "quantity", "condition", "address", "window_start_1"):
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html  # every input has its label
    assert 'data-map="pin"' in html


def test_the_give_form_needs_a_sign_in(client):
    response = client.get("/donations/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_good_post_with_an_address_creates_the_offer(client, donor):
    client.force_login(donor)
    response = client.post("/donations/new/", _form())
    assert response.status_code == 302
    assert response["Location"] == "/donations/"
    offer = DonationOffer.objects.get(donor=donor)
    assert offer.title == "Winter jackets, hardly worn"
    assert offer.category.slug == "clothing-winter-jacket"
    assert offer.attributes == {"size": "M"}  # spelled as the taxonomy spells it (service)
    assert (offer.quantity, offer.quantity_open, offer.condition) == (3, 3, "like_new")
    assert offer.status == Status.OPEN
    assert offer.postal_code == "04109"
    assert offer.precision == Precision.POSTAL_CODE
    [window] = offer.pickup_windows.all()
    assert timezone.localtime(window.start).hour == 16
    assert offer.history.count() == 1  # one create, through the one create path


def test_a_good_post_with_a_pin_and_no_address_creates_the_offer_at_the_pin(client, donor):
    client.force_login(donor)
    response = client.post("/donations/new/", _form(address="", **PIN))
    assert response.status_code == 302
    offer = DonationOffer.objects.get(donor=donor)
    assert offer.precision == Precision.PIN
    assert (round(offer.point.y, 4), round(offer.point.x, 4)) == (51.3405, 12.3745)
    assert offer.address.startswith("Leipzig-")


def test_a_pin_far_from_the_address_is_refused_beside_the_place(client, donor):
    client.force_login(donor)
    response = client.post(
        "/donations/new/", _form(latitude="52.52", longitude="13.405")
    )  # Berlin, with a Leipzig postal code
    assert response.status_code == 400
    assert "km away" in response.context["errors"]["address"][0]
    assert not DonationOffer.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"quantity": "0"}, "quantity", "greater than or equal to 1"),
        (
            {"window_start_1": _moment(3, 18), "window_end_1": _moment(3, 9)},
            "pickup_windows",
            "Window 1 ends before it starts",
        ),
        ({"address": "", "latitude": "", "longitude": ""}, "address", "could not find"),
        ({"title": ""}, "title", "required"),
        ({"category": "no-such-thing"}, "category", "valid choice"),
        ({"attr_size": "XXXXL"}, "attributes", "not a valid size"),
        ({"window_end_1": ""}, "pickup_windows", "both the start and the end"),
    ],
)
def test_bad_input_shows_the_field_error_and_stores_nothing(client, donor, changes, field, words):
    client.force_login(donor)
    response = client.post("/donations/new/", _form(**changes))
    assert response.status_code == 400
    messages = " ".join(response.context["errors"][field])
    assert words in messages
    html = response.content.decode()
    assert f'id="{field}-error"' in html  # beside the field, which points to it
    assert 'aria-invalid="true"' in html
    # What the person typed stays in the form.
    assert "Winter jackets, hardly worn" in html or changes.get("title") == ""
    assert not DonationOffer.objects.exists()
    assert not PickupWindow.objects.exists()


def test_my_donations_lists_my_offers_with_their_state_and_open_quantity(client, donor):
    mine = DonationOfferFactory(donor=donor, title="Kinderwagen", quantity=2)
    DonationOfferFactory(title="Someone else's sofa")
    client.force_login(donor)
    response = client.get("/donations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kinderwagen" in html
    assert "Someone else&#x27;s sofa" not in html and "Someone else's sofa" not in html
    assert f"/donations/{mine.pk}/edit/" in html
    assert f"/donations/{mine.pk}/withdraw/" in html
    [row] = response.context["rows"]
    assert (row["status"], row["open_quantity"]) == (Status.OPEN, 2)


def test_my_donations_hide_a_proposal_under_review(client):
    scene = make_scene(quantity=12, donor_language="en")
    assert scene.match.state == MatchState.PROPOSED
    offer = scene.match.donation_offer
    offer.refresh_from_db()
    assert offer.quantity_open == 0  # held by the proposal
    client.force_login(scene.donor)
    [row] = client.get("/donations/").context["rows"]
    # The proposal is internal to coordinators until approved: all 12 still open.
    assert (row["status"], row["open_quantity"]) == (Status.OPEN, 12)


def test_an_offer_that_matches_hold_all_of_says_so_rather_than_partly_matched(client):
    scene = make_scene(quantity=12, donor_language="en")
    offer_it(scene)
    client.force_login(scene.donor)
    [row] = client.get("/donations/").context["rows"]
    assert (row["status"], row["open_quantity"]) == (Status.PARTLY_MATCHED, 0)
    assert row["status_label"] == "All of it is in matches"


def test_my_donations_link_an_approved_match_but_never_a_proposal(client):
    """A donor answers a match from "My donations" (issue 13): its page is linked once
    approved; a proposal under review stays unlinked (internal to coordinators)."""
    scene = make_scene(quantity=12, donor_language="en")
    client.force_login(scene.donor)
    assert f"/matches/{scene.match.pk}/" not in client.get("/donations/").content.decode()
    offer_it(scene)
    html = client.get("/donations/").content.decode()
    assert f'href="/matches/{scene.match.pk}/"' in html
    assert "waiting for both sides to answer" in html


def test_the_owner_edits_the_offer(client, donor):
    offer = DonationOfferFactory(donor=donor, title="Jackets", quantity=5)
    client.force_login(donor)
    page = client.get(f"/donations/{offer.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Jackets"' in page.content.decode()
    response = client.post(
        f"/donations/{offer.pk}/edit/",
        _form(title="Warm jackets", quantity="7", address=offer.address),
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.title, offer.quantity, offer.quantity_open) == ("Warm jackets", 7, 7)
    assert offer.pickup_windows.count() == 1


def test_a_bad_edit_changes_nothing(client, donor):
    offer = DonationOfferFactory(donor=donor, title="Jackets", quantity=5)
    client.force_login(donor)
    response = client.post(f"/donations/{offer.pk}/edit/", _form(title="Changed", quantity="0"))
    assert response.status_code == 400
    assert response.context["errors"]["quantity"]
    offer.refresh_from_db()
    assert (offer.title, offer.quantity) == ("Jackets", 5)


@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_another_user_gets_404_for_my_offer(client, donor, action):
    offer = DonationOfferFactory(donor=donor)
    other = UserFactory(role=Role.DONOR, preferred_language="en")
    client.force_login(other)
    assert client.get(f"/donations/{offer.pk}/{action}/").status_code == 404
    assert client.post(f"/donations/{offer.pk}/{action}/", _form()).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Status.OPEN


def test_withdraw_asks_first_and_withdraws_on_confirmation(client, donor):
    offer = DonationOfferFactory(donor=donor, title="Jackets")
    client.force_login(donor)
    page = client.get(f"/donations/{offer.pk}/withdraw/")
    assert page.status_code == 200
    assert "Yes, withdraw it" in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == Status.OPEN  # asking changes nothing

    response = client.post(f"/donations/{offer.pk}/withdraw/", follow=True)
    offer.refresh_from_db()
    assert offer.status == Status.WITHDRAWN
    assert "is withdrawn" in response.content.decode()
    [row] = response.context["rows"]
    assert row["closed"]
    assert f"/donations/{offer.pk}/edit/" not in response.content.decode()


def test_withdrawing_cancels_the_offers_live_matches(client):
    scene = make_scene(donor_language="en")
    offer = scene.match.donation_offer
    client.force_login(scene.donor)
    client.post(f"/donations/{offer.pk}/withdraw/")
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.CANCELLED


@pytest.mark.parametrize("path", ["/donations/", "/donations/new/", "withdraw", "edit"])
def test_the_donor_pages_load_nothing_from_another_site(client, donor, path):
    offer = DonationOfferFactory(donor=donor)
    if not path.startswith("/"):
        path = f"/donations/{offer.pk}/{path}/"
    client.force_login(donor)
    html = client.get(path).content.decode()
    assert _external_assets(html) == []
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_the_admin_change_page_of_an_offer_loads_no_script_or_style_from_another_site(client):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True, preferred_language="en")
    offer = DonationOfferFactory()
    client.force_login(admin)
    response = client.get(f"/admin/donations/donationoffer/{offer.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _external_assets(html) == []
    assert "leaflet" in html  # the local map widget
    # The map widget keeps the point editable as text (keyboard, no map needed).
    assert f"POINT ({offer.point.x}" in html or f"POINT({offer.point.x}" in html


@pytest.mark.parametrize(
    "path",
    ["housing/housingoffer", "volunteers/volunteerprofile", "matching/match"],
)
def test_every_admin_map_is_served_locally(client, path):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True, preferred_language="en")
    record = {
        "housing/housingoffer": HousingOfferFactory,
        "volunteers/volunteerprofile": VolunteerProfileFactory,
        "matching/match": lambda: make_scene().match,
    }[path]()
    client.force_login(admin)
    response = client.get(f"/admin/{path}/{record.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _external_assets(html) == []
    assert "data-geo-map" in html


def test_saving_the_edit_form_unchanged_changes_nothing(client, donor):
    client.force_login(donor)
    client.post("/donations/new/", _form(**PIN))
    offer = DonationOffer.objects.get(donor=donor)
    page = client.get(f"/donations/{offer.pk}/edit/")
    values = page.context["values"]
    windows = page.context["windows"]
    assert (values["latitude"], values["longitude"]) == ("51.340500", "12.374500")
    data = {**values, "delivery_radius_km": ""}
    for window in windows:
        data[f"window_start_{window['number']}"] = window["start"]
        data[f"window_end_{window['number']}"] = window["end"]
    response = client.post(f"/donations/{offer.pk}/edit/", data, follow=True)
    assert "Nothing changed." in response.content.decode()
    assert offer.history.count() == 1
