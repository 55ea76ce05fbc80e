# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""An initiative's member asks for goods in a real browser (Playwright driving Debian's
Chromium) on a phone 390 px wide, offline: the category found by searching, the place a pin
set by clicking the map (no tile loads), then the need on the initiative's page."""

import pytest

from accounts.models import Role
from donations.models import GoodsNeed
from geo.models import Precision
from lifecycle.states import Status
from tests.e2e.a11y import wait_for_focus_on_invalid_field
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
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


def test_an_initiative_member_posts_a_goods_need_with_a_pin_and_sees_it_on_our_page(
    live_server, phone, broker, tmp_path
):
    page = phone
    initiative = OrganisationFactory(name="Notunterkunft Grünau")
    member = UserFactory(username="ines", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=member, organisation=initiative, is_admin=True)

    page.goto(live_server.url + "/login/?next=/initiative/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/initiative/")
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "1-initiative.png"), full_page=True)
    page.locator("main a", has_text="Ask for goods").click()
    page.wait_for_url("**/initiative/needs/goods/new/**")

    # The category by searching in the person's language; the size field fits it.
    page.fill("#category-search", "winter jack")
    assert page.input_value("#id_category") == "clothing-winter-jacket"
    assert page.locator("[data-attribute=size]").is_visible()
    assert not page.locator("[data-attribute=shoe_size]").is_visible()
    page.fill("#id_attr_size", "L")
    page.fill("#id_title", "Winter jackets for the shelter")
    page.fill("#id_quantity", "15")

    # The place by clicking the map, with no address typed and no tile loaded.
    map_box = page.locator("#need-map")
    map_box.scroll_into_view_if_needed()
    box = map_box.bounding_box()
    map_box.click(position={"x": box["width"] / 2 + 25, "y": box["height"] / 2 - 15})
    wait_until(lambda: page.input_value("#id_latitude") != "", 15, "the pin to be set")
    assert page.locator("#need-map .leaflet-marker-icon").count() == 1
    latitude = float(page.input_value("#id_latitude"))
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "2-filled.png"), full_page=True)

    page.locator("form.need-form button[type=submit]").click()
    page.wait_for_url("**/initiative/?org=*")
    need = GoodsNeed.objects.get(organisation=initiative)
    assert need.status == Status.OPEN
    assert need.precision == Precision.PIN
    assert round(need.point.y, 5) == round(latitude, 5)
    assert need.category.slug == "clothing-winter-jacket"
    assert need.attributes == {"size": "L"}

    card = page.locator(f"[data-need='goods-{need.pk}']")
    assert "Winter jackets for the shelter" in card.inner_text()
    assert card.locator("[data-status]").inner_text() == "Open"
    assert card.locator("[data-open]").get_attribute("data-open") == "15"
    assert sideways_overflow(page) <= 0
    page.screenshot(path=str(tmp_path / "3-our-needs.png"), full_page=True)

    assert page.evaluate("window.__cspViolations") == []
    assert all("tile.openstreetmap.org" in url for url in page.outside)


def test_the_initiative_pages_fit_a_phone_in_arabic(live_server, phone, broker, tmp_path):
    page = phone
    initiative = OrganisationFactory(name="Notunterkunft Grünau")
    member = UserFactory(username="amal", role=Role.INITIATIVE_MEMBER, preferred_language="ar")
    MembershipFactory(user=member, organisation=initiative, is_admin=True)
    asking = UserFactory(username="nina", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=asking, organisation=initiative, status="requested")
    page.goto(live_server.url + "/login/?next=/initiative/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/initiative/")
    for number, path in enumerate(
        (
            "/initiative/",
            "/initiative/needs/goods/new/",
            "/initiative/needs/volunteers/new/",
            "/initiative/needs/import/",
            "/initiative/members/",
        ),
        start=1,
    ):
        page.goto(live_server.url + path)
        assert page.get_attribute("html", "dir") == "rtl"
        assert sideways_overflow(page) <= 0, path
        page.screenshot(path=str(tmp_path / f"ar-{number}.png"), full_page=True)
    # Keyboard alone: the volunteer form sent empty moves the focus to the first error.
    page.goto(live_server.url + "/initiative/needs/volunteers/new/")
    page.locator("form.need-form button[type=submit]").click()
    page.wait_for_selector("#form-problems")
    wait_for_focus_on_invalid_field(page)
    assert sideways_overflow(page) <= 0
    assert page.evaluate("window.__cspViolations") == []
