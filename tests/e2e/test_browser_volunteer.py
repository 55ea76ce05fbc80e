# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A volunteer in a real browser (Playwright driving Debian's Chromium) on a phone 390 px
wide: taps two blocks of the weekly grid, saves, and finds them kept; then, with a shift both
sides said yes to, downloads its calendar file from the shifts page, which parses with the
icalendar package and carries the shift's times and the exact address."""

from datetime import UTC, time
from pathlib import Path

import pytest
from icalendar import Calendar

from accounts.models import Role
from matching import workflow
from tests.factories import UserFactory
from tests.matching.batching import created, run_for
from tests.safety.scenes import coordinator, volunteer_need
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401
from volunteers.models import AvailabilitySlot, VolunteerNeed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
EXACT_ADDRESS = "Kochstraße 12, 04275 Leipzig"
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(
        locale="en-GB", viewport=PHONE, has_touch=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_VIOLATIONS)
    yield page
    context.close()


def check_page(page, tmp_path: Path, step: str) -> None:
    """Nothing sideways at 390 px, nothing the content policy blocked; a screenshot of the
    step is kept as an artifact."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], step
    assert page.evaluate("window.__cspViolations") == [], step
    page.screenshot(path=str(tmp_path / f"{step}.png"), full_page=True)


def cell(page, name: str):
    return page.get_by_role("checkbox", name=name, exact=True)


def test_a_volunteer_taps_the_grid_and_downloads_an_accepted_shift(
    live_server, phone, broker, tmp_path
):
    page = phone
    user = UserFactory(username="vera", role=Role.VOLUNTEER, preferred_language="en")
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "vera")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(live_server.url + "/volunteer/profile/")
    check_page(page, tmp_path, "01-profile-empty")
    page.fill("#id_address", "04229 Leipzig")
    page.select_option("#id_language_code_0", "de")
    page.select_option("#id_language_level_0", "native")
    page.fill("#id_travel_radius_km", "10")
    # Each block is a real checkbox named by its day and time; a finger taps it.
    cell(page, "Tuesday, 16:00–18:00").tap()
    cell(page, "Tuesday, 18:00–20:00").tap()
    assert cell(page, "Tuesday, 16:00–18:00").is_checked()
    check_page(page, tmp_path, "02-profile-ticked")
    page.get_by_role("button", name="Create my profile").click()
    page.wait_for_load_state()

    assert page.url.endswith("/volunteer/profile/")
    assert "Your volunteer profile is saved." in page.locator(".messages").inner_text()
    [slot] = AvailabilitySlot.objects.filter(profile__user=user)
    assert (slot.weekday, slot.start, slot.end) == (1, time(16), time(20))
    page.reload()
    assert cell(page, "Tuesday, 16:00–18:00").is_checked()
    assert cell(page, "Tuesday, 18:00–20:00").is_checked()
    assert not cell(page, "Tuesday, 20:00–22:00").is_checked()
    check_page(page, tmp_path, "03-profile-kept")

    # A Tuesday shift near by, matched by the real engine; both sides say yes.
    need = volunteer_need()
    VolunteerNeed.objects.filter(pk=need.pk).update(address=EXACT_ADDRESS, title="Kleiderkammer")
    [match] = created(run_for(need))
    assert match.volunteer.user == user
    match = workflow.approve(match, actor=coordinator("approver"))
    workflow.respond(match, user=user, answer="yes")
    match = workflow.respond(match, user=need.created_by, answer="yes")

    page.goto(live_server.url + "/volunteer/shifts/")
    check_page(page, tmp_path, "04-shifts")
    card = page.locator(f"[data-match='{match.pk}'][data-state='accepted']")
    assert "Kleiderkammer" in card.inner_text()
    with page.expect_download() as waiting:
        card.locator("a[data-ics]").click()
    download = waiting.value
    assert download.suggested_filename == f"shift-{match.pk}.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    shift = match.shift
    assert event.decoded("dtstart").astimezone(UTC) == shift.start.astimezone(UTC)
    assert event.decoded("dtend").astimezone(UTC) == shift.end.astimezone(UTC)
    assert str(event["summary"]) == "Kleiderkammer"
    assert str(event["location"]) == EXACT_ADDRESS
