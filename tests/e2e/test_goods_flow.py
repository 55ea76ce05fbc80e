"""The walking skeleton end to end: API → commit → real worker → PostGIS → outbox → SMTP."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from donations.models import DonationOffer, GoodsNeed
from matching import tasks as matching_tasks
from matching.areas import cell_of
from matching.models import Match
from notifications import tasks as notification_tasks
from notifications.models import Notification
from tests.e2e.conftest import queue_drained
from tests.payloads import JACKETS_NEED, JACKETS_OFFER
from tests.smtp import wait_until
from workers import tasks
from workers.sweep import sweep_pending

# The policy approves goods matches at once, so both sides are asked without a coordinator.
AUTO_APPROVE = {"MATCH_AUTO_APPROVE_GOODS_MIN_SCORE": "0"}

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(username: str) -> APIClient:
    """Token login over the API, as a real client does it."""
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": "correct horse battery"}
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def post_need_and_offer(initiative_member, donor) -> tuple[int, int]:
    need = login(initiative_member.username).post(
        "/api/v1/goods-needs/", JACKETS_NEED, format="json"
    )
    assert need.status_code == 201, need.content
    offer = login(donor.username).post("/api/v1/donation-offers/", JACKETS_OFFER, format="json")
    assert offer.status_code == 201, offer.content
    return need.json()["id"], offer.json()["id"]


def by_recipient(messages) -> dict:
    return {str(m["To"]): m for m in messages}


def assert_emails_in_each_language(messages, initiative_member, donor) -> None:
    mails = by_recipient(messages)
    assert set(mails) == {initiative_member.email, donor.email}

    to_donor = mails[donor.email]
    assert to_donor["Content-Language"] == "en"
    # A long encoded subject is folded; the parsed header may keep the fold's space.
    assert (
        to_donor["Subject"].strip()
        == "Your donation “12 winter jackets, hardly worn” can help – do you agree?"
    )
    body = to_donor.get_body(("plain",)).get_content()
    assert "Notunterkunft Grünau" in body and "What: 12 × Winter jacket" in body
    assert initiative_member.email not in to_donor.as_string()

    to_initiative = mails[initiative_member.email]
    assert to_initiative["Content-Language"] == "de"
    assert to_initiative["Subject"].strip() == (
        "Eine Spende für „20 Winterjacken für die Notunterkunft“ – sind Sie einverstanden?"
    )
    body = to_initiative.get_body(("plain",)).get_content()
    assert "12 × Winterjacke" in body and "Lindenau" in body
    assert donor.email not in to_initiative.as_string()
    # Each copy carries the outbox row's own Message-ID, so a receiver can drop duplicates.
    expected_ids = set(Notification.objects.values_list("pk", flat=True))
    got_ids = {int(m["X-Willkommen-Notification"]) for m in messages}
    assert got_ids == expected_ids
    assert {m["Message-ID"] for m in messages} == {n.message_id for n in Notification.objects.all()}


def test_need_and_offer_nearby_are_matched_and_both_sides_emailed_once(
    processes, broker, sink, initiative_member, donor, coordinator
):
    processes.worker("w1", env=AUTO_APPROVE)
    need_id, offer_id = post_need_and_offer(initiative_member, donor)

    messages = sink.wait_for(2)
    match = Match.objects.get()
    assert (match.goods_need_id, match.donation_offer_id) == (need_id, offer_id)
    assert match.quantity == 12 and match.state == "offered"
    assert 3_000 < match.distance_m < 8_000  # Lindenau to Grünau
    need, offer = GoodsNeed.objects.get(), DonationOffer.objects.get()
    assert need.quantity_open == 8 and need.status == "partly_matched"
    assert offer.quantity_open == 0
    assert_emails_in_each_language(messages, initiative_member, donor)
    wait_until(lambda: not Notification.objects.exclude(status="sent").exists(), 30, "rows sent")

    # The coordinator sees the match over the API …
    listed = login(coordinator.username).get("/api/v1/matches/").json()
    assert listed["count"] == 1 and listed["results"][0]["quantity"] == 12
    # … and in the GIS admin, with a map of both places.
    coordinator.user_permissions.add(Permission.objects.get(codename="view_match"))
    admin = APIClient()
    admin.force_login(coordinator)
    page = admin.get(f"/admin/matching/match/{match.pk}/change/")
    assert page.status_code == 200
    # The map is Leaflet served by the project (geo/widgets.py), never from a CDN.
    assert b"leaflet-1.9.4/leaflet.js" in page.content
    assert b"cdn." not in page.content

    # Running every task again, in this process and through the worker, changes nothing.
    cell = cell_of(need.approx_point)
    assert matching_tasks.match_area.apply(args=["goods", cell]).get()["created"] == 0
    for notification in Notification.objects.all():
        assert (
            notification_tasks.deliver_notification.apply(args=[notification.pk]).get()
            == "not-pending"
        )
        notification_tasks.deliver_notification.delay(notification.pk)
    matching_tasks.match_area.delay("goods", cell)
    tasks.match_everything.delay()
    tasks.sweep.delay()
    wait_until(lambda: queue_drained(broker), 60, "the worker to finish every task")
    assert len(sink.received()) == 2
    assert Match.objects.count() == 1
    assert GoodsNeed.objects.get().quantity_open == 8


def test_redis_losing_its_queue_loses_nothing(processes, broker, sink, initiative_member, donor):
    # No worker yet: the messages enqueued after commit wait in Redis, and Redis loses them.
    post_need_and_offer(initiative_member, donor)
    # Need and offer are in one cell: one debounced batch waits for both.
    assert broker.llen("default") >= 1
    broker.flushdb()

    processes.worker(
        "w1",
        beat=True,
        env={"SWEEP_INTERVAL_SECONDS": "1", "SWEEP_GRACE_SECONDS": "0", **AUTO_APPROVE},
    )
    messages = sink.wait_for(2, timeout=90)
    assert Match.objects.count() == 1
    assert GoodsNeed.objects.get().quantity_open == 8
    wait_until(lambda: not Notification.objects.exclude(status="sent").exists(), 30, "rows sent")
    # Several more sweeps pass; nothing is matched or sent a second time.
    wait_until(lambda: processes.log("w1").count("workers.tasks.sweep") >= 8, 60, "more sweeps")
    assert len(sink.received()) == 2
    assert len({m["Message-ID"] for m in messages}) == 2
    assert Match.objects.count() == 1
    left = sweep_pending()
    assert {"match:donations.goodsneed", "deliver"} <= set(left)
    assert set(left.values()) == {0}
