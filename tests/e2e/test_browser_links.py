# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""One-click links in a real browser (Playwright driving Debian's Chromium) against the live
server: the recipient's language and direction, a scanner's GET deciding nothing, and the
clear pages of expired, used and tampered links."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import ActionLink, MatchState
from tests.web.fixtures import chromium, link_path, make_scene, offer_it, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def answers(scene) -> tuple:
    scene.match.refresh_from_db()
    return scene.match.state, scene.match.need_answer, scene.match.offer_answer


def test_an_arabic_recipient_reads_right_to_left_and_confirming_accepts(
    live_server,
    page,
    broker,
    tmp_path,
):
    scene = make_scene(donor_language="ar")
    offer_it(scene)
    page.goto(live_server.url + link_path(scene.member, "accept"))
    assert page.locator("html").get_attribute("lang") == "de"
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert answers(scene) == (MatchState.OFFERED, "yes", "")

    # The browser asks for German (context locale de-DE); the page follows the recipient.
    response = page.goto(live_server.url + link_path(scene.donor, "accept"))
    assert response.status == 200
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "الموافقة على هذا الاقتراح"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.screenshot(path=str(tmp_path / "link-ar.png"), full_page=True)
    assert answers(scene) == (MatchState.OFFERED, "yes", "")  # reading it decided nothing

    page.get_by_role("button", name="نعم، أوافق").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "شكرًا لك"
    assert answers(scene) == (MatchState.ACCEPTED, "yes", "yes")
    # Both said yes: the other side's contact is on the page now.
    assert scene.member.email in page.content()
    page.screenshot(path=str(tmp_path / "done-ar.png"), full_page=True)


def test_a_scanner_following_the_link_decides_nothing(live_server, page, broker):
    scene = make_scene()
    offer_it(scene)
    url = live_server.url + link_path(scene.donor, "decline")
    before = answers(scene)
    # What a mail scanner does: GET and HEAD, with and without a browser, never the form.
    assert page.request.get(url).status == 200
    assert page.request.head(url).status == 200
    page.goto(url)
    page.goto(url + "?lang=en")
    assert answers(scene) == before
    assert not ActionLink.objects.filter(used_at__isnull=False).exists()


def test_expired_used_and_tampered_links_get_a_clear_page(live_server, page, broker):
    scene = make_scene()
    offer_it(scene)
    accept = live_server.url + link_path(scene.donor, "accept")
    page.goto(accept)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    before = answers(scene)

    response = page.goto(accept)
    assert response.status == 410
    assert page.locator("h1").inner_text() == "تم استخدام هذا الرابط من قبل"
    assert page.locator("main a[href='/inbox/']").count() == 1

    tampered = accept.rstrip("/")[:-4] + "abcd/"
    response = page.goto(tampered)
    assert response.status == 404
    assert page.locator("h1").inner_text() in ("Dieser Link funktioniert nicht",)

    member_accept = live_server.url + link_path(scene.member, "accept")
    ActionLink.objects.filter(user=scene.member).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = page.goto(member_accept)
    assert response.status == 410
    assert page.locator("h1").inner_text() == "Dieser Link ist abgelaufen"
    assert page.locator("main form button[type=submit]").count() == 0
    assert answers(scene) == before
