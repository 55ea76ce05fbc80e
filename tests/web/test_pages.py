"""Inbox, match page, coordinators' dashboard, sign-in and languages: who may see what, and
bad input that changes nothing."""

import re

import pytest
from django.test import Client

from accounts.models import Role
from matching import workflow
from matching.models import MatchEvent, MatchState
from notifications.models import Notification
from tests.factories import UserFactory
from tests.web.fixtures import PASSWORD, offer_it

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- sign-in and languages -----------------------------------------------------------------


def test_sign_in_and_out(scene):
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    wrong = client.post("/login/", {"username": "amal", "password": "nope"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    right = client.post("/login/", {"username": "amal", "password": PASSWORD})
    assert right.status_code == 302 and right["Location"] == "/inbox/"
    assert client.post("/logout/").status_code == 302
    assert client.get("/inbox/")["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "language, text, direction",
    [("de", "Posteingang", "ltr"), ("uk", "Вхідні", "ltr"), ("ar", "صندوق الوارد", "rtl")],
)
def test_a_signed_in_persons_pages_speak_their_language(scene, language, text, direction):
    scene.donor.preferred_language = language
    scene.donor.save()
    html = signed_in(scene.donor).get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html and text in html


def test_the_language_switcher_is_on_every_page_and_saves_a_signed_in_choice(scene):
    anonymous = Client()
    html = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'lang="ar"' in html
    anonymous.post("/i18n/setlang/", {"language": "uk", "next": "/"})
    assert 'lang="uk"' in anonymous.get("/").content.decode()

    client = signed_in(scene.donor)
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/inbox/"})
    assert response.status_code == 302
    scene.donor.refresh_from_db()
    assert scene.donor.preferred_language == "de"
    assert client.post("/i18n/setlang/", {"language": "xx", "next": "/"}).status_code == 302
    scene.donor.refresh_from_db()
    assert scene.donor.preferred_language == "de"


def language_next(html: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', html).group(1)


def test_the_language_switcher_returns_to_the_page_a_refused_post_came_from(scene):
    """A refused POST shows its errors at an address that may take POST only: the switcher
    goes back to the page the form was sent from, never to an outside address."""
    offer_it(scene)
    client = signed_in(scene.member)
    here = f"/matches/{scene.match.pk}/"
    refused = client.post(
        f"/matches/{scene.match.pk}/respond/",
        {"answer": "maybe"},
        HTTP_REFERER=f"http://testserver{here}?tab=1",
    )
    assert refused.status_code == 400
    assert language_next(refused.content.decode()) == f"{here}?tab=1"
    outside = client.post(
        f"/matches/{scene.match.pk}/respond/",
        {"answer": "maybe"},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert language_next(outside.content.decode()) == "/"
    assert language_next(client.get(f"{here}?a=1").content.decode()) == f"{here}?a=1"


def test_the_api_keeps_answering_in_the_requested_language(scene):
    response = signed_in(scene.donor).get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"


# --- inbox -----------------------------------------------------------------------------------


def test_the_inbox_needs_sign_in(db):
    response = Client().get("/inbox/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/inbox/"
    assert Client().post("/inbox/read-all/").status_code == 302


def test_the_inbox_shows_own_notifications_newest_first_and_marks_them_read(scene):
    offer_it(scene)
    mine = Notification.objects.get(recipient=scene.donor, template="match_offered")
    client = signed_in(scene.donor)
    html = client.get("/inbox/").content.decode()
    assert f'data-notification="{mine.pk}"' in html and "unread" in html
    assert f'href="/matches/{scene.match.pk}/"' in html
    theirs = Notification.objects.get(recipient=scene.member, template="match_offered")
    assert f'data-notification="{theirs.pk}"' not in html

    # Someone else's item cannot be marked (404), and a GET marks nothing.
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/inbox/{mine.pk}/read/").status_code == 405
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is None and theirs.read_at is None

    assert client.post(f"/inbox/{mine.pk}/read/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_all_read_marks_only_ones_own(scene):
    offer_it(scene)
    signed_in(scene.donor).post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=scene.donor, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=scene.member, read_at__isnull=True).exists()


# --- match page ------------------------------------------------------------------------------


def test_only_the_sides_and_coordinators_see_a_match(scene):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    assert Client().get(url).status_code == 302
    stranger = UserFactory(username="sam", role=Role.DONOR)
    assert signed_in(stranger).get(url).status_code == 404
    assert signed_in(stranger).post(url + "respond/", {"answer": "yes"}).status_code == 404
    assert signed_in(scene.coordinator).get(url).status_code == 200
    assert signed_in(scene.donor).get(url).status_code == 200


def test_the_contact_is_shown_only_once_both_said_yes(scene):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    donor, member = signed_in(scene.donor), signed_in(scene.member)
    html = donor.get(url).content.decode()
    for secret in (scene.member.email, scene.member.phone, "Lützner Straße"):
        assert secret not in html
    assert "نعم، أوافق" in html  # the accept button

    assert donor.post(url + "respond/", {"answer": "yes"}).status_code == 302
    html = member.get(url).content.decode()
    assert scene.donor.email not in html and "Geheimweg" not in html
    assert member.post(url + "respond/", {"answer": "yes"}).status_code == 302
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.ACCEPTED
    html = member.get(url).content.decode()
    assert scene.donor.email in html and "Geheimweg 7" in html and scene.donor.phone in html
    html = donor.get(url).content.decode()
    assert scene.member.email in html and "Lützner Straße 1" in html


def test_bad_answers_change_nothing(scene):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    client = signed_in(scene.member)
    events = MatchEvent.objects.count()
    assert client.post(url + "respond/", {"answer": "maybe"}).status_code == 400
    response = client.post(url + "respond/", {"answer": "no", "reason": "x" * 301})
    assert response.status_code == 400
    assert "Der Grund darf höchstens 300 Zeichen lang sein." in response.content.decode()
    client.post(url + "respond/", {"answer": "yes"})
    again = client.post(url + "respond/", {"answer": "no"})
    assert again.status_code == 400
    scene.match.refresh_from_db()
    assert (scene.match.state, scene.match.need_answer) == (MatchState.OFFERED, "yes")
    assert MatchEvent.objects.count() == events + 1


def test_the_donor_confirms_the_pickup_on_the_match_page_and_the_initiative_sees_it(scene):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    donor = signed_in(scene.donor)
    donor.post(url + "respond/", {"answer": "yes"})
    member = signed_in(scene.member)
    assert member.post(url + "picked-up/").status_code == 400  # not yet accepted
    member.post(url + "respond/", {"answer": "yes"})
    page = donor.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="/matches/{scene.match.pk}/picked-up/"' in page
    assert f'action="/matches/{scene.match.pk}/picked-up/"' not in member.get(url).content.decode()
    assert member.post(url + "picked-up/").status_code == 400  # the initiative's side
    assert donor.post(url + "picked-up/").status_code == 302
    scene.match.refresh_from_db()
    assert scene.match.pickup_confirmed_at is not None
    assert "data-pickup-confirmed" in member.get(url).content.decode()
    assert "picked-up/" not in donor.get(url).content.decode()


def test_the_handover_form_refuses_a_quantity_out_of_range(scene):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    signed_in(scene.donor).post(url + "respond/", {"answer": "yes"})
    member = signed_in(scene.member)
    member.post(url + "respond/", {"answer": "yes"})
    for bad in ("0", "13", "zwölf"):
        response = member.post(url + "handover/", {"quantity": bad})
        assert response.status_code == 400
        html = response.content.decode()
        assert "ganze Zahl von 1 bis 12" in html
        # Beside the field, the field marked and focused, what was typed kept.
        field = re.search(r'<input type="number" id="id_quantity"[^>]*>', html).group(0)
        assert f'value="{bad}"' in field and "autofocus" in field
        assert 'aria-describedby="id_quantity-error"' in field
    # The offer's side cannot confirm a handover.
    assert signed_in(scene.donor).post(url + "handover/", {"quantity": "12"}).status_code == 400
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.ACCEPTED
    assert member.post(url + "handover/", {"quantity": "10"}).status_code == 302
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.FULFILLED and scene.match.fulfilled_quantity == 10


def test_messages_are_relayed_without_addresses(scene):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    donor = signed_in(scene.donor)
    assert donor.post(url + "messages/", {"body": "  "}).status_code == 400
    assert donor.post(url + "messages/", {"body": "x" * 2001}).status_code == 400
    assert scene.match.messages.count() == 0
    assert donor.post(url + "messages/", {"body": "Wann passt es?"}).status_code == 302
    html = signed_in(scene.member).get(url).content.decode()
    assert "Wann passt es?" in html and scene.donor.email not in html


# --- coordination ---------------------------------------------------------------------------


def test_the_dashboard_is_for_coordinators_only(scene):
    assert Client().get("/coordination/").status_code == 302
    for user in (scene.donor, scene.member):
        client = signed_in(user)
        assert client.get("/coordination/").status_code == 403
        url = f"/coordination/matches/{scene.match.pk}/approve/"
        assert client.post(url).status_code == 403
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.PROPOSED


def test_a_coordinator_approves_and_rejects_with_a_reason(scene):
    client = signed_in(scene.coordinator)
    html = client.get("/coordination/").content.decode()
    assert f'data-match="{scene.match.pk}"' in html and "distance" in html
    reject = f"/coordination/matches/{scene.match.pk}/reject/"
    response = client.post(reject, {"reason": "  "})
    assert response.status_code == 400 and "warum" in response.content.decode()
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.PROPOSED

    assert client.post(f"/coordination/matches/{scene.match.pk}/approve/").status_code == 302
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.OFFERED
    again = client.post(f"/coordination/matches/{scene.match.pk}/approve/")
    assert again.status_code == 409
    assert client.post(reject, {"reason": "zu weit"}).status_code == 409
    assert client.post("/coordination/matches/999999/approve/").status_code == 404


def test_the_dashboard_lists_failed_emails_and_webhooks(scene):
    from notifications.models import WebhookDelivery, WebhookEndpoint

    offer_it(scene)
    row = Notification.objects.filter(recipient=scene.donor).first()
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.FAILED, attempts=8, last_error="550 mailbox unavailable"
    )
    endpoint = WebhookEndpoint.objects.create(
        organisation=scene.organisation, url="https://hooks.example.org/in"
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="match.offered",
        payload={},
        idempotency_key="k1",
        status="failed",
        attempts=5,
        last_error="HTTP 500",
    )
    html = signed_in(scene.coordinator).get("/coordination/").content.decode()
    assert f'data-failed-notification="{row.pk}"' in html and "550 mailbox" in html
    assert f'data-failed-webhook="{delivery.pk}"' in html and "hooks.example.org" in html


def test_the_dashboard_shows_a_failed_emails_error_without_the_address_it_quotes(scene):
    offer_it(scene)
    row = Notification.objects.filter(recipient=scene.donor).first()
    error = f"550 5.1.1 <{scene.donor.email}>: mailbox unavailable"
    Notification.objects.filter(pk=row.pk).update(
        status=Notification.Status.FAILED, attempts=8, last_error=error
    )
    html = signed_in(scene.coordinator).get("/coordination/").content.decode()
    assert "mailbox unavailable" in html and scene.donor.email not in html


def test_the_workflows_limits_are_shown_beside_the_fields_in_the_persons_language(scene):
    coordinator = signed_in(scene.coordinator)  # German
    assert 'maxlength="300"' in coordinator.get("/coordination/").content.decode()
    reject = f"/coordination/matches/{scene.match.pk}/reject/"
    response = coordinator.post(reject, {"reason": "x" * 301})
    assert response.status_code == 400
    assert "Der Grund darf höchstens 300 Zeichen lang sein." in response.content.decode()
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.PROPOSED

    offer_it(scene)
    member = signed_in(scene.member)  # German
    url = f"/matches/{scene.match.pk}/"
    assert 'maxlength="2000"' in member.get(url).content.decode()
    response = member.post(url + "messages/", {"body": "x" * 2001})
    assert response.status_code == 400
    assert "Die Nachricht darf höchstens 2000 Zeichen lang sein." in response.content.decode()
    response = member.post(url + "messages/", {"body": "   "})
    assert "Bitte schreiben Sie eine Nachricht." in response.content.decode()
    assert scene.match.messages.count() == 0


def test_a_proposal_no_coordinator_approved_is_not_there_for_its_sides(scene):
    # The engine proposed it; nobody has reviewed it, so its sides have heard nothing of it.
    assert scene.match.state == MatchState.PROPOSED
    url = f"/matches/{scene.match.pk}/"
    sides = (signed_in(scene.donor), signed_in(scene.member))
    for client in sides:
        assert client.get(url).status_code == 404
        assert client.post(url + "respond/", {"answer": "yes"}).status_code == 404
        assert client.post(url + "messages/", {"body": "Hallo"}).status_code == 404
        assert client.post(url + "handover/", {"quantity": "1"}).status_code == 404
    assert signed_in(scene.coordinator).get(url).status_code == 200
    # Rejected in review, it never was theirs to see.
    workflow.reject(scene.match, actor=scene.coordinator, reason="Zu weit")
    for client in sides:
        assert client.get(url).status_code == 404
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.REJECTED and not scene.match.need_answer


def test_the_sides_of_a_match_find_how_to_report_a_problem_on_its_page(scene):
    offer_it(scene)
    html = signed_in(scene.donor).get(f"/matches/{scene.match.pk}/").content.decode()
    assert f"/report/match/{scene.match.pk}/" in html
    coordinator_html = signed_in(scene.coordinator).get(f"/matches/{scene.match.pk}/")
    assert f"/report/match/{scene.match.pk}/" not in coordinator_html.content.decode()


@pytest.mark.parametrize("junk", ["\x00", "\u202e", "\x1b[2J"])
def test_a_message_or_reason_with_invisible_characters_is_refused_beside_its_field(scene, junk):
    offer_it(scene)
    url = f"/matches/{scene.match.pk}/"
    donor = signed_in(scene.donor)
    response = donor.post(url + "messages/", {"body": f"Wann passt es?{junk}"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert scene.match.messages.count() == 0
    declined = donor.post(url + "respond/", {"answer": "no", "reason": f"Zu weit{junk}"})
    assert declined.status_code == 400
    scene.match.refresh_from_db()
    assert scene.match.offer_answer == ""
