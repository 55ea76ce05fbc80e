# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A person registers as a donor in a real browser (Playwright driving Debian's Chromium) on
a phone 390 px wide, in Arabic: the page is right to left, nothing scrolls sideways, a weak
password is refused beside its field with the focus on it, and the second try lands signed in
on the welcome page."""

import pytest

from accounts.models import Role, User
from tests.e2e.a11y import wait_for_focus
from tests.factories import OrganisationFactory, UserFactory
from tests.web.fixtures import PASSWORD, chromium  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
PASSPHRASE = "a long and uncommon passphrase"
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def check_page(page, tmp_path, step: str) -> None:
    """Right to left, nothing sideways at 390 px, nothing the content policy blocked; a
    screenshot of the step is kept as an artifact."""
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert scroll_width(page) <= PHONE["width"], step
    assert page.evaluate("window.__cspViolations") == [], step
    page.screenshot(path=str(tmp_path / f"{step}.png"), full_page=True)


@pytest.fixture
def arabic_phone(chromium):
    context = chromium.new_context(locale="ar", viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_VIOLATIONS)
    yield page
    context.close()


def test_a_donor_registers_in_arabic_on_a_phone_and_lands_signed_in_on_the_welcome_page(
    live_server, arabic_phone, tmp_path
):
    page = arabic_phone
    page.goto(live_server.url + "/")
    check_page(page, tmp_path, "01-home")
    page.locator("a[href='/register/donor/']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/register/donor/")
    check_page(page, tmp_path, "02-register")
    assert page.locator("#id_password").get_attribute("type") == "password"

    page.fill("#id_username", "samira")
    page.fill("#id_email", "samira@example.org")
    page.fill("#id_password", "Leipzig2024")
    page.fill("#id_first_name", "Samira")
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    # Refused beside the field, the focus on it, everything else kept, nothing stored.
    assert page.locator("#id_password-error").is_visible()
    wait_for_focus(page, "id_password")
    assert page.input_value("#id_username") == "samira"
    assert page.input_value("#id_first_name") == "Samira"
    assert page.input_value("#id_password") == ""
    assert not User.objects.filter(username="samira").exists()
    check_page(page, tmp_path, "03-refused")

    page.fill("#id_password", PASSPHRASE)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/register/welcome/")
    check_page(page, tmp_path, "04-welcome")
    assert "Samira" in page.locator("h1").inner_text()
    # Signed in: the header offers signing out.
    assert page.locator("header form[action='/logout/'] button").count() == 1
    user = User.objects.get(username="samira")
    assert user.role == Role.DONOR and user.preferred_language == "ar"
    assert user.check_password(PASSPHRASE)


def test_no_account_page_scrolls_sideways_on_a_phone_in_arabic(live_server, arabic_phone, tmp_path):
    page = arabic_phone
    OrganisationFactory(name="Notunterkunft Grünau mit einem sehr langen Namen für die Liste")
    for step, path in [
        ("register-choose", "/register/"),
        ("register-initiative", "/register/initiative/"),
        ("not-found", "/no-such-page/"),
    ]:
        page.goto(live_server.url + path)
        check_page(page, tmp_path, step)
    # Refused registration for an initiative: every error beside its field.
    page.goto(live_server.url + "/register/initiative/")
    page.locator("input[name=initiative][value=start]").check()
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_new_initiative_name-error").is_visible()
    check_page(page, tmp_path, "register-initiative-refused")

    UserFactory(username="samira", preferred_language="ar", role=Role.VOLUNTEER)
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", "samira")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    for step, path in [
        ("home-signed-in", "/"),
        ("welcome", "/register/welcome/"),
        ("settings", "/account/settings/"),
        ("erase", "/account/erase/"),
    ]:
        page.goto(live_server.url + path)
        check_page(page, tmp_path, step)
    # Settings: switching every channel off is refused beside it, with the focus there.
    page.goto(live_server.url + "/account/settings/")
    page.locator("#id_email_channel").uncheck()
    page.locator("#id_inbox_channel").uncheck()
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    wait_for_focus(page, "id_email_channel")
    check_page(page, tmp_path, "settings-refused")
