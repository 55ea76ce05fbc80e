# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""Signed-in pages in a real browser (Playwright driving Debian's Chromium): a coordinator
approves a proposal on the dashboard; the inbox shows what is unread and marks it read."""

import pytest

from matching.models import MatchState
from notifications.models import Notification
from tests.web.fixtures import PASSWORD, chromium, make_scene, offer_it, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_coordinator_approves_a_proposal_on_the_dashboard(live_server, page, broker):
    scene = make_scene()
    sign_in(page, live_server, scene.coordinator.username)
    page.goto(live_server.url + "/coordination/")
    card = page.locator(f"[data-match='{scene.match.pk}']")
    assert card.count() == 1

    # Rejecting without a reason is refused beside the card (in place) and changes nothing.
    card.locator("form[action$='/reject/'] button").click()
    error = page.locator(f"[data-match='{scene.match.pk}'] .error")
    error.wait_for()
    assert "warum" in error.inner_text()
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.PROPOSED

    page.locator(f"[data-match='{scene.match.pk}'] form[action$='/approve/'] button").click()
    decided = page.locator(f"[data-match='{scene.match.pk}'][data-decided]")
    decided.wait_for()
    assert decided.inner_text().startswith("Vorschlag")
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.OFFERED
    page.reload()
    assert page.locator(f"[data-match='{scene.match.pk}']").count() == 0


def test_the_inbox_shows_unread_items_and_marks_them_read(live_server, page, broker):
    scene = make_scene(donor_language="uk")
    offer_it(scene)
    row = Notification.objects.get(recipient=scene.donor, template="match_offered")
    sign_in(page, live_server, scene.donor.username)
    assert page.url.endswith("/inbox/")
    assert page.locator("html").get_attribute("lang") == "uk"
    item = page.locator(f"[data-notification='{row.pk}']")
    assert "unread" in item.get_attribute("class")
    assert item.locator(".badge").inner_text() == "Нове"

    item.locator("form[action$='/read/'] button").click()
    page.wait_for_load_state()
    row.refresh_from_db()
    assert row.read_at is not None
    assert "unread" not in page.locator(f"[data-notification='{row.pk}']").get_attribute("class")

    page.locator(f"[data-notification='{row.pk}'] a[href='/matches/{scene.match.pk}/']").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/matches/{scene.match.pk}/")
    assert scene.member.email not in page.content()  # not before both said yes
