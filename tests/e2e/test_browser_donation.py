# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A donor gives something in a real browser (Playwright driving Debian's Chromium) on a phone
390 px wide, offline: the category found by searching, the pickup place a pin set by clicking
the map (no tile loads, the map works anyway), then the offer in "My donations"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from donations.models import DonationOffer
from geo.models import Precision
from lifecycle.states import Status
from tests.factories import DonationOfferFactory, UserFactory
from tests.smtp import wait_until
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def phone(chromium, live_server):
    """A phone-sized page that reaches nothing but the live server (tiles included)."""
    context = chromium.new_context(locale="en-GB", viewport=PHONE, has_touch=True)
    outside: list[str] = []

    def only_here(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_VIOLATIONS)
    page.outside = outside
    yield page
    context.close()


def test_a_donor_posts_goods_with_a_pin_and_sees_them_in_my_donations(
    live_server, phone, broker, tmp_path
):
    page = phone
    donor = UserFactory(username="dana", role=Role.DONOR, preferred_language="en")
    page.goto(live_server.url + "/login/?next=/donations/new/")
    page.fill("#id_username", donor.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/donations/new/")
    page.screenshot(path=str(tmp_path / "1-form.png"), full_page=True)

    # The category by searching in the person's language.
    page.fill("#category-search", "winter jack")
    assert page.input_value("#id_category") == "clothing-winter-jacket"
    assert "1" in page.inner_text("#category-search-count")
    # The size fits the category and shows; the shoe size does not.
    assert page.locator("[data-attribute=size]").is_visible()
    assert not page.locator("[data-attribute=shoe_size]").is_visible()
    page.fill("#id_attr_size", "M")
    page.fill("#id_title", "Winter jackets, hardly worn")
    page.fill("#id_quantity", "4")

    # The pin by clicking the map, with no address typed and no tile loaded.
    assert not page.locator("#pin-clear").is_visible()  # nothing to remove yet
    map_box = page.locator("#pickup-map")
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()
    map_box.click(position={"x": box["width"] / 2 + 25, "y": box["height"] / 2 - 15})
    wait_until(lambda: page.input_value("#id_latitude") != "", 15, "the pin to be set")
    assert page.locator("#pickup-map .leaflet-marker-icon").count() == 1
    assert page.locator("#pin-clear").is_visible()
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))

    day = timezone.localdate() + timedelta(days=3)
    page.fill("#id_window_start_1", f"{day.isoformat()}T16:00")
    page.fill("#id_window_end_1", f"{day.isoformat()}T19:00")
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "2-filled.png"), full_page=True)

    page.locator("form.donation-form button[type=submit]").click()
    page.wait_for_url("**/donations/")
    offer = DonationOffer.objects.get(donor=donor)
    assert offer.status == Status.OPEN
    assert offer.precision == Precision.PIN
    assert (round(offer.point.y, 5), round(offer.point.x, 5)) == (
        round(latitude, 5),
        round(longitude, 5),
    )
    assert offer.category.slug == "clothing-winter-jacket"
    assert offer.attributes == {"size": "M"}
    assert offer.pickup_windows.count() == 1

    card = page.locator(f"[data-offer='{offer.pk}']")
    assert "Winter jackets, hardly worn" in card.inner_text()
    assert card.locator("[data-status]").inner_text() == "Open"
    assert card.locator("[data-open]").get_attribute("data-open") == "4"
    # The map of my offers shows its public point without any tile.
    page.wait_for_selector("#offers-map[data-points='1']")
    assert page.locator("#offers-map path.leaflet-interactive").count() >= 1
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "3-my-donations.png"), full_page=True)

    assert page.evaluate("window.__cspViolations") == []
    # Only tiles were asked of another site, and they were refused (offline).
    assert all("tile.openstreetmap.org" in url for url in page.outside)


def test_the_admins_map_shows_the_point_offline_and_a_click_moves_it(live_server, phone, broker):
    page = phone
    admin = UserFactory(
        username="ada", role=Role.ADMIN, is_staff=True, is_superuser=True, preferred_language="en"
    )
    offer = DonationOfferFactory(donor=admin)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(
        live_server.url + f"/admin/login/?next=/admin/donations/donationoffer/{offer.pk}/change/"
    )
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**/donationoffer/{offer.pk}/change/")
    widget = page.locator("[data-geo-map='id_point']")
    widget.locator("path.leaflet-interactive").wait_for()  # the point, with no tile loaded
    before = page.input_value("#id_point")
    widget.locator(".geo-map").click(position={"x": 60, "y": 60})
    wait_until(lambda: page.input_value("#id_point") != before, 15, "the point to move")
    assert page.input_value("#id_point").startswith("POINT (")
    assert page.evaluate("window.__cspViolations") == []
