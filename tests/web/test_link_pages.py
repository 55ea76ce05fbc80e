"""One-click link pages through Django's test client: the GET only asks, the POST decides,
in the recipient's language; every problem gets a clear page and changes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from matching.links import issue_link
from matching.models import ActionLink, MatchEvent, MatchState
from tests.web.fixtures import link_path, offer_it

pytestmark = pytest.mark.django_db


def snapshot(scene) -> tuple:
    scene.match.refresh_from_db()
    return (
        scene.match.state,
        scene.match.need_answer,
        scene.match.offer_answer,
        MatchEvent.objects.filter(match=scene.match).count(),
        ActionLink.objects.filter(used_at__isnull=False).count(),
    )


def test_the_page_asks_in_the_recipients_language_and_the_get_changes_nothing(scene):
    offer_it(scene)
    path = link_path(scene.donor, "accept")
    before = snapshot(scene)
    # The browser says German; the recipient reads Arabic.
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "الموافقة على هذا الاقتراح" in html and "نعم، أوافق" in html
    assert response["Content-Language"] == "ar"
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert Client().head(path).status_code == 200
    assert snapshot(scene) == before


def test_before_both_said_yes_the_page_shows_no_contact_or_exact_address(scene):
    offer_it(scene)
    html = Client().get(link_path(scene.donor, "accept")).content.decode()
    assert "Lindenau" in html  # the public district
    for secret in ("Lützner Straße", scene.member.email, scene.member.phone, "Geheimweg"):
        assert secret not in html


def test_confirming_accepts_and_once_both_said_yes_shows_the_contact(scene):
    offer_it(scene)
    response = Client().post(link_path(scene.member, "accept"))
    assert response.status_code == 200
    assert "Ihr Ja ist gespeichert" in response.content.decode()
    assert scene.member.email not in response.content.decode()
    assert snapshot(scene)[:3] == (MatchState.OFFERED, "yes", "")

    response = Client().post(link_path(scene.donor, "accept"))
    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html
    assert snapshot(scene)[:3] == (MatchState.ACCEPTED, "yes", "yes")
    assert scene.member.email in html and "Lützner Straße 1" in html


def test_a_language_can_be_chosen_on_the_page(scene):
    offer_it(scene)
    html = Client().get(link_path(scene.donor, "accept") + "?lang=en").content.decode()
    assert '<html lang="en" dir="ltr">' in html and "Yes, I accept" in html


def test_a_second_use_is_refused_with_a_clear_page(scene):
    offer_it(scene)
    path = link_path(scene.donor, "accept")
    Client().post(path)
    before = snapshot(scene)
    for response in (Client().get(path), Client().post(path)):
        assert response.status_code == 410
        assert "تم استخدام هذا الرابط من قبل" in response.content.decode()
        assert "/inbox/" in response.content.decode()
    assert snapshot(scene) == before


def test_the_other_answer_after_answering_is_closed(scene):
    offer_it(scene)
    Client().post(link_path(scene.donor, "accept"))
    before = snapshot(scene)
    response = Client().post(link_path(scene.donor, "decline"), {"reason": "changed my mind"})
    assert response.status_code == 409 and "لم يعد هذا مفتوحًا" in response.content.decode()
    assert snapshot(scene) == before


@pytest.mark.parametrize("tamper", [lambda t: t[:-3] + "xyz", lambda t: "X" + t, lambda t: "abc"])
def test_a_tampered_link_is_not_found_and_changes_nothing(scene, tamper):
    offer_it(scene)
    path = link_path(scene.donor, "accept")
    token = path.strip("/").split("/")[1]
    before = snapshot(scene)
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/l/{tamper(token)}/")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode() or "funktioniert nicht" in (
            response.content.decode()
        )
    assert snapshot(scene) == before


def test_an_expired_link_says_so_and_changes_nothing(scene):
    offer_it(scene)
    path = link_path(scene.donor, "accept")
    ActionLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    before = snapshot(scene)
    response = Client().post(path)
    assert response.status_code == 410
    assert "انتهت صلاحية هذا الرابط" in response.content.decode()
    assert snapshot(scene) == before


def test_someone_elses_link_is_refused_to_a_signed_in_person(scene):
    offer_it(scene)
    path = link_path(scene.donor, "accept")
    client = Client()
    client.force_login(scene.coordinator)  # German
    before = snapshot(scene)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        html = response.content.decode()
        assert "Dieser Link ist für eine andere Person" in html and 'lang="de"' in html
    assert snapshot(scene) == before


def test_the_recipient_signed_in_may_use_their_own_link(scene):
    offer_it(scene)
    client = Client()
    client.force_login(scene.donor)
    assert client.post(link_path(scene.donor, "accept")).status_code == 200
    assert snapshot(scene)[2] == "yes"


def test_without_the_csrf_token_nothing_happens(scene):
    offer_it(scene)
    before = snapshot(scene)
    response = Client(enforce_csrf_checks=True).post(link_path(scene.donor, "accept"))
    assert response.status_code == 403
    assert snapshot(scene) == before


def test_a_decline_keeps_an_optional_reason_and_a_too_long_one_is_shown_again(scene):
    offer_it(scene)
    path = link_path(scene.member, "decline")
    before = snapshot(scene)
    response = Client().post(path, {"reason": "x" * 301})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Der Grund darf höchstens 300 Zeichen lang sein." in html and "x" * 301 in html
    assert snapshot(scene) == before
    response = Client().post(path, {"reason": "Schon gefunden"})
    assert response.status_code == 200
    assert snapshot(scene)[0] == MatchState.DECLINED
    assert scene.match.events.last().reason == "Schon gefunden"


def _accepted(scene):
    offer_it(scene)
    Client().post(link_path(scene.member, "accept"))
    Client().post(link_path(scene.donor, "accept"))
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.ACCEPTED
    url = issue_link(user=scene.member, action="fulfilled", match=scene.match, side="need")
    return "/l/" + url.split("/l/", 1)[1]


@pytest.mark.parametrize("quantity", ["0", "13", "-1", "drei", ""])
def test_a_handover_quantity_out_of_range_shows_the_form_again(scene, quantity):
    path = _accepted(scene)
    html = Client().get(path).content.decode()
    assert 'name="quantity"' in html and 'value="12"' in html and 'max="12"' in html
    before = snapshot(scene)
    response = Client().post(path, {"quantity": quantity})
    assert response.status_code == 400
    assert "Bitte geben Sie eine ganze Zahl von 1 bis 12 ein." in response.content.decode()
    assert snapshot(scene) == before


def test_a_smaller_handover_is_confirmed(scene):
    path = _accepted(scene)
    response = Client().post(path, {"quantity": "9"})
    assert response.status_code == 200
    assert "9 übergeben" in response.content.decode()
    scene.match.refresh_from_db()
    assert scene.match.state == MatchState.FULFILLED and scene.match.fulfilled_quantity == 9


def test_an_offer_can_be_confirmed_available_or_withdrawn_by_link(scene):
    offer = scene.match.offer
    url = issue_link(user=scene.donor, action="available", record=offer)
    path = "/l/" + url.split("/l/", 1)[1]
    html = Client().get(path).content.decode()
    assert "هل ما زال عرضك متاحًا؟" in html and "Warme Jacken" in html
    offer.refresh_from_db()
    assert offer.availability_confirmed_at is None
    assert Client().post(path).status_code == 200
    offer.refresh_from_db()
    assert offer.availability_confirmed_at is not None

    url = issue_link(user=scene.donor, action="withdraw", record=offer)
    path = "/l/" + url.split("/l/", 1)[1]
    assert Client().post(path).status_code == 200
    offer.refresh_from_db()
    assert offer.status == "withdrawn"


def test_a_refused_reason_is_explained_in_the_recipients_language_not_the_browsers(scene):
    offer_it(scene)
    path = link_path(scene.donor, "decline")  # the donor reads Arabic
    before = snapshot(scene)
    response = Client().post(path, {"reason": "x" * 301}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    html = response.content.decode()
    assert "يمكن أن يكون السبب 300 حرف على الأكثر." in html and 'maxlength="300"' in html
    assert "Zeichen" not in html
    assert snapshot(scene) == before
