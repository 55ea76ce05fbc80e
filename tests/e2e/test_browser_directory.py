# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A newcomer whose browser speaks Arabic finds, on a phone 390 px wide and offline (no map
tile loads), a counselling service that speaks Arabic and is open now, opens it from its
marker on the map, and reads its page: right to left, no sideways scroll, no CSP violation,
and axe-core finds no critical or serious violation on the search and the service page."""

import pytest

from editorial.services import translate
from tests.directory.factories import ProviderProfileFactory, ServiceFactory
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll
from tests.smtp import wait_until
from tests.web.fixtures import chromium  # noqa: F401

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
# Open at any moment of the week (whatever the clock says when the test runs): each day
# 00:00–12:00 and 12:00 until midnight.
ALWAYS = [(day, "00:00", "12:00") for day in range(7)] + [
    (day, "12:00", "00:00") for day in range(7)
]


@pytest.fixture
def arabic_phone(chromium, live_server):
    context = chromium.new_context(locale="ar", viewport=PHONE, has_touch=True)
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


def test_a_newcomer_in_arabic_finds_an_open_service_that_speaks_arabic_on_the_map(
    live_server, arabic_phone, tmp_path
):
    page = arabic_phone
    provider = ProviderProfileFactory(name="Beratungsnetz Ost", kind="counselling")
    wanted = ServiceFactory(
        provider=provider,
        title="Asylverfahrensberatung",
        topics=["asylum", "legal_advice"],
        languages=["de", "ar", "fa"],
        hours=ALWAYS,
        lat=51.3488,
        lon=12.4120,
    )
    translate(
        wanted.text,
        language="ar",
        fields={"title": "استشارة إجراءات اللجوء", "description": "بدون موعد، بالعربية."},
    )
    closed = ServiceFactory(provider=provider, title="Rechtsberatung", languages=["ar"])
    german_only = ServiceFactory(
        provider=provider, title="Sprachkursberatung", languages=["de"], hours=ALWAYS
    )

    page.goto(live_server.url + "/directory/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "1-search.png"), full_page=True)

    page.select_option("#id_language", "ar")
    page.check("#id_open_now")
    page.locator("form.directory-search button[type=submit]").click()
    page.wait_for_url("**/directory/?*")
    card = page.locator(f"[data-service='{wanted.pk}']")
    assert card.is_visible()
    assert "استشارة إجراءات اللجوء" in card.inner_text()
    assert card.locator("[data-open='yes']").is_visible()
    assert page.locator(f"[data-service='{closed.pk}']").count() == 0
    assert page.locator(f"[data-service='{german_only.pk}']").count() == 0

    # The map shows the one service found, at its place, with no tile loaded.
    the_map = page.locator("#directory-map")
    wait_until(lambda: the_map.get_attribute("data-points") == "1", 15, "the map's points")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "2-results.png"), full_page=True)

    marker = the_map.locator(".leaflet-marker-icon")
    assert marker.count() == 1
    marker.scroll_into_view_if_needed()
    marker.click()
    link = the_map.locator("[data-popup-link]")
    link.wait_for(state="visible")
    assert link.inner_text() == "استشارة إجراءات اللجوء"
    page.screenshot(path=str(tmp_path / "3-popup.png"), full_page=True)
    link.click()

    page.wait_for_url(f"**/directory/services/{wanted.pk}/")
    title = page.locator("[data-service-title]")
    assert title.inner_text() == "استشارة إجراءات اللجوء"
    assert title.get_attribute("dir") == "rtl"
    assert page.locator("[data-open='yes']").is_visible()
    wait_until(
        lambda: page.locator("#service-map").get_attribute("data-points") == "1",
        15,
        "the place's marker",
    )
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "4-service.png"), full_page=True)

    assert page.evaluate("window.__cspViolations") == []
    assert all("tile.openstreetmap.org" in url for url in page.outside)
