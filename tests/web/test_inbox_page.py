"""The inbox lists short summaries (never the emails' one-click links or anyone's contact), and
every page and email writes a distance the way the reader's language writes numbers."""

import re

import pytest
from django.test import Client
from django.utils import translation

from base.units import about_km
from matching.models import MatchState
from notifications.models import Notification
from notifications.rendering import render_text
from notifications.services import notify
from tests.web.fixtures import offer_it

pytestmark = pytest.mark.django_db

ONE_CLICK = re.compile(r"/l/[A-Za-z0-9_\-:.]+")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def one_click_paths(user) -> list[str]:
    paths = []
    for row in Notification.objects.filter(recipient=user):
        for url in (row.context.get("links") or {}).values():
            paths.append("/l/" + url.rstrip("/").rsplit("/l/", 1)[1])
    return paths


@pytest.mark.parametrize("language", ["en", "de", "ar"])
def test_the_inbox_shows_a_summary_without_one_click_links_or_the_other_sides_contact(
    scene, language
):
    scene.donor.preferred_language = language
    scene.donor.save()
    offer_it(scene)
    html = signed_in(scene.donor).get("/inbox/").content.decode()

    links = one_click_paths(scene.donor)
    assert links  # the email has them: the inbox must not
    for path in links:
        assert path not in html
    assert not ONE_CLICK.search(html)
    for secret in (scene.member.email, scene.member.phone, "Lützner Straße"):
        assert secret not in html
    # What it is about, and where to act on it.
    assert "Winterjacken" in html and "Notunterkunft Lindenau" in html
    assert f'href="/matches/{scene.match.pk}/"' in html
    assert "<time datetime=" in html


def test_after_both_said_yes_the_inbox_still_sends_to_the_match_page_for_the_contact(scene):
    offer_it(scene)
    for user in (scene.donor, scene.member):
        assert (
            signed_in(user)
            .post(f"/matches/{scene.match.pk}/respond/", {"answer": "yes"})
            .status_code
            == 302
        )
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.ACCEPTED
    assert Notification.objects.filter(recipient=scene.donor, template="match_accepted").exists()

    html = signed_in(scene.donor).get("/inbox/").content.decode()
    assert not ONE_CLICK.search(html)
    assert scene.member.phone not in html and scene.member.email not in html
    assert f'href="/matches/{scene.match.pk}/"' in html


def test_a_german_match_page_writes_the_distance_with_a_decimal_comma(scene):
    offer_it(scene)
    html = signed_in(scene.member).get(f"/matches/{scene.match.pk}/").content.decode()
    assert re.search(r"etwa \d+,\d km", html)
    assert not re.search(r"\d+\.\d km", html)


def test_an_english_match_page_writes_the_distance_with_a_decimal_point(scene):
    scene.member.preferred_language = "en"
    scene.member.save()
    offer_it(scene)
    html = signed_in(scene.member).get(f"/matches/{scene.match.pk}/").content.decode()
    assert re.search(r"about \d+\.\d km", html)


def test_the_coordination_queue_writes_the_distance_like_the_match_page(scene):
    html = signed_in(scene.coordinator).get("/coordination/").content.decode()
    assert re.search(r"etwa \d+,\d km", html)


def test_the_email_writes_the_distance_with_the_same_helper(scene):
    offer_it(scene)
    row = Notification.objects.get(recipient=scene.member, template="match_offered")
    _, text = render_text(row)
    with translation.override("de"):
        expected = about_km(row.context["distance_km"])
    assert f"Entfernung: {expected}" in text and re.search(r"etwa \d+,\d km", text)


@pytest.mark.parametrize(
    "language, km, written",
    [
        ("de", 6.2, "etwa 6,2 km"),
        ("en", 6.2, "about 6.2 km"),
        ("de", 2, "etwa 2,0 km"),
        ("uk", 6.25, "близько 6,2 км"),
    ],
)
def test_a_distance_is_written_with_one_decimal_in_the_languages_way(language, km, written):
    with translation.override(language):
        assert about_km(km) == written


@pytest.mark.parametrize("language, direction", [("de", "ltr"), ("ar", "rtl"), ("en", "ltr")])
def test_the_not_found_page_speaks_the_signed_in_persons_language(scene, language, direction):
    scene.donor.preferred_language = language
    scene.donor.save()
    response = signed_in(scene.donor).get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}" dir="{direction}">' in html
    with translation.override(language):
        assert translation.gettext("We cannot find this page") in html


def test_an_offer_question_in_the_inbox_sends_to_ones_offers_without_its_one_click_links(scene):
    scene.donor.preferred_language = "en"
    scene.donor.save()
    notify(
        scene.donor,
        "still_available",
        "test:still-available",
        {
            "offer_kind": "donation",
            "offer_title": "Warme Jacken",
            "created_at": "2026-01-02T10:00:00+00:00",
            "answer_by": "2026-01-09T10:00:00+00:00",
            "links": {
                "still_available": "http://testserver/l/secret-token-one/",
                "withdraw": "http://testserver/l/secret-token-two/",
            },
            "inbox_url": "http://testserver/inbox/",
        },
    )
    html = signed_in(scene.donor).get("/inbox/").content.decode()
    assert "Is your donation “Warme Jacken” still available?" in html
    assert "secret-token" not in html and not ONE_CLICK.search(html)
    assert 'href="/donations/"' in html and "Your donation" in html


def test_a_long_title_is_given_as_is_for_the_page_to_wrap(scene):
    scene.donor.preferred_language = "en"
    scene.donor.save()
    long_word = "Winterjacken" * 20
    notify(
        scene.donor,
        "offer_withdrawn",
        "test:withdrawn",
        {"offer_kind": "donation", "offer_title": long_word, "inbox_url": "/inbox/"},
    )
    html = signed_in(scene.donor).get("/inbox/").content.decode()
    assert long_word in html and "web/inbox.css" in html
