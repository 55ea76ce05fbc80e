# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A newcomer whose browser speaks Arabic, on a phone 390 px wide, in a real browser
(Playwright driving Debian's Chromium), offline: filters the events by category, opens a
German course (its Arabic title, right to left), and downloads it to their calendar; the .ics
parses with the icalendar package and holds the weekly rule. axe-core finds no critical or
serious violation, nothing scrolls sideways, no CSP violation."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from events import services
from events.models import EventSeries
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll, wait_for_focus
from tests.events.factories import make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
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
COURSE_AR = "دورة اللغة الألمانية للنساء"


@pytest.fixture
def arabic_phone(chromium, live_server):
    """An Arabic-speaking phone that reaches nothing but the live server."""
    context = chromium.new_context(
        locale="ar", viewport=PHONE, has_touch=True, accept_downloads=True
    )
    context.set_extra_http_headers({"Accept-Language": "ar"})
    outside: list[str] = []

    def only_here(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(WATCH_VIOLATIONS)
    page.outside = outside
    yield page
    context.close()


def _soon(days: int, hour: int):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def test_a_newcomer_in_arabic_filters_events_and_downloads_one_to_the_calendar(
    live_server, arabic_phone, tmp_path
):
    course = make_series(
        title="Deutschkurs für Frauen",
        description="Mit Kinderbetreuung.",
        categories=["language-course"],
        languages=["de", "ar"],
        address="Eisenbahnstraße 40, 04315 Leipzig",
        starts_at=_soon(2, 18),
        rrule="FREQ=WEEKLY;COUNT=6",
    )
    services.translate(series=course, user=None, language="ar", fields={"title": COURSE_AR})
    make_series(title="Fußball im Park", categories=["sport"], starts_at=_soon(3, 10))

    page = arabic_phone
    page.goto(live_server.url + "/events/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "Fußball im Park" in page.locator("main").inner_text()
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    page.select_option("#id_category", "language-course")
    page.locator("form.event-filter button[type=submit]").click()
    page.wait_for_url("**/events/?*category=language-course*")
    listed = page.locator("main").inner_text()
    assert COURSE_AR in listed and "Fußball im Park" not in listed
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "1-filtered.png"), full_page=True)

    page.get_by_role("link", name=COURSE_AR).first.click()
    page.wait_for_url(f"**/events/{course.pk}/")
    title = page.locator("h1")
    assert (title.get_attribute("lang"), title.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator(".event-dates li").count() == 6
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "2-event.png"), full_page=True)

    with page.expect_download() as waiting:
        page.locator("#add-to-calendar").click()
    download = waiting.value
    assert download.suggested_filename == f"event-{course.pk}.ics"
    parsed = Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == COURSE_AR
    assert event["rrule"].to_ical() == b"FREQ=WEEKLY;COUNT=6"
    assert event.decoded("dtstart") == course.starts_at

    assert page.evaluate("window.__cspViolations") == []
    assert page.outside == []


def test_a_member_posts_a_weekly_course_on_a_phone_after_fixing_the_missing_end(
    live_server, chromium, tmp_path
):
    organisation = OrganisationFactory(name="Lernbrücke Gohlis")
    member = UserFactory(username="lena", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=member, organisation=organisation)
    context = chromium.new_context(locale="en-GB", viewport=PHONE, has_touch=True)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(live_server.url + "/login/?next=/events/new/")
    page.fill("#id_username", member.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/events/new/")
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    page.fill("#id_title", "Deutschkurs A2")
    page.locator("input[name=categories][value=language-course]").check()
    page.fill("#id_address", "04155 Leipzig")
    page.fill("#id_date", day)
    page.fill("#id_time", "17:30")
    page.select_option("#id_repeat", "weekly")  # but no end given
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_selector("#until-error")
    assert "needs an end" in page.locator("#until-error").inner_text()
    wait_for_focus(page, "id_until")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "3-error.png"), full_page=True)

    page.fill("#id_count", "8")
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_url("**/events/*/")
    assert page.locator(".event-dates li").count() == 8
    series = EventSeries.objects.get()
    assert series.rrule == "FREQ=WEEKLY;COUNT=8" and series.owner == organisation
    assert page.evaluate("window.__cspViolations") == []
    context.close()
