"""The whole life of a match with a real worker, real Redis and a real SMTP sink: review,
both emails in each recipient's language, acceptance by a one-click link, contacts only
after both said yes, and a smaller handover that reopens the rest."""

import pytest
from django.test import Client

from donations.models import DonationOffer, GoodsNeed
from matching.models import Match
from notifications.models import Notification
from tests.e2e.test_goods_flow import login, post_need_and_offer
from tests.smtp import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def mails_to(sink, address: str, template: str) -> list:
    """Emails to one address made from one template (the outbox row names it)."""
    rows = {
        str(pk)
        for pk in Notification.objects.filter(template=template).values_list("pk", flat=True)
    }
    return [
        m
        for m in sink.received()
        if str(m["To"]) == address and m["X-Willkommen-Notification"] in rows
    ]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def wait_for_mail(sink, address: str, template: str):
    found = wait_until(lambda: mails_to(sink, address, template), 60, f"{template} to {address}")
    return found[0]


def test_a_match_from_review_to_a_smaller_handover(
    processes, broker, sink, initiative_member, donor, coordinator
):
    donor.preferred_language = "ar"
    donor.phone = "0176 5550123"
    donor.save()
    initiative_member.phone = "0341 9990000"
    initiative_member.save()
    processes.worker("w1")
    need_id, offer_id = post_need_and_offer(initiative_member, donor)

    match = wait_until(lambda: Match.objects.filter(state="proposed").first(), 60, "a proposal")
    assert match.quantity == 12
    # Nobody hears of a proposal before a coordinator approved it.
    assert not sink.received() and not Notification.objects.exists()

    member_api, donor_api = login(initiative_member.username), login(donor.username)
    refused = member_api.post(f"/api/v1/matches/{match.pk}/approve/", {}, format="json")
    # A proposal does not exist for its sides before review (issue 12): not found, not 403.
    assert refused.status_code == 404
    approved = login(coordinator.username).post(
        f"/api/v1/matches/{match.pk}/approve/", {"reason": "Looks right"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["state"] == "offered"

    to_donor = wait_for_mail(sink, donor.email, "match_offered")
    to_member = wait_for_mail(sink, initiative_member.email, "match_offered")
    assert to_donor["Content-Language"] == "ar" and 'dir="rtl"' in html_of(to_donor)
    assert to_member["Content-Language"] == "de" and 'lang="de"' in html_of(to_member)
    need = GoodsNeed.objects.get()
    offer = DonationOffer.objects.get()
    for message, secrets in (
        (to_donor, [need.address, initiative_member.email, "0341 9990000"]),
        (to_member, [offer.address, donor.email, "0176 5550123"]),
    ):
        whole = message.as_string()
        assert not any(secret in whole for secret in secrets)

    # The donor follows the link: the page only asks; confirming accepts.
    row = Notification.objects.get(pk=int(to_donor["X-Willkommen-Notification"]))
    accept_url = row.context["links"]["accept"]
    assert accept_url in text_of(to_donor) and accept_url in html_of(to_donor)
    path = accept_url.split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    page = browser.get(f"/{path}")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    match.refresh_from_db()
    assert match.offer_answer == ""
    assert browser.post(f"/{path}").status_code == 200
    match.refresh_from_db()
    assert match.offer_answer == "yes" and match.state == "offered"
    # Used once: the same link again is a clear page and changes nothing.
    again = browser.post(f"/{path}")
    assert again.status_code >= 400 and match.state == "offered"

    seen = donor_api.get(f"/api/v1/matches/{match.pk}/").json()
    assert seen["need"]["address"] is None and seen["need"]["contact"] is None
    accepted = member_api.post(f"/api/v1/matches/{match.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    seen = donor_api.get(f"/api/v1/matches/{match.pk}/").json()
    assert seen["need"]["address"] == need.address

    told_donor = wait_for_mail(sink, donor.email, "match_accepted")
    told_member = wait_for_mail(sink, initiative_member.email, "match_accepted")
    assert need.address in text_of(told_donor) and "0341 9990000" in text_of(told_donor)
    assert offer.address in text_of(told_member) and "0176 5550123" in text_of(told_member)

    # Eight of twelve jackets were handed over: four go back to both sides and are matched
    # again by the worker.
    fulfilled = member_api.post(
        f"/api/v1/matches/{match.pk}/fulfil/", {"quantity": 8}, format="json"
    )
    assert fulfilled.status_code == 200 and fulfilled.json()["fulfilled_quantity"] == 8
    need.refresh_from_db()
    offer.refresh_from_db()
    assert need.quantity_open == 12 and offer.quantity_open == 4
    rematch = wait_until(
        lambda: Match.objects.filter(state="proposed").exclude(pk=match.pk).first(),
        60,
        "the rest matched again",
    )
    assert rematch.quantity == 4 and rematch.donation_offer_id == offer_id
    thanks = wait_for_mail(sink, donor.email, "match_fulfilled")
    assert thanks["Content-Language"] == "ar"

    wait_until(lambda: not Notification.objects.exclude(status="sent").exists(), 60, "all sent")
    messages = sink.received()
    assert {m["Message-ID"] for m in messages} == {n.message_id for n in Notification.objects.all()}
    assert len(messages) == Notification.objects.count()
    assert need_id == need.pk
