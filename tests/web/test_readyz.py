"""/readyz: ready (200) with the database, Redis, a fresh worker heartbeat, and no email or
record to match waiting beyond its limit; otherwise 503, naming the failing checks to those
who may see /healthz's details. Timestamps are written, never waited for."""

import time
from datetime import timedelta

import pytest
import redis
from django.test import Client
from django.utils import timezone

from matching.areas import cell_of
from matching.batches import run_batch
from matching.models import OwedBatch
from notifications.models import Notification
from tests.factories import GoodsNeedFactory, UserFactory
from workers.heartbeat import KEY_PREFIX, record_heartbeat

pytestmark = pytest.mark.django_db

PUBLIC = "203.0.113.5"


def _forget_heartbeats(url: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{KEY_PREFIX}*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def no_heartbeats(settings):
    # The URL as it is now: a test may point the check at a closed port before teardown.
    url = settings.CELERY_BROKER_URL
    _forget_heartbeats(url)
    yield
    _forget_heartbeats(url)


@pytest.fixture
def live_worker():
    record_heartbeat("celery@test-worker", at=time.time() - 5)


def _readyz(client: Client | None = None):
    return (client or Client()).get("/readyz")  # a loopback peer: a local probe, with details


def _email(created_at, status=Notification.Status.PENDING, **fields) -> Notification:
    row = Notification.objects.create(
        recipient=UserFactory(),
        template="match_offered",
        language="en",
        idempotency_key=f"readyz-{status}-{created_at.timestamp()}",
        status=status,
        **fields,
    )
    Notification.objects.filter(pk=row.pk).update(created_at=created_at)
    return row


def test_readyz_is_ok_with_a_fresh_heartbeat_and_nothing_waiting_too_long(live_worker, settings):
    _email(timezone.now() - timedelta(seconds=settings.READY_MAX_OUTBOX_AGE_SECONDS - 60))
    GoodsNeedFactory().request_matching()  # a change no batch has seen yet

    response = _readyz()

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["reasons"] == []
    assert "PostGIS" in body["checks"]["database"]
    assert body["checks"]["worker"].startswith("ok (1 worker,")
    assert body["checks"]["outbox"].startswith("ok (oldest unsent email")
    assert body["checks"]["flagged"].startswith("ok (oldest record to match")


def test_readyz_tells_the_public_only_ok_or_failing(live_worker, settings):
    assert Client(REMOTE_ADDR=PUBLIC).get("/readyz").json() == {"status": "ok"}

    _forget_heartbeats(settings.CELERY_BROKER_URL)
    response = Client(REMOTE_ADDR=PUBLIC).get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing"}
    forwarded = Client().get("/readyz", HTTP_X_FORWARDED_FOR=PUBLIC)  # via a local proxy
    assert forwarded.json() == {"status": "failing"}


def test_readyz_fails_without_a_worker_heartbeat():
    response = _readyz()

    assert response.status_code == 503
    assert response.json()["reasons"] == ["worker"]
    assert "no worker heartbeat" in response.json()["checks"]["worker"]


def test_readyz_fails_when_the_newest_heartbeat_is_too_old(settings):
    limit = settings.READY_MAX_HEARTBEAT_AGE_SECONDS
    record_heartbeat("celery@stale-a", at=time.time() - limit - 30)
    record_heartbeat("celery@stale-b", at=time.time() - limit - 10)

    response = _readyz()

    assert response.status_code == 503
    assert response.json()["reasons"] == ["worker"]
    assert f"limit {limit} s" in response.json()["checks"]["worker"]


def test_one_fresh_heartbeat_among_stale_ones_is_enough(settings):
    record_heartbeat("celery@gone", at=time.time() - settings.READY_MAX_HEARTBEAT_AGE_SECONDS - 30)
    record_heartbeat("celery@alive", at=time.time() - 1)

    response = _readyz()

    assert response.status_code == 200
    assert response.json()["checks"]["worker"].startswith("ok (2 workers,")


def test_readyz_fails_when_redis_is_unreachable(live_worker, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = _readyz()

    assert response.status_code == 503
    body = response.json()
    assert "redis" in body["reasons"]
    assert body["checks"]["redis"].startswith("failing: ConnectionError")
    assert "database" not in body["reasons"]


def test_readyz_fails_when_an_unsent_email_is_older_than_the_limit(live_worker, settings):
    settings.READY_MAX_OUTBOX_AGE_SECONDS = 300
    _email(timezone.now() - timedelta(seconds=400), status=Notification.Status.SENDING)

    response = _readyz()

    assert response.status_code == 503
    assert response.json()["reasons"] == ["outbox"]
    assert "oldest unsent email 400 s old (limit 300 s)" in response.json()["checks"]["outbox"]


def test_emails_held_sent_or_failed_do_not_count_as_waiting(live_worker, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.READY_MAX_OUTBOX_AGE_SECONDS * 10)
    _email(long_ago, status=Notification.Status.HELD, hold=Notification.Hold.DIGEST)
    _email(long_ago - timedelta(seconds=1), status=Notification.Status.SENT)
    _email(long_ago - timedelta(seconds=2), status=Notification.Status.FAILED)

    response = _readyz()

    assert response.status_code == 200
    assert response.json()["checks"]["outbox"] == "ok (no unsent email)"


def test_readyz_fails_when_a_change_no_batch_has_seen_is_older_than_the_limit(
    live_worker, settings
):
    settings.READY_MAX_FLAGGED_AGE_SECONDS = 600
    GoodsNeedFactory().request_matching()
    OwedBatch.objects.update(created_at=timezone.now() - timedelta(seconds=700))

    response = _readyz()

    assert response.status_code == 503
    assert response.json()["reasons"] == ["flagged"]
    assert "oldest record to match 700 s old (limit 600 s)" in response.json()["checks"]["flagged"]


def test_a_record_flagged_again_long_after_its_last_save_counts_from_the_flag(live_worker):
    need = GoodsNeedFactory()
    type(need).objects.filter(pk=need.pk).update(updated_at=timezone.now() - timedelta(days=30))

    need.request_matching()  # e.g. a declined match gave its units back

    assert _readyz().json()["checks"]["flagged"].startswith("ok (oldest record to match 0 s")


def test_a_change_whose_batch_has_started_no_longer_counts(live_worker):
    need = GoodsNeedFactory()
    need.request_matching()
    OwedBatch.objects.update(created_at=timezone.now() - timedelta(days=30))

    run_batch("goods", cell_of(need.approx_point))

    assert _readyz().json()["checks"]["flagged"] == "ok (no record to match)"
