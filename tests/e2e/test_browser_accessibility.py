# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""Every page there is, in a real browser (Playwright driving Debian's Chromium), at phone
width (390 px) and desktop width in German, and at phone width in Arabic (right to left):
axe-core finds no critical or serious violation, and nothing scrolls sideways. A screenshot
of each page in each of the three ways is kept under the test's tmp_path.

Pages are named by their URL names (web/urls.py); a name that no longer resolves fails."""

import contextlib
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role
from notifications.services import notify
from tests.e2e.a11y import (
    AXE_PATH,
    assert_accessible,
    assert_no_sideways_scroll,
    axe_violations,
    describe,
    sideways_overflow,
)
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.matching.batching import created, run_for
from tests.volunteers.factories import VolunteerProfileFactory
from tests.web.fixtures import (  # noqa: F401
    chromium,
    east,
    make_scene,
    offer_it,
    verified_login,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A phone held upright (iPhone 12 to 15) and a laptop.
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
# Three of the four ways, to keep CI within its time: right to left is checked on a phone,
# where a layout breaks first; German at both widths.
COMBINATIONS = (("de", "phone"), ("de", "desktop"), ("ar", "phone"))


@dataclass
class Page:
    """One page: its URL name and arguments (from the scene), who looks at it."""

    name: str | None
    who: str | None = None
    args: object = None  # a function of the people: the URL's arguments
    path: str = ""  # a path that is not a URL name (the 404 page)
    status: int = 200
    marks: list = field(default_factory=list)


def _reset_args(people) -> list:
    user = people.donor
    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


PAGES = {
    # everyone
    "home": Page("home"),
    "login": Page("login"),
    "password-reset": Page("password_reset"),
    "password-reset-sent": Page("password_reset_done"),
    "password-reset-new-password": Page("password_reset_confirm", args=_reset_args),
    "password-reset-complete": Page("password_reset_complete"),
    "register": Page("register"),
    "register-donor": Page("register-role", args=lambda p: ["donor"]),
    "register-initiative": Page("register-role", args=lambda p: ["initiative"]),
    "register-landlord": Page("register-role", args=lambda p: ["landlord"]),
    "register-volunteer": Page("register-role", args=lambda p: ["volunteer"]),
    "not-found": Page(None, path="/no-such-page/", status=404),
    "not-found-signed-in": Page(None, who="donor", path="/no-such-page/", status=404),
    # signed in: one's inbox, a match from both sides, a report, one's settings
    "inbox": Page("inbox", who="donor"),
    "match-offer-side": Page("match", who="donor", args=lambda p: [p.scene.match.pk]),
    "match-need-side": Page("match", who="member", args=lambda p: [p.scene.match.pk]),
    "match-coordinator": Page("match", who="coordinator", args=lambda p: [p.scene.match.pk]),
    "report": Page("report", who="donor", args=lambda p: ["match", p.scene.match.pk]),
    "welcome": Page("register-welcome", who="donor"),
    "settings": Page("account-settings", who="donor"),
    "erase": Page("account-erase", who="donor"),
    # donors, volunteers
    "donations": Page("donations", who="donor"),
    "donation-new": Page("donation-new", who="donor"),
    "donation-edit": Page("donation-edit", who="donor", args=lambda p: [p.donation.pk]),
    "volunteer-profile": Page("volunteer-profile", who="volunteer"),
    "volunteer-shifts": Page("volunteer-shifts", who="volunteer"),
    # landlords; initiatives
    "flats": Page("flats", who="landlord"),
    "flat-new": Page("flat-new", who="landlord"),
    "initiative": Page("initiative", who="member"),
    "initiative-goods-new": Page("initiative-goods-new", who="member"),
    "initiative-goods-edit": Page(
        "initiative-goods-edit", who="member", args=lambda p: [p.second_need.pk]
    ),
    "initiative-volunteers-new": Page("initiative-volunteers-new", who="member"),
    "initiative-import": Page("initiative-import", who="member"),
    "initiative-members": Page("initiative-members", who="member"),
    "households": Page("households", who="member"),
    "household-new": Page("household-new", who="member"),
    # coordinators (with a confirmed second factor)
    "coordination": Page("coordination", who="coordinator"),
    "coordination-unmet": Page("coordination-unmet", who="coordinator"),
    "coordination-figures": Page("coordination-figures", who="coordinator"),
    "coordination-map": Page("coordination-map", who="coordinator"),
    "two-factor": Page("two-factor", who="coordinator"),
}


@dataclass
class People:
    scene: object
    volunteer: object
    landlord: object
    donation: object
    second_need: object

    @property
    def donor(self):
        return self.scene.donor

    def user(self, who: str):
        return {
            "donor": self.scene.donor,
            "member": self.scene.member,
            "coordinator": self.scene.coordinator,
            "volunteer": self.volunteer,
            "landlord": self.landlord,
        }[who]


def _people() -> People:
    """An offered match (both sides see it), a second donation of the donor's with a long
    title (edit page) and its proposal in the coordinators' queue, and a volunteer."""
    scene = make_scene()
    offer_it(scene)
    need = scene.match.need
    donation = DonationOfferFactory(
        donor=scene.donor,
        category=need.category,
        quantity=3,
        title="Kinderjacken Größe 110 – ein-sehr-langes-wort-ohne-leerzeichen-das-umbrechen-muss",
        address="Geheimweg 9, 04177 Leipzig",
        district="Altlindenau",
        **east(1),
    )
    second_need = GoodsNeedFactory(
        organisation=scene.organisation,
        created_by=scene.member,
        category=need.category,
        quantity=3,
        title="Kinderjacken",
        district="Lindenau",
        **east(0),
    )
    created(run_for(second_need))
    volunteer = VolunteerProfileFactory(
        user=UserFactory(username="vera", first_name="Vera", role=Role.VOLUNTEER)
    ).user
    landlord = UserFactory(username="lena", first_name="Lena", role=Role.LANDLORD)
    # An inbox item with a word longer than a phone is wide: it wraps, nothing scrolls.
    notify(
        scene.donor,
        "offer_withdrawn",
        "a11y:withdrawn",
        {"offer_kind": "donation", "offer_title": "Winterjacken" * 12, "inbox_url": "/inbox/"},
    )
    return People(
        scene=scene,
        volunteer=volunteer,
        landlord=landlord,
        donation=donation,
        second_need=second_need,
    )


def _url(page: Page, people: People) -> str:
    if page.name is None:
        return page.path
    # Every page listed exists now: a renamed or removed one fails here rather than being
    # left out of the sweep without a word.
    return reverse(page.name, args=page.args(people) if page.args else None)


def _session_cookie(user) -> str:
    client = Client()
    if user.is_coordinator:
        verified_login(client, user)
    else:
        client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("key", list(PAGES))
def test_every_page_is_accessible_and_never_scrolls_sideways(
    key, live_server, chromium, settings, broker, tmp_path
):
    settings.SECOND_FACTOR_REQUIRED = True  # as in production: coordinators confirmed it
    page_spec = PAGES[key]
    people = _people()
    path = _url(page_spec, people)
    user = people.user(page_spec.who) if page_spec.who else None
    cookie = _session_cookie(user) if user else None

    failures = []
    for language, width_name in COMBINATIONS:
        width, height = WIDTHS[width_name]
        if user is not None:
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
        context = chromium.new_context(locale=language, viewport={"width": width, "height": height})
        cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
        if cookie:
            cookies.append(
                {"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}
            )
        context.add_cookies(cookies)
        browser_page = context.new_page()
        browser_page.set_default_timeout(20_000)
        try:
            response = browser_page.goto(live_server.url + path)
            browser_page.wait_for_selector("main")
            browser_page.wait_for_load_state("networkidle")
            where = f"{key} [{language}, {width_name}] {path}"
            assert response.status == page_spec.status, f"{where}: HTTP {response.status}"
            if user is not None:  # signed in, not sent to the login page
                assert browser_page.locator("form[action='/logout/']").count() == 1, where
            html = browser_page.locator("html")
            assert html.get_attribute("lang") == language, f"{where}: not in {language}"
            direction = "rtl" if language == "ar" else "ltr"
            assert html.get_attribute("dir") == direction, f"{where}: not {direction}"
            browser_page.screenshot(
                path=tmp_path / f"{key}-{language}-{width_name}.png", full_page=True
            )
            violations = axe_violations(browser_page)
            if violations:
                failures.append(f"{where}:\n{describe(violations)}")
            overflow = sideways_overflow(browser_page)
            if overflow:
                failures.append(f"{where}: scrolls sideways by {overflow} px")
        finally:
            context.close()
    assert not failures, "\n".join(failures)


def test_axe_runs_under_the_sites_content_policy_without_loosening_it(
    live_server, chromium, tmp_path
):
    """The policy blocks what add_script_tag inserts (an inline script); axe is evaluated
    instead, and the checks see a failing page as failing."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        response = page.goto(live_server.url + "/login/")
        assert "script-src" in response.headers["content-security-policy"]
        # Playwright may report the blocked script as an error, or the script does not run.
        with contextlib.suppress(Exception):
            page.add_script_tag(path=str(AXE_PATH))
        assert page.evaluate("typeof window.axe") == "undefined"

        assert_accessible(page)
        assert_no_sideways_scroll(page)

        # A page made bad on purpose fails both checks (the DOM may be changed by the test).
        page.evaluate(
            """() => {
              document.querySelector('main').insertAdjacentHTML('beforeend',
                '<img src="/x.png"><input type="text"><p>' + 'x'.repeat(400) + '</p>');
              const wide = document.querySelector('main p:last-child');
              wide.style.whiteSpace = 'nowrap';
            }"""
        )
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page)
        with pytest.raises(AssertionError, match="scrolls sideways"):
            assert_no_sideways_scroll(page)
    finally:
        context.close()
