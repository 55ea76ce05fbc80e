# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""The whole goods flow in a real browser (Playwright driving Debian's Chromium), offline,
with the real Celery worker on the real Redis (issue 13's main flow).

A donor registers and posts goods with a pin on the map; an initiative member registers
asking to join an initiative that is already here, its admin approves her on the members'
page, and she posts a goods need nearby that the donation fits; the worker matches; a
coordinator signed in with the second factor approves the proposal in the queue (and two
others elsewhere together, ticked for a bulk approval); both sides
say yes on their match pages, and each sees the other's contact only after both did; the
donor says the goods were picked up; the
initiative confirms a handover of fewer items than matched and the rest of the need is open
again. Once with the donor's pages in German at desktop width, once in Arabic (right to
left) 390 px wide; on every page: no sideways scroll, no critical or serious axe-core
violation, no content-policy violation, and a screenshot of the step in tmp_path."""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from donations.models import DonationOffer, GoodsNeed
from lifecycle.states import Status
from matching.models import Match, MatchState
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll
from tests.e2e.test_front_door import totp_code
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.smtp import wait_until
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401
from tests.web.test_coordination_pages import proposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSPHRASE = "a long and uncommon passphrase"
CATEGORY = "clothing-winter-jacket"
MATCHED = 6  # the donation; the need asks for as many
HANDED_OVER = 4  # fewer than matched: the rest of the need opens again
# Generous bounds for what the worker does; the test waits for the condition, never longer.
WORKER_BOUND = 90
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


class Person:
    """One person's browser context: offline but for the live server, in a language."""

    def __init__(self, chromium, live_server, tmp_path, name, *, language, viewport) -> None:
        self.context = chromium.new_context(
            locale={"de": "de-DE", "ar": "ar", "en": "en-GB"}[language],
            viewport=viewport,
            has_touch=viewport is PHONE,
        )
        self.outside: list[str] = []

        def only_here(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        self.context.route("**/*", only_here)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.add_init_script(WATCH_VIOLATIONS)
        self.url = live_server.url
        self.name = name
        self.language = language
        self.tmp_path = tmp_path
        self.steps = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.url + path)
        self.page.wait_for_load_state()

    def check(self, step: str) -> None:
        """The page in the person's language and direction, nothing sideways, nothing axe
        counts as critical or serious, nothing the content policy blocked; a screenshot."""
        page = self.page
        self.steps += 1
        shot = self.tmp_path / f"{self.name}-{self.steps:02d}-{step}.png"
        page.screenshot(path=str(shot), full_page=True)
        html = page.locator("html")
        assert html.get_attribute("lang") == self.language, step
        assert (html.get_attribute("dir") or "ltr") == (
            "rtl" if self.language == "ar" else "ltr"
        ), step
        assert_no_sideways_scroll(page)
        assert page.evaluate("window.__cspViolations") == [], step
        assert_accessible(page)

    def submit(self, form: str) -> None:
        self.page.locator(f"{form} button[type=submit]").first.click()
        self.page.wait_for_load_state()

    def sign_in(self, username: str, next_path: str, device=None) -> None:
        self.goto(f"/login/?next={next_path}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.submit("main form")
        if device is not None:
            self.page.wait_for_url("**/account/two-factor/**")
            self.page.fill("#id_code", totp_code(device))
            self.submit("main form")
        self.page.wait_for_url(f"**{next_path}")

    def set_pin(self, map_id: str) -> None:
        """A pin by clicking the map a little off its centre (no address, no tile)."""
        page = self.page
        box_locator = page.locator(f"#{map_id}")
        box_locator.scroll_into_view_if_needed()
        box = box_locator.bounding_box()
        box_locator.click(position={"x": box["width"] / 2 + 20, "y": box["height"] / 2 - 10})
        wait_until(lambda: page.input_value("#id_latitude") != "", 15, "the pin to be set")
        assert page.locator(f"#{map_id} .leaflet-marker-icon").count() == 1

    def contact_shown(self) -> bool:
        return self.page.locator("[data-contact]").count() > 0

    def close(self) -> None:
        assert all("tile.openstreetmap.org" in url for url in self.outside), self.outside
        self.context.close()


def register(person: Person, role: str, fields: dict, *, organisation=None) -> User:
    page = person.page
    person.goto(f"/register/{role}/")
    person.check(f"register-{role}")
    assert page.locator("#id_password").get_attribute("type") == "password"
    if organisation is not None:
        page.locator("input[name=initiative][value=join]").check()
        page.select_option("#id_organisation", str(organisation.pk))
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_preferred_language", person.language)
    person.submit("main form.account-form")
    page.wait_for_url("**/register/welcome/")
    person.check("welcome")
    return User.objects.get(username=fields["username"])


@pytest.mark.parametrize(
    ("donor_language", "viewport"), [("de", DESKTOP), ("ar", PHONE)], ids=["de-desktop", "ar-phone"]
)
def test_donor_and_initiative_are_matched_approved_accept_and_hand_over_fewer_in_the_browser(
    live_server, chromium, processes, broker, settings, tmp_path, donor_language, viewport
):
    settings.SECOND_FACTOR_REQUIRED = True
    processes.worker("w1", wait=False)  # boots while the people register
    initiative = OrganisationFactory(name="Notunterkunft Grünau")
    admin = UserFactory(username="ada", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=admin, organisation=initiative, is_admin=True)
    coordinator = UserFactory(
        username="clara", role=Role.COORDINATOR, is_staff=True, preferred_language="en"
    )
    device = TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)

    def person(name, language):
        return Person(chromium, live_server, tmp_path, name, language=language, viewport=viewport)

    donor_side = person("donor", donor_language)
    member_side = person("member", "en")
    admin_side = person("admin", "en")
    coordinator_side = person("coordinator", "en")

    # The donor registers and posts goods with a pin on the map.
    donor = register(
        donor_side,
        "donor",
        {
            "username": "samira",
            "email": "samira@example.org",
            "password": PASSPHRASE,
            "first_name": "Samira",
            "phone": "0176 5550101",
        },
    )
    assert donor.role == Role.DONOR and donor.preferred_language == donor_language
    page = donor_side.page
    donor_side.goto("/donations/new/")
    donor_side.check("donation-form")
    page.select_option("#id_category", CATEGORY)
    page.fill("#id_attr_size", "M")
    page.fill("#id_title", "Winterjacken")
    page.fill("#id_quantity", str(MATCHED))
    donor_side.set_pin("pickup-map")
    day = timezone.localdate() + timedelta(days=3)
    page.fill("#id_window_start_1", f"{day.isoformat()}T16:00")
    page.fill("#id_window_end_1", f"{day.isoformat()}T19:00")
    donor_side.check("donation-filled")
    donor_side.submit("form.donation-form")
    page.wait_for_url("**/donations/")
    offer = DonationOffer.objects.get(donor=donor)
    assert page.locator(f"[data-offer='{offer.pk}'] [data-open]").get_attribute("data-open") == (
        str(MATCHED)
    )
    donor_side.check("my-donations")

    # The initiative member registers asking to join; the initiative's admin approves her.
    member = register(
        member_side,
        "initiative",
        {
            "username": "ines",
            "email": "ines@example.org",
            "password": PASSPHRASE,
            "first_name": "Ines",
            "phone": "0341 5550202",
        },
        organisation=initiative,
    )
    asked = Membership.objects.get(user=member, organisation=initiative)
    assert asked.status == Membership.Status.REQUESTED
    admin_side.sign_in(admin.username, "/initiative/")
    admin_side.goto("/initiative/members/")
    admin_side.check("members")
    admin_side.submit(f"[data-membership='{asked.pk}'] form[action$='/approve/']")
    admin_side.page.wait_for_url("**/initiative/members/**")
    asked.refresh_from_db()
    assert asked.status == Membership.Status.ACTIVE
    assert admin_side.page.locator(f"[data-membership='{asked.pk}']").count() == 0
    admin_side.check("members-approved")

    # The member posts a goods need nearby that the donation fits.
    page = member_side.page
    member_side.goto("/initiative/")
    member_side.check("initiative")
    page.locator("main a[href^='/initiative/needs/goods/new/']").click()
    page.wait_for_url("**/initiative/needs/goods/new/**")
    member_side.check("need-form")
    page.select_option("#id_category", CATEGORY)
    page.fill("#id_attr_size", "M")
    page.fill("#id_title", "Winter jackets for the shelter")
    page.fill("#id_quantity", str(MATCHED))
    member_side.set_pin("need-map")
    member_side.check("need-filled")
    member_side.submit("form.need-form")
    page.wait_for_url("**/initiative/?org=*")
    need = GoodsNeed.objects.get(organisation=initiative)
    member_side.check("our-needs")

    # The real worker proposes the match; a proposal is for the coordinators only.
    wait_until(
        lambda: Match.objects.filter(goods_need=need, donation_offer=offer).exists(),
        WORKER_BOUND,
        "the worker to propose the match",
    )
    match = Match.objects.get(goods_need=need, donation_offer=offer)
    assert match.state == MatchState.PROPOSED and match.quantity == MATCHED
    member_side.goto("/initiative/")
    assert page.locator(f"[data-match='{match.pk}']").count() == 0

    # Two other proposals elsewhere in the city wait in the queue too.
    others = [proposal(n) for n in (1, 2)]

    # The coordinator, second factor verified, approves it in the queue: in place (htmx).
    coordinator_side.sign_in(coordinator.username, "/coordination/", device=device)
    queue = coordinator_side.page
    queue.reload()  # without the sign-in's message
    queue.locator(f"[data-match='{match.pk}']").wait_for()
    coordinator_side.check("queue")
    queue.locator(f"[data-match='{match.pk}'] form.approve-form button").click()
    queue.locator(f"[data-match='{match.pk}'][data-decided]").wait_for()
    match.refresh_from_db()
    assert match.state == MatchState.OFFERED
    coordinator_side.check("queue-approved")

    # ... and the two others together.
    for other in others:
        queue.check(f"#pick-{other.pk}")
    queue.locator("#bulk-actions button[value=approve]").click()
    queue.locator(".messages").wait_for()
    wait_until(
        lambda: all(Match.objects.get(pk=other.pk).state == MatchState.OFFERED for other in others),
        WORKER_BOUND,
        "both ticked proposals to be offered",
    )
    assert queue.locator("[data-match]").count() == 0
    coordinator_side.check("queue-bulk-approved")

    # The donor finds the match in the inbox and in "My donations", opens it from there
    # and says yes: no contact yet either way.
    page = donor_side.page
    donor_side.goto("/inbox/")
    donor_side.check("inbox")
    assert page.locator(f"main a[href='/matches/{match.pk}/']").count() >= 1
    donor_side.goto("/donations/")
    donor_side.check("my-donations-matched")
    page.locator(f"[data-offer='{offer.pk}'] a[href='/matches/{match.pk}/']").click()
    page.wait_for_url(f"**/matches/{match.pk}/")
    donor_side.check("match-offered")
    assert not donor_side.contact_shown()
    assert member.phone not in page.content() and member.email not in page.content()
    donor_side.submit(f"form[action='/matches/{match.pk}/respond/']:has(input[value=yes])")
    page.wait_for_url(f"**/matches/{match.pk}/")
    match.refresh_from_db()
    assert match.offer_answer == "yes" and match.state == MatchState.OFFERED
    assert not donor_side.contact_shown()
    assert member.phone not in page.content() and member.email not in page.content()
    donor_side.check("match-donor-said-yes")

    # The initiative opens it from its page, sees no contact, says yes: now both see both.
    page = member_side.page
    member_side.goto("/initiative/")
    page.locator(f"[data-match='{match.pk}'] a[href='/matches/{match.pk}/']").click()
    page.wait_for_url(f"**/matches/{match.pk}/")
    member_side.check("match-offered")
    assert not member_side.contact_shown()
    assert donor.phone not in page.content() and donor.email not in page.content()
    member_side.submit(f"form[action='/matches/{match.pk}/respond/']:has(input[value=yes])")
    page.wait_for_url(f"**/matches/{match.pk}/")
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED
    assert member_side.contact_shown()
    contact = page.locator("[data-contact]").inner_text()
    assert donor.phone in contact and donor.email in contact
    member_side.check("match-accepted")

    donor_side.goto(f"/matches/{match.pk}/")
    assert donor_side.contact_shown()
    contact = donor_side.page.locator("[data-contact]").inner_text()
    assert member.phone in contact and member.email in contact
    donor_side.check("match-accepted")

    # The donor says the goods were picked up; the initiative is asked how many it received.
    donor_side.submit(f"form[action='/matches/{match.pk}/picked-up/']")
    donor_side.page.wait_for_url(f"**/matches/{match.pk}/")
    match.refresh_from_db()
    assert match.pickup_confirmed_at is not None and match.state == MatchState.ACCEPTED
    donor_side.check("picked-up")
    member_side.goto(f"/matches/{match.pk}/")
    assert member_side.page.locator("[data-pickup-confirmed]").count() == 1

    # The worker has done its part; stopped, it cannot match the reopened rest again before
    # the page shows it.
    processes.kill("w1", signal.SIGTERM)

    # The initiative confirms a handover of fewer items; the rest of the need is open again.
    page.fill("#id_quantity", str(HANDED_OVER))
    member_side.submit(f"form[action='/matches/{match.pk}/handover/']")
    page.wait_for_url(f"**/matches/{match.pk}/")
    match.refresh_from_db()
    assert match.state == MatchState.FULFILLED
    member_side.check("handed-over")
    need.refresh_from_db()
    rest = MATCHED - HANDED_OVER
    assert need.quantity_open == rest
    assert need.status in (Status.OPEN, Status.PARTLY_MATCHED)
    member_side.goto("/initiative/")
    card = page.locator(f"[data-need='goods-{need.pk}']")
    assert card.locator("[data-open]").get_attribute("data-open") == str(rest)
    member_side.check("need-reopened")

    for side in (donor_side, member_side, admin_side, coordinator_side):
        side.close()
