# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""The coordinators' tools in a real browser (Playwright driving Debian's Chromium), in Arabic
at phone width, signed in with the second factor: a match made by hand from the picked need
and offer (too many items are refused with the focus on the quantity), then cancelled (a blank
reason is refused first), and the need handed over to another initiative. Every page is right
to left, scrolls no sideways at 390 px, has no critical or serious axe-core violation and never
violates the Content-Security-Policy."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from matching.models import Handover, Match, MatchState
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll, wait_for_focus
from tests.e2e.test_browser_coordination import WATCH_VIOLATIONS
from tests.e2e.test_front_door import totp_code
from tests.factories import DonationOfferFactory, GoodsNeedFactory, OrganisationFactory
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401
from tests.web.test_coordination_pages import coordinator

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(locale="ar", viewport=PHONE)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_VIOLATIONS)
    yield page
    context.close()


def check(page, shots, name: str) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_no_sideways_scroll(page)
    assert page.evaluate("window.__cspViolations") == []
    assert_accessible(page)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_a_coordinator_matches_by_hand_cancels_and_hands_a_need_over_in_arabic_on_a_phone(
    live_server, phone, broker, settings, tmp_path
):
    settings.SECOND_FACTOR_REQUIRED = True
    page = phone
    need = GoodsNeedFactory(quantity=5, title="Winter jackets for the shelter")
    offer = DonationOfferFactory(quantity=5, title="Warm jackets")
    other = OrganisationFactory(name="Second shelter")
    user = coordinator("ar")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto(live_server.url + "/login/?next=/coordination/manual/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/account/two-factor/**")
    page.fill("#id_code", totp_code(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/coordination/manual/")

    # Pick the need and the offer from the short lists.
    page.fill("#id_q", "jackets")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator(f"[data-pick-need='{need.pk}'] a").click()
    page.wait_for_load_state()
    page.locator(f"[data-pick-offer='{offer.pk}'] a").click()
    page.wait_for_load_state()
    assert page.input_value("#id_need") == str(need.pk)
    assert page.input_value("#id_offer") == str(offer.pk)
    check(page, tmp_path, "1-manual")

    # Too many: refused beside the quantity, with the focus there, and nothing stored.
    page.fill("#id_quantity", "9")
    page.fill("#id_reason", "Both called the welcome centre")
    page.locator("form.tool-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_quantity-error").is_visible()
    wait_for_focus(page, "id_quantity")
    assert page.input_value("#id_reason") == "Both called the welcome centre"
    assert not Match.objects.exists()
    check(page, tmp_path, "2-manual-refused")

    page.fill("#id_quantity", "3")
    page.locator("form.tool-form button[type=submit]").click()
    page.wait_for_url("**/matches/*/")
    match = Match.objects.get()
    assert match.state == MatchState.OFFERED and match.quantity == 3
    check(page, tmp_path, "3-match")

    # Cancel: a blank reason is refused beside the field; then it ends the match.
    page.fill("#id_cancel_reason", "   ")
    page.locator("[data-coordination-cancel] button").click()
    page.wait_for_load_state()
    assert page.locator("#id_cancel_reason-error").is_visible()
    wait_for_focus(page, "id_cancel_reason")
    match.refresh_from_db()
    assert match.state == MatchState.OFFERED
    page.fill("#id_cancel_reason", "The donor moved away")
    page.locator("[data-coordination-cancel] button").click()
    page.wait_for_url(f"**/matches/{match.pk}/")
    match.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    check(page, tmp_path, "4-cancelled")

    # Hand the need over.
    page.locator(f"a[href='/coordination/needs/goods/{need.pk}/hand-over/']").click()
    page.wait_for_load_state()
    check(page, tmp_path, "5-hand-over")
    page.select_option("#id_organisation", str(other.pk))
    page.fill("#id_reason", "The shelter closes")
    page.locator("form.tool-form button[type=submit]").click()
    page.wait_for_load_state()
    need.refresh_from_db()
    assert need.organisation_id == other.pk
    assert Handover.objects.filter(need_id=need.pk, to_organisation=other).exists()
    assert page.locator(f"[data-organisation='{other.pk}']").is_visible()
