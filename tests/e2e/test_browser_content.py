# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""A reader in Arabic on a phone 390 px wide, in a real browser (Playwright driving Debian's
Chromium), offline: opens the information pages (right to left), reads a page whose Arabic
translation is outdated (the notice, and the German original marked left to right inside the
Arabic page), and downloads the handout's PDF in Arabic, whose text reads in order. axe-core
finds no critical or serious violation, nothing scrolls sideways, no CSP violation."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from content import services
from tests.content.factories import ARRIVING_AR, KITA_AR, EditorFactory, make_handout, make_page
from tests.e2e.a11y import assert_accessible, assert_no_sideways_scroll, wait_for_focus
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


def test_an_arabic_reader_sees_the_notice_and_downloads_the_handout(
    live_server, arabic_phone, tmp_path
):
    editor = EditorFactory()
    children = make_page(editor, "children", translations={"ar": ARRIVING_AR})
    kita = make_page(
        editor,
        "kita-and-school",
        parent=children,
        fields={"title": "Kita und Schule", "body": "Anmeldung im Elternportal."},
        translations={"ar": {"title": "الروضة والمدرسة", "body": "التسجيل في بوابة الأهل."}},
    )
    # The German source changes after the Arabic translation: it is outdated now.
    services.update_page(kita, actor=editor, changes={"body": "Anmeldung nur noch online."})
    make_handout(editor, "kita-place", page=kita, translations={"ar": KITA_AR})

    page = arabic_phone
    page.goto(live_server.url + "/info/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "1-topics.png"), full_page=True)

    page.get_by_role("link", name="Kita und Schule").click()
    page.wait_for_url("**/info/children/kita-and-school/")
    notice = page.locator("[data-notice=outdated]")
    assert notice.is_visible()
    article = page.locator("article[data-shown-language]")
    assert (article.get_attribute("lang"), article.get_attribute("dir")) == ("de", "ltr")
    assert "Anmeldung nur noch online." in article.inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "2-outdated-page.png"), full_page=True)

    with page.expect_download() as waiting:
        page.locator("[data-handout=kita-place] a[data-pdf=ar]").click()
    download = waiting.value
    assert download.suggested_filename == "kita-place-ar.pdf"
    document = Path(download.path()).read_bytes()
    assert document.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert "البحث عن مكان في الروضة" in text

    assert page.evaluate("window.__cspViolations") == []
    assert page.outside == []


@pytest.fixture
def phone(chromium, live_server):
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
    yield page
    context.close()


def test_an_editor_sees_what_is_missing_and_is_led_to_the_field_to_fix(
    live_server, phone, tmp_path
):
    editor = EditorFactory(username="erika", preferred_language="en")
    page_record = make_page(editor, "arriving", translations={"ar": ARRIVING_AR})
    services.update_page(page_record, actor=editor, changes={"title": "Ankommen"})
    make_handout(editor, "kita-place")

    page = phone
    page.goto(live_server.url + "/login/?next=/coordination/content/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/coordination/content/")
    arabic = page.locator("tr[data-language=ar]")
    assert arabic.locator("[data-count=outdated]").inner_text() == "1"
    assert arabic.locator("[data-count=missing]").inner_text() == "1"
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "1-status.png"), full_page=True)

    page.locator("section[data-work=ar] li[data-status=outdated] a").click()
    page.wait_for_url(f"**/coordination/content/pages/{page_record.pk}/translate/ar/")
    assert page.locator("[data-source]").get_attribute("dir") == "ltr"
    assert page.locator("#id_title").get_attribute("dir") == "rtl"
    page.fill("#id_title", "")
    page.locator("form.content-form button[type=submit]").click()
    page.wait_for_selector("#title-error")
    # The first field with an error has the focus (web/static/web/content.js).
    wait_for_focus(page, "id_title")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "2-translation-refused.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
