"""Every email template renders in every language from a full context: one line of subject,
text and HTML without template leftovers and without a variable that silently came out empty,
Arabic right to left."""

import copy
import re

import pytest

from matching.models import Match, MatchState
from notifications.models import Notification
from notifications.rendering import render_email, render_text
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en", "uk", "ar"]
SITE = "http://localhost:8000"
MISSING = "§MISSING:%s§"

# The match context every match event carries (contract §3), one kind at a time.
MATCH = {
    "match_id": 4711,
    "kind": "goods",
    "side": "need",
    "quantity": 5,
    "category": "clothing-winter-jacket",
    "need_title": "Winterjacken für Kinder",
    "offer_title": "Fünf Kinderjacken",
    "organisation": "Notunterkunft Grünau",
    "need_district": "Grünau",
    "offer_district": "Connewitz",
    "distance_km": 4.8,
    "shift_start": None,
    "shift_end": None,
    "move_in": None,
    "respond_by": "2025-03-31T23:30:00+00:00",
    "links": {},
    "inbox_url": f"{SITE}/inbox/",
    "match_url": f"{SITE}/matches/4711/",
}
KINDS = {
    "goods": {},
    "volunteers": {
        "kind": "volunteers",
        "quantity": 1,
        "category": None,
        "need_title": "Essensausgabe am Abend",
        "offer_title": "",
        "shift_start": "2025-04-02T15:00:00+00:00",
        "shift_end": "2025-04-02T18:00:00+00:00",
    },
    "housing": {
        "kind": "housing",
        "quantity": 1,
        "category": None,
        "need_title": "Familie mit zwei Kindern sucht 3 Zimmer",
        "offer_title": "3-Zimmer-Wohnung mit Balkon",
        "move_in": "2025-05-01",
    },
    "jobs": {
        "kind": "jobs",
        "quantity": 1,
        "category": None,
        "need_title": "Koch oder Köchin in der Kantine",
        "offer_title": "",
        "occupation": "Köchinnen und Köche",
        "hours": "Vollzeit",
        "start_date": "2025-05-01",
        "remote": True,
        # Only the employer's side is told this (matching.notices._job_context).
        "seeker_experience": [{"occupation": "Köchinnen und Köche", "years": 4.0}],
        "seeker_german": "B1",
    },
}
ANSWER_LINKS = {"accept": f"{SITE}/l/accept-token/", "decline": f"{SITE}/l/decline-token/"}

# One full sample context per template.
CONTEXTS = {
    "match_offered": {**MATCH, "links": ANSWER_LINKS},
    "match_reminder": {**MATCH, "links": ANSWER_LINKS},
    "match_accepted": {**MATCH},
    "match_declined": {**MATCH},
    "match_expired": {**MATCH},
    "match_cancelled": {**MATCH, "reason": "Die Unterkunft wurde geschlossen."},
    "handover_question": {
        **MATCH,
        "links": {
            "fulfilled": f"{SITE}/l/fulfilled-token/",
            "not_happened": f"{SITE}/l/not-happened-token/",
        },
    },
    "match_fulfilled": {**MATCH, "side": "offer", "fulfilled_quantity": 3},
    "match_message": {
        **MATCH,
        "sender_side": "offer",
        "body": "Passt es am Samstag um 10 Uhr?",
        "reply_url": f"{SITE}/matches/4711/",
    },
    "still_available": {
        "offer_kind": "donation",
        "offer_title": "Fünf Kinderjacken",
        "created_at": "2025-01-10T09:00:00+00:00",
        "answer_by": "2025-03-31T23:30:00+00:00",
        "links": {
            "available": f"{SITE}/l/available-token/",
            "withdraw": f"{SITE}/l/withdraw-token/",
        },
        "inbox_url": f"{SITE}/inbox/",
    },
    "offer_withdrawn": {
        "offer_kind": "donation",
        "offer_title": "Fünf Kinderjacken",
        "inbox_url": f"{SITE}/inbox/",
    },
    "need_handed_over": {
        "need_kind": "goods",
        "need_title": "Winterjacken für Kinder",
        "from_organisation": "Notunterkunft Grünau",
        "to_organisation": "Kleiderkammer Lindenau",
        "reason": "Die Kleiderkammer hat mehr Platz.",
        "inbox_url": f"{SITE}/inbox/",
    },
    "digest": {"notification_ids": []},  # filled by the fixture with real rows
    "geocoding_failed": {"title": "Kinderwagen", "address": "Hauptstraße 1, 04109 Leipzig"},
    "keep_confirm": {"organisation": "Beratung Ost", "count": 3, "oldest": "2026-01-31"},
    "review_waiting": {
        "events_waiting": 2,
        "directory_waiting": 1,
        "count": 3,
        "events_review_url": f"{SITE}/events/manage/",
        "directory_review_url": f"{SITE}/directory/manage/",
    },
    "review_approved": {
        "title": "Nähcafé",
        "entry_kind": "event",
        "organisation": "Beratung Ost",
        "url": f"{SITE}/events/12/",
    },
}
MATCH_TEMPLATES = [name for name, context in CONTEXTS.items() if "match_id" in context]
# Words each rendering must show, whatever the language: proof the context reached the text.
KNOWN = {
    "match_cancelled": ["Die Unterkunft wurde geschlossen."],
    "match_message": ["Passt es am Samstag um 10 Uhr?", f"{SITE}/matches/4711/"],
    "still_available": ["Fünf Kinderjacken", f"{SITE}/l/available-token/"],
    "offer_withdrawn": ["Fünf Kinderjacken", f"{SITE}/inbox/"],
    "need_handed_over": ["Kleiderkammer Lindenau", "Notunterkunft Grünau"],
    "geocoding_failed": ["Kinderwagen", "Hauptstraße 1"],
    "keep_confirm": ["Beratung Ost", "2026-01-31", f"{SITE}/kept/"],
    "review_waiting": [f"{SITE}/events/manage/", f"{SITE}/directory/manage/"],
    "review_approved": ["Nähcafé", f"{SITE}/events/12/"],
}


@pytest.fixture
def strict_templates(settings):
    """A variable missing from the context shows up instead of rendering as ""."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MISSING
    settings.TEMPLATES = templates


@pytest.fixture
def accepted_match(db):
    need = GoodsNeedFactory(quantity=5)
    offer = DonationOfferFactory(quantity=5)
    return Match.objects.create(
        goods_need=need,
        donation_offer=offer,
        quantity=5,
        distance_m=4800,
        score=0.8,
        state=MatchState.ACCEPTED,
    )


def make(recipient, template: str, context: dict, language: str) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        template=template,
        language=language,
        context=context,
        idempotency_key=f"test:{Notification.objects.count()}",
    )


def context_for(template: str, kind: str = "goods", side: str | None = None, **more) -> dict:
    context = copy.deepcopy(CONTEXTS[template])
    if "match_id" in context:
        context.update(KINDS[kind])
    if side:
        context["side"] = side
    context.update(more)
    return context


def assert_complete(subject: str, text: str, html: str) -> None:
    assert subject and "\n" not in subject
    for part in (subject, text, html):
        assert "§MISSING" not in part, part
        assert "{{" not in part and "{%" not in part and "}}" not in part, part
    assert text.strip() and html.strip()
    assert "None" not in text and "None" not in html


def rendered(notification: Notification) -> tuple[str, str, str]:
    message = render_email(notification)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    subject, text = render_text(notification)
    assert subject == message.subject and message.body.startswith(text.rstrip())
    return message.subject, message.body, html


@pytest.mark.usefixtures("strict_templates")
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", [t for t in CONTEXTS if t != "digest"])
def test_every_template_renders_in_every_language(template, language, accepted_match):
    recipient = UserFactory(first_name="Amira", preferred_language=language)
    context = context_for(template, match_id=accepted_match.pk)
    if "match_id" not in CONTEXTS[template]:
        context.pop("match_id")
    subject, text, html = rendered(make(recipient, template, context, language))

    assert_complete(subject, text, html)
    assert "Amira" in text and "Amira" in html
    assert f'lang="{language}"' in html
    for known in KNOWN.get(template, []):
        assert known in text and known in html, known
    for url in context.get("links", {}).values():
        assert url in text  # a plain URL in the text ...
        # ... and a real button in the HTML
        assert re.search(rf'<a href="{re.escape(url)}" style="display:inline-block', html)


@pytest.mark.usefixtures("strict_templates")
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("side", ["need", "offer"])
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("template", MATCH_TEMPLATES)
def test_match_templates_render_for_every_kind_and_side(
    template, kind, side, language, accepted_match
):
    recipient = UserFactory(first_name="Amira", preferred_language=language)
    context = context_for(template, kind, side, match_id=accepted_match.pk)
    subject, text, html = rendered(make(recipient, template, context, language))

    assert_complete(subject, text, html)
    assert context["need_title"] in text
    assert str(accepted_match.pk) in text
    if kind == "volunteers" and template != "match_message":  # when a shift starts and ends
        assert "Essensausgabe" in text
        assert "17:00" in text or "5 p.m." in text or "5:00" in text
        assert "20:00" in text or "8 p.m." in text or "8:00" in text
    if kind == "jobs" and template != "match_message":  # the occupation and the start
        assert "Köchinnen und Köche" in text
        assert "2025" in text


@pytest.mark.usefixtures("strict_templates")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_digest_renders_each_item_in_the_digest_recipients_language(language):
    recipient = UserFactory(first_name="Amira", preferred_language=language)
    # Items written before the recipient changed language are rendered in the digest's.
    first = make(recipient, "geocoding_failed", CONTEXTS["geocoding_failed"], "de")
    second = make(recipient, "offer_withdrawn", CONTEXTS["offer_withdrawn"], "de")
    stranger = make(UserFactory(), "geocoding_failed", CONTEXTS["geocoding_failed"], "de")
    digest = make(
        recipient,
        "digest",
        {"notification_ids": [second.pk, first.pk, stranger.pk]},
        language,
    )
    subject, text, html = rendered(digest)

    assert_complete(subject, text, html)
    first_subject, _ = render_text(make(recipient, "geocoding_failed", first.context, language))
    second_subject, _ = render_text(make(recipient, "offer_withdrawn", second.context, language))
    assert text.index(second_subject) < text.index(first_subject)  # in the order given
    assert text.count("Hauptstraße 1") == 1  # someone else's notification is not included
    assert text.count("Amira") == 1  # one greeting, not one per item
    assert html.count("<hr ") == 2 and f">{second_subject}</p>" in html  # each under a heading


@pytest.mark.parametrize("template", list(CONTEXTS))
def test_arabic_html_is_right_to_left(template, accepted_match):
    recipient = UserFactory(preferred_language="ar")
    context = context_for(template, match_id=accepted_match.pk)
    message = render_email(make(recipient, template, context, "ar"))
    html = message.alternatives[0][0]

    assert message.extra_headers["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in html
    assert "direction:rtl" in html and "text-align:right" in html


@pytest.mark.parametrize("language", ["de", "en", "uk"])
def test_other_languages_are_left_to_right(language):
    recipient = UserFactory(preferred_language=language)
    message = render_email(
        make(recipient, "geocoding_failed", CONTEXTS["geocoding_failed"], language)
    )
    assert f'<html lang="{language}" dir="ltr">' in message.alternatives[0][0]


@pytest.mark.usefixtures("strict_templates")
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("template", MATCH_TEMPLATES)
def test_match_templates_render_when_optional_values_are_null(template, kind, language):
    # No links, no deadline, no shift times or move-in date, no category, not accepted.
    recipient = UserFactory(first_name="Amira", preferred_language=language)
    context = context_for(
        template,
        kind,
        match_id=999999,
        links={},
        respond_by=None,
        shift_start=None,
        shift_end=None,
        move_in=None,
        category=None,
        start_date=None,
        seeker_experience=[],
        seeker_german="",
    )
    subject, text, html = rendered(make(recipient, template, context, language))

    assert_complete(subject, text, html)
    if template in ("match_offered", "match_reminder", "handover_question", "match_accepted"):
        assert f"{SITE}/matches/4711/" in text  # where to answer or look instead
