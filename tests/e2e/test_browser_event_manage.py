# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""The organisation's side of the events (issue 14) in a real browser (Playwright driving
Debian's Chromium), offline: "Our events", the edit page, the dates page and the status
buttons.

- On a phone 390 px wide in English, a member of an organisation whose events are reviewed
  (no provider profile: the safe default) opens "Our events", changes a weekly course — first
  ending before it starts, which is refused beside the field with the focus on it and
  nothing saved — then saves, cancels one date and adds an extra one, submits the
  course for review; a coordinator approves it on the same page, and the public list shows
  exactly the course's dates.
- At desktop width in Arabic (right to left), a member of an organisation that publishes
  directly changes a published weekly course — first repeating without an end, refused the
  same way — cancels a date and adds one, and the public list follows at once.

On every page: axe-core finds no critical or serious violation, nothing scrolls sideways and
the Content-Security-Policy is never violated."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from editorial.selectors import reading
from events.models import EventSeries, EventStatus
from tests.directory.factories import ProviderProfileFactory
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll, wait_for_focus
from tests.events.factories import make_series
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
COURSE_AR_BEFORE = "دورة اللغة الألمانية"
COURSE_AR = "دورة اللغة الألمانية في المساء"


@pytest.fixture
def browse(chromium, live_server):
    """Opens pages that reach nothing but the live server, each in its own context."""
    contexts = []

    def open_page(*, locale: str, viewport: dict, language: str):
        context = chromium.new_context(
            locale=locale, viewport=viewport, has_touch=viewport is PHONE
        )
        context.set_extra_http_headers({"Accept-Language": language})
        outside: list[str] = []

        def only_here(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_here)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.add_init_script(WATCH_VIOLATIONS)
        page.outside = outside
        return page

    yield open_page
    for context in contexts:
        context.close()


def _checked(page, shots, name: str) -> None:
    """What every page must pass; the CSP watch starts again with each page, so it is read
    before leaving."""
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert page.outside == []
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _sign_in(page, live_server, user, then: str) -> None:
    page.goto(f"{live_server.url}/login/?next={then}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{then}")


def _soon(days: int, hour: int):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def _weekly(first, times: int) -> list:
    """The starts of a weekly course (the same wall-clock time in Leipzig)."""
    return [timezone.localtime(first + timedelta(weeks=n)) for n in range(times)]


def _public_dates(page, live_server, series: EventSeries) -> list[str]:
    """The starts the public list shows for the series, as their datetime attributes."""
    page.goto(live_server.url + "/events/")
    return page.locator(f"li[data-series='{series.pk}'] time").evaluate_all(
        "nodes => nodes.map((node) => node.getAttribute('datetime'))"
    )


def _direction(page, selector: str) -> str:
    return page.locator(selector).evaluate("(node) => node.matches(':dir(ltr)') ? 'ltr' : 'rtl'")


def _refused_beside(page, field: str, words: str) -> None:
    """The page came back with the message beside `field`, marked and focused."""
    page.wait_for_selector(f"#{field}-error")
    page.wait_for_load_state("load")  # the deferred script that moves the focus has run
    assert words in page.locator(f"#{field}-error").inner_text()
    assert page.locator("#form-problems").is_visible()
    box = page.locator(f"#id_{field}")
    assert box.get_attribute("aria-invalid") == "true"
    assert f"{field}-error" in box.get_attribute("aria-describedby").split()
    wait_for_focus(page, f"id_{field}")


def test_a_member_whose_events_are_reviewed_keeps_a_weekly_course_on_a_phone(
    live_server, browse, tmp_path
):
    organisation = OrganisationFactory(name="Lernbrücke Gohlis")
    member = UserFactory(username="lena", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=member, organisation=organisation)
    coordinator = UserFactory(
        username="clara", role=Role.COORDINATOR, is_staff=True, preferred_language="en"
    )
    first = _soon(2, 18)
    course = make_series(
        organisation,
        user=member,
        title="Deutschkurs A2",
        categories=["language-course"],
        starts_at=first,
        rrule="FREQ=WEEKLY;COUNT=6",
        published=False,
    )
    assert course.status == EventStatus.DRAFT

    page = browse(locale="en-GB", viewport=PHONE, language="en")
    _sign_in(page, live_server, member, "/events/manage/")
    row = page.locator(f"li[data-series='{course.pk}']")
    assert row.get_attribute("data-status") == EventStatus.DRAFT
    assert row.get_by_role("button", name="Submit for review").count() == 1
    assert row.get_by_role("button", name="Publish", exact=True).count() == 0
    _checked(page, tmp_path, "1-our-events")

    row.get_by_role("link", name="Change").click()
    page.wait_for_url(f"**/events/{course.pk}/edit/")
    assert page.locator("#id_repeat").input_value() == "weekly"
    assert page.locator("#id_count").input_value() == "6"
    assert "reviewed" in page.locator("main").inner_text()
    _checked(page, tmp_path, "2-edit")

    # An end before the start (a negative duration): refused beside it, nothing saved.
    page.fill("#id_title", "Deutschkurs A2 am Abend")
    page.fill("#id_duration_minutes", "-30")
    page.fill("#id_count", "8")
    page.locator("form.event-form button[type=submit]").click()
    _refused_beside(page, "duration_minutes", "must end after it starts")
    assert page.locator("#id_title").input_value() == "Deutschkurs A2 am Abend"
    assert page.locator("#id_count").input_value() == "8"
    _checked(page, tmp_path, "3-edit-refused")
    course.refresh_from_db()
    assert course.rrule == "FREQ=WEEKLY;COUNT=6" and course.duration == timedelta(hours=2)
    assert reading(course.text, "de")["title"] == "Deutschkurs A2"

    page.fill("#id_duration_minutes", "120")
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_url(f"**/events/{course.pk}/")
    assert "Your changes are saved" in page.locator("main").inner_text()
    assert page.locator(".event-dates li").count() == 8
    course.refresh_from_db()
    assert course.rrule == "FREQ=WEEKLY;COUNT=8"
    assert course.status == EventStatus.DRAFT
    _checked(page, tmp_path, "4-saved")

    page.locator("nav.event-keep").get_by_role("link", name="Cancel or add dates").click()
    page.wait_for_url(f"**/events/{course.pk}/dates/")
    assert page.locator("section[aria-labelledby=coming-heading] li").count() == 8
    _checked(page, tmp_path, "5-dates")

    dates = _weekly(first, 8)
    cancelled, extra = dates[2], dates[-1] + timedelta(weeks=1, hours=1)
    page.locator(f"li:has(time[datetime='{cancelled.isoformat()}'])").get_by_role(
        "button", name="Cancel this date"
    ).click()
    page.wait_for_selector(".messages")
    assert "is cancelled" in page.locator(".messages").inner_text()
    assert page.locator(f"del time[datetime='{cancelled.isoformat()}']").count() == 1
    _checked(page, tmp_path, "6-cancelled")

    # No day for the extra date: refused beside it, nothing saved.
    page.get_by_role("button", name="Add the date").click()
    _refused_beside(page, "date", "required")
    _checked(page, tmp_path, "7-add-refused")
    course.refresh_from_db()
    assert course.rdates == []

    page.fill("#id_date", extra.date().isoformat())
    page.fill("#id_time", extra.strftime("%H:%M"))
    page.get_by_role("button", name="Add the date").click()
    page.wait_for_selector(f"time[datetime='{extra.isoformat()}']")
    assert "is added" in page.locator(".messages").inner_text()
    _checked(page, tmp_path, "8-added")
    course.refresh_from_db()
    assert course.exdates == [cancelled] and course.rdates == [extra]

    # Not public before review: the list does not show it.
    assert _public_dates(page, live_server, course) == []

    page.goto(live_server.url + "/events/manage/")
    page.locator(f"li[data-series='{course.pk}']").get_by_role(
        "button", name="Submit for review"
    ).click()
    page.wait_for_selector(".messages")
    assert "waits for review" in page.locator(".messages").inner_text()
    row = page.locator(f"li[data-series='{course.pk}']")
    assert row.get_attribute("data-status") == EventStatus.IN_REVIEW
    _checked(page, tmp_path, "9-submitted")
    course.refresh_from_db()
    assert course.status == EventStatus.IN_REVIEW

    desk = browse(locale="en-GB", viewport=DESKTOP, language="en")
    _sign_in(desk, live_server, coordinator, "/events/manage/")
    waiting = desk.locator("section[aria-labelledby=review-heading]")
    assert waiting.locator(f"li[data-series='{course.pk}']").count() == 1
    _checked(desk, tmp_path, "10-review-queue")
    waiting.locator(f"li[data-series='{course.pk}']").get_by_role(
        "button", name="Approve and publish"
    ).click()
    desk.wait_for_selector(".messages")
    assert "approved" in desk.locator(".messages").inner_text()
    assert "Nothing waits for review" in waiting.inner_text()
    _checked(desk, tmp_path, "11-approved")
    course.refresh_from_db()
    assert course.status == EventStatus.PUBLISHED

    expected = [d for d in dates if d != cancelled] + [extra]
    assert _public_dates(page, live_server, course) == [d.isoformat() for d in expected]
    _checked(page, tmp_path, "12-public-list")


def test_a_member_who_publishes_directly_keeps_a_course_in_arabic_on_a_desktop(
    live_server, browse, tmp_path
):
    organisation = OrganisationFactory(name="Café Mondial")
    ProviderProfileFactory(organisation=organisation, needs_review=False)
    member = UserFactory(username="samir", role=Role.INITIATIVE_MEMBER, preferred_language="ar")
    MembershipFactory(user=member, organisation=organisation)
    first = _soon(3, 17)
    course = make_series(
        organisation,
        user=member,
        title=COURSE_AR_BEFORE,
        language="ar",
        categories=["language-course"],
        starts_at=first,
        rrule="FREQ=WEEKLY;COUNT=5",
    )
    assert course.status == EventStatus.PUBLISHED

    page = browse(locale="ar", viewport=DESKTOP, language="ar")
    _sign_in(page, live_server, member, "/events/manage/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    row = page.locator(f"li[data-series='{course.pk}']")
    assert row.get_attribute("data-status") == EventStatus.PUBLISHED
    assert row.locator("button").count() == 2  # still right, unpublish: no review step
    _checked(page, tmp_path, "1-our-events")

    page.goto(f"{live_server.url}/events/{course.pk}/edit/")
    assert page.locator("#id_title").input_value() == COURSE_AR_BEFORE
    # What was typed keeps its own direction: a German address reads left to right.
    assert _direction(page, "#id_address") == "ltr"
    assert _direction(page, "#id_title") == "rtl"
    _checked(page, tmp_path, "2-edit")

    # Repeating without an end: refused beside the last date, nothing saved.
    page.fill("#id_title", COURSE_AR)
    page.fill("#id_count", "")
    page.locator("form.event-form button[type=submit]").click()
    _refused_beside(page, "until", "")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#id_title").input_value() == COURSE_AR
    _checked(page, tmp_path, "3-edit-refused")
    course.refresh_from_db()
    assert course.rrule == "FREQ=WEEKLY;COUNT=5"
    assert reading(course.text, "ar")["title"] == COURSE_AR_BEFORE

    last = _weekly(first, 6)[-1]
    page.fill("#id_until", last.date().isoformat())
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_url(f"**/events/{course.pk}/")
    title = page.locator("h1")
    assert (title.get_attribute("lang"), title.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator(".event-dates li").count() == 6
    _checked(page, tmp_path, "4-saved")
    course.refresh_from_db()
    assert course.status == EventStatus.PUBLISHED
    assert course.rrule.startswith("FREQ=WEEKLY;UNTIL=")

    page.goto(f"{live_server.url}/events/{course.pk}/dates/")
    _checked(page, tmp_path, "5-dates")
    dates = _weekly(first, 6)
    cancelled, extra = dates[0], dates[1] + timedelta(days=2)
    page.locator(f"li:has(time[datetime='{cancelled.isoformat()}']) button").click()
    page.wait_for_selector(f"del time[datetime='{cancelled.isoformat()}']")
    _checked(page, tmp_path, "6-cancelled")

    page.fill("#id_date", extra.date().isoformat())
    page.fill("#id_time", extra.strftime("%H:%M"))
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_selector(f"li time[datetime='{extra.isoformat()}']")
    _checked(page, tmp_path, "7-added")
    course.refresh_from_db()
    assert course.exdates == [cancelled] and course.rdates == [extra]
    assert course.status == EventStatus.PUBLISHED

    expected = sorted([d for d in dates if d != cancelled] + [extra])
    assert _public_dates(page, live_server, course) == [d.isoformat() for d in expected]
    assert COURSE_AR in page.locator(f"li[data-series='{course.pk}']").first.inner_text()
    _checked(page, tmp_path, "8-public-list")


def test_a_last_date_before_the_first_is_refused_beside_the_last_date(
    live_server, browse, tmp_path
):
    organisation = OrganisationFactory(name="Lernbrücke Gohlis")
    member = UserFactory(username="lena", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=member, organisation=organisation)
    first = _soon(2, 18)
    course = make_series(organisation, user=member, starts_at=first, rrule="FREQ=WEEKLY;COUNT=6")

    page = browse(locale="en-GB", viewport=PHONE, language="en")
    _sign_in(page, live_server, member, f"/events/{course.pk}/edit/")
    page.fill("#id_count", "")
    page.fill("#id_until", (first.date() - timedelta(days=7)).isoformat())
    page.locator("form.event-form button[type=submit]").click()
    page.wait_for_selector("#form-problems")
    assert page.locator("#leave_out-error").count() == 0
    _refused_beside(page, "until", "")
    course.refresh_from_db()
    assert course.rrule == "FREQ=WEEKLY;COUNT=6"
