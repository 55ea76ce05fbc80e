# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A landlord offers a flat in a real browser (Playwright driving Debian's Chromium) on a phone
390 px wide, offline: the place a pin set by clicking the map (no tile loads, the map works
anyway), then the flat in "My flats" with its state; no sideways scroll, no CSP violation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from geo.models import Precision
from housing.models import HousingOffer
from lifecycle.states import Status
from tests.factories import UserFactory
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


def test_a_landlord_offers_a_flat_with_a_pin_and_sees_it_in_my_flats(
    live_server, phone, broker, tmp_path
):
    page = phone
    landlord = UserFactory(username="lars", role=Role.LANDLORD, preferred_language="en")
    page.goto(live_server.url + "/login/?next=/flats/new/")
    page.fill("#id_username", landlord.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/flats/new/")
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "1-form.png"), full_page=True)

    page.fill("#id_title", "Bright flat with balcony")
    page.fill("#id_rooms", "2.5")
    page.fill("#id_size_m2", "62")
    page.fill("#id_warm_rent", "780")
    page.fill("#id_max_occupants", "4")
    page.fill("#id_floor", "2")
    page.check("#id_lift")
    page.check("#id_pets_allowed")
    start = timezone.localdate() + timedelta(days=10)
    page.fill("#id_available_from", start.isoformat())

    # The pin by clicking the map, with no address typed and no tile loaded.
    assert not page.locator("#pin-clear").is_visible()
    map_box = page.locator("#place-map")
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()
    map_box.click(position={"x": box["width"] / 2 + 25, "y": box["height"] / 2 - 15})
    wait_until(lambda: page.input_value("#id_latitude") != "", 15, "the pin to be set")
    assert page.locator("#place-map .leaflet-marker-icon").count() == 1
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "2-filled.png"), full_page=True)

    page.locator("form.housing-form button[type=submit]").click()
    page.wait_for_url("**/flats/")
    offer = HousingOffer.objects.get(landlord=landlord)
    assert offer.status == Status.OPEN
    assert offer.precision == Precision.PIN
    assert (round(offer.point.y, 5), round(offer.point.x, 5)) == (
        round(latitude, 5),
        round(longitude, 5),
    )
    assert (offer.rooms, offer.warm_rent, offer.lift, offer.pets_allowed) == (
        Decimal("2.5"),
        Decimal("780"),
        True,
        True,
    )
    assert offer.available_from == start

    card = page.locator(f"[data-flat='{offer.pk}']")
    assert "Bright flat with balcony" in card.inner_text()
    assert card.locator("[data-status]").inner_text() == "Open"
    # Not checked yet: the page says plainly that the flat waits for the check.
    assert page.locator("[data-checked='no']").is_visible()
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "3-my-flats.png"), full_page=True)

    assert page.evaluate("window.__cspViolations") == []
    # Only tiles were asked of another site, and they were refused (offline).
    assert all("tile.openstreetmap.org" in url for url in page.outside)
