"""Rendering: the recipient's language, dates in Europe/Berlin, contact details only from
revealed_details, and the HTML built from the text."""

import copy

import pytest
from django.template import Context, Template
from django.utils import translation

from matching.models import Match, MatchState
from matching.notices import match_context
from notifications.models import Notification
from notifications.rendering import render_email, render_text
from tests.factories import (
    DonationOfferFactory,
    GoodsNeedFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.notifications.test_templates_every_language import (
    ANSWER_LINKS,
    CONTEXTS,
    MISSING,
    SITE,
    make,
)

pytestmark = pytest.mark.django_db

NEED_ADDRESS = "Stuttgarter Allee 17, 04209 Leipzig"
OFFER_ADDRESS = "Karl-Liebknecht-Straße 5, 04107 Leipzig"


def when(value: str, language: str, filter_name: str = "when") -> str:
    with translation.override(language):
        template = Template("{% load notification_tags %}{{ value|" + filter_name + " }}")
        return template.render(Context({"value": value}))


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, expected",
    [
        ("de", "Dienstag, 1. April 2025, 01:30 Uhr"),
        ("en", "1:30 a.m. on Tuesday, April 1, 2025"),
        ("uk", "01 квітня 2025 р. (вівторок) о 01:30"),
        ("ar", "الثلاثاء، 1 إبريل، 2025، الساعة 1:30 ص"),
    ],
)
def test_a_utc_time_is_shown_in_berlin_summer_time_in_the_languages_format(language, expected):
    # 23:30 UTC on 31 March 2025 is already 1 April in Berlin (summer time since 30 March).
    assert when("2025-03-31T23:30:00+00:00", language) == expected
    assert when("2025-03-31T23:30:00Z", language) == expected


def test_winter_time_is_one_hour_ahead_of_utc_and_naive_times_count_as_utc():
    assert when("2025-01-10T09:00:00+00:00", "de") == "Freitag, 10. Januar 2025, 10:00 Uhr"
    assert when("2025-01-10T09:00:00", "de") == "Freitag, 10. Januar 2025, 10:00 Uhr"


def test_a_day_is_the_berlin_day_and_a_plain_date_is_not_shifted():
    assert when("2025-03-31T23:30:00+00:00", "de", "day") == "Dienstag, 1. April 2025"
    assert when("2025-05-01", "de", "day") == "Donnerstag, 1. Mai 2025"
    assert when("2025-05-01", "uk", "day") == "01 травня 2025 р. (четвер)"


def test_an_unreadable_or_missing_date_is_not_hidden_nor_an_error():
    assert when("soon", "en") == "soon"
    assert when(None, "en") == ""


def test_an_email_shows_respond_by_in_berlin_time(donor):
    row = make(donor, "match_offered", CONTEXTS["match_offered"], "de")
    subject, text = render_text(row)
    assert "bis Dienstag, 1. April 2025, 01:30 Uhr" in text
    assert "31. März" not in text


# --- language ---------------------------------------------------------------------------------


def test_the_recipients_language_wins_over_the_active_and_the_senders(donor):
    # The event happens in a German request of a German-speaking coordinator ...
    donor.preferred_language = "uk"
    donor.save()
    row = make(donor, "geocoding_failed", CONTEXTS["geocoding_failed"], "uk")
    with translation.override("de"):
        subject, text = render_text(row)
        message = render_email(row)
        assert translation.get_language() == "de"  # ... and rendering leaves it as it was
    assert subject == "Будь ласка, перевірте адресу «Kinderwagen»"
    assert text.startswith("Вітаємо,")
    assert message.extra_headers["Content-Language"] == "uk"
    assert '<html lang="uk" dir="ltr">' in message.alternatives[0][0]


def test_a_language_without_templates_falls_back_to_english_as_a_whole(donor):
    row = make(donor, "match_offered", CONTEXTS["match_offered"], "fr")
    message = render_email(row)
    assert message.extra_headers["Content-Language"] == "en"
    assert message.subject.startswith("A donation for")
    assert "1:30 a.m. on Tuesday, April 1, 2025" in message.body  # English dates too
    assert '<html lang="en" dir="ltr">' in message.alternatives[0][0]


def test_category_names_follow_the_rendering_language(donor):
    row = make(donor, "match_offered", CONTEXTS["match_offered"], "de")
    german = render_text(row)[1]
    row.language = "en"
    english = render_text(row)[1]
    assert "5 × " in german and "5 × " in english
    assert german.split("5 × ")[1].split("\n")[0] != english.split("5 × ")[1].split("\n")[0]


# --- privacy: contact details only from revealed_details ---------------------------------------


@pytest.fixture
def world(db):
    """A goods match between an initiative and a donor, each with contact details."""
    organisation = OrganisationFactory(name="Notunterkunft Grünau", email="gruenau@example.org")
    member = UserFactory(
        username="ines", first_name="Ines", phone="0341 111", preferred_language="de"
    )
    MembershipFactory(user=member, organisation=organisation, is_admin=True)
    donor = UserFactory(
        username="dana",
        first_name="Dana",
        last_name="Dorn",
        email="dana@example.org",
        phone="0176 222",
        preferred_language="ar",
    )
    need = GoodsNeedFactory(
        organisation=organisation, created_by=member, address=NEED_ADDRESS, quantity=5
    )
    offer = DonationOfferFactory(donor=donor, address=OFFER_ADDRESS, quantity=5)
    match = Match.objects.create(
        goods_need=need,
        donation_offer=offer,
        quantity=5,
        distance_m=4800,
        score=0.8,
        state=MatchState.OFFERED,
    )
    return match, member, donor


def context_of(match: Match, side: str, **extra) -> dict:
    """The match context exactly as the workflow's notices write it into the row."""
    return match_context(match, side, **{"links": ANSWER_LINKS, **extra})


NEED_MARKERS = ["gruenau@example.org", "ines@example.org", "0341 111", NEED_ADDRESS]
OFFER_MARKERS = ["dana@example.org", "0176 222", OFFER_ADDRESS, "Dorn"]


def everything(notification: Notification) -> str:
    message = render_email(notification)
    return "\n".join([message.subject, message.body, message.alternatives[0][0]])


@pytest.mark.parametrize("language", ["de", "en", "uk", "ar"])
@pytest.mark.parametrize("template", ["match_offered", "match_reminder", "match_accepted"])
def test_before_both_said_yes_no_email_shows_the_other_sides_contact_or_address(
    world, template, language
):
    match, member, donor = world  # offered: nobody has answered yet
    to_need = everything(make(member, template, context_of(match, "need"), language))
    to_offer = everything(make(donor, template, context_of(match, "offer"), language))
    for marker in OFFER_MARKERS:
        assert marker not in to_need
    for marker in NEED_MARKERS:
        assert marker not in to_offer


@pytest.mark.parametrize("language", ["de", "en", "uk", "ar"])
def test_match_accepted_shows_the_counterpart_from_revealed_details(world, language):
    match, member, donor = world
    match.state = MatchState.ACCEPTED
    match.save()
    to_need = everything(make(member, "match_accepted", context_of(match, "need"), language))
    to_offer = everything(make(donor, "match_accepted", context_of(match, "offer"), language))

    for marker in OFFER_MARKERS:
        assert marker in to_need, marker
    for marker in ["gruenau@example.org", "Notunterkunft Grünau", NEED_ADDRESS]:
        assert marker in to_offer, marker
    assert "0176 222" not in to_offer and "dana@example.org" not in to_offer


def test_match_accepted_never_shows_contact_details_stored_in_the_row(world):
    match, member, _ = world  # still offered: revealed_details says None
    planted = {
        "name": "Mallory",
        "organisation": "",
        "email": "mallory@example.org",
        "phone": "0000",
        "address": "Geheimweg 1",
    }
    row = make(member, "match_accepted", context_of(match, "need", counterpart=planted), "de")
    shown = everything(row)
    assert "mallory@example.org" not in shown and "Geheimweg 1" not in shown
    for marker in OFFER_MARKERS:
        assert marker not in shown
    assert f"{SITE}/matches/" in shown  # where to look once both said yes


def test_a_match_that_ended_after_acceptance_no_longer_reveals_anything(world):
    match, member, _ = world
    match.state = MatchState.CANCELLED
    match.save()
    shown = everything(make(member, "match_accepted", context_of(match, "need"), "en"))
    for marker in OFFER_MARKERS:
        assert marker not in shown


# --- text and HTML ----------------------------------------------------------------------------


def test_a_relayed_message_is_escaped_in_html_and_verbatim_in_text(donor):
    body = 'Tom & Jerry <script>alert(1)</script>\n"Siehe" https://evil.example/x'
    context = {**CONTEXTS["match_message"], "body": body}
    message = render_email(make(donor, "match_message", context, "de"))
    html = message.alternatives[0][0]

    assert body in message.body  # plain text is not HTML: nothing escaped
    assert "<script>" not in html and "&lt;script&gt;" in html and "Tom &amp; Jerry" in html
    # Only links of this site become links or buttons; a URL someone wrote stays text.
    assert 'href="https://evil.example' not in html
    assert f'href="{SITE}/matches/4711/"' in html


def test_text_has_no_runs_of_empty_lines_nor_trailing_spaces(donor):
    subject, text = render_text(make(donor, "match_offered", CONTEXTS["match_offered"], "en"))
    assert "\n\n\n" not in text
    assert all(line == line.rstrip() for line in text.splitlines())
    assert subject == "A donation for “Winterjacken für Kinder” – do you agree?"


def test_the_inbox_text_is_the_email_text_without_its_signature(donor):
    row = make(donor, "still_available", CONTEXTS["still_available"], "en")
    message = render_email(row)
    subject, text = render_text(row)
    assert subject == message.subject
    assert message.body.startswith(text.rstrip()) and "--\nWillkommen" in message.body
    assert "Willkommen ·" not in text


def test_a_missing_context_key_is_caught_by_the_strict_check(donor, settings):
    # Guards the trick the every-language test relies on.
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.TEMPLATES = templates
    row = make(donor, "geocoding_failed", {"title": "Kinderwagen"}, "en")
    assert "§MISSING:address§" in render_text(row)[1]
