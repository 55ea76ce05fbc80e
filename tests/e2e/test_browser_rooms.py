# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""An initiative requests a room in a real browser (Playwright driving Debian's Chromium) on a
phone 390 px wide; the room's owner confirms it on their page in another browser; the
initiative then sees the room confirmed with its address and the calendar file. axe-core finds
no critical or serious violation on these pages, none scrolls sideways, and the strict
Content-Security-Policy is never violated."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from rooms.models import RequestStatus, RoomRequest
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll, wait_for_focus
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.rooms.factories import ROOM_ADDRESS, RoomFactory
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


def _phone(chromium, live_server):
    context = chromium.new_context(locale="en-GB", viewport=PHONE, has_touch=True)

    def only_here(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_VIOLATIONS)
    return context, page


def _sign_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")


def _checked(page) -> None:
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert page.evaluate("window.__cspViolations") == []


def test_an_initiative_requests_a_room_and_sees_it_confirmed(chromium, live_server, tmp_path):
    owner_org = OrganisationFactory(name="Stadtteilzentrum Plagwitz")
    hall = RoomFactory(
        owner=owner_org, name="Saal im Stadtteilzentrum", capacity=40, equipment=["kitchen"]
    )
    owner = UserFactory(username="olga", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=owner, organisation=owner_org)
    initiative = OrganisationFactory(name="Frauencafé Lindenau")
    member = UserFactory(username="leila", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=member, organisation=initiative)

    member_context, page = _phone(chromium, live_server)
    page.goto(live_server.url + "/rooms/")
    assert "Saal im Stadtteilzentrum" in page.inner_text("main")
    assert ROOM_ADDRESS not in page.content()
    _checked(page)
    page.screenshot(path=str(tmp_path / "1-rooms.png"), full_page=True)

    _sign_in(page, live_server, member, "/rooms/requests/new/")
    _checked(page)
    day = timezone.localdate() + timedelta(days=9)
    page.fill("#id_title", "Frauenfrühstück")
    page.fill("#id_people", "400")  # more than any room holds: told beside the field
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "10:00")
    page.fill("#id_end_time", "12:30")
    page.check("text=Kitchen")
    page.locator("form.room-form button[type=submit]").click()
    page.wait_for_selector("#people-error")
    assert "No room holds 400 people" in page.inner_text("#people-error")
    wait_for_focus(page, "id_people")
    _checked(page)
    page.screenshot(path=str(tmp_path / "2-error.png"), full_page=True)
    assert not RoomRequest.objects.exists()

    page.fill("#id_people", "20")
    page.locator("form.room-form button[type=submit]").click()
    page.wait_for_url("**/rooms/requests/")
    request = RoomRequest.objects.get()
    card = page.locator(f"[data-room-request='{request.pk}']")
    assert card.locator("[data-status]").inner_text() == "Requested"
    _checked(page)
    page.screenshot(path=str(tmp_path / "3-requested.png"), full_page=True)

    # The room's owner confirms it, in their own browser.
    owner_context, owner_page = _phone(chromium, live_server)
    _sign_in(owner_page, live_server, owner, "/rooms/decide/")
    _checked(owner_page)
    owner_page.screenshot(path=str(tmp_path / "4-decide.png"), full_page=True)
    owner_page.locator(f"[data-confirm-room='{hall.pk}']").click()
    owner_page.wait_for_selector(".notice.good")
    assert "is booked in Saal im Stadtteilzentrum" in owner_page.inner_text(".messages")
    owner_context.close()
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED and request.room == hall

    page.reload()
    card = page.locator(f"[data-room-request='{request.pk}']")
    assert card.locator("[data-status]").inner_text() == "Confirmed"
    assert "Saal im Stadtteilzentrum" in card.inner_text() and ROOM_ADDRESS in card.inner_text()
    link = card.locator("[data-ics]")
    assert link.get_attribute("href").endswith(".ics")
    _checked(page)
    page.screenshot(path=str(tmp_path / "5-confirmed.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("room-booking-")
    member_context.close()
