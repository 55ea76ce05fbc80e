"""A worker's heartbeat lands in Redis on each tick of Celery's event heartbeat, with a TTL,
and a Redis that is away never breaks the worker's timer."""

import time
from types import SimpleNamespace

import pytest
import redis
from celery.signals import heartbeat_sent

import workers.celery  # noqa: F401 (connects the receiver, as in every worker)
from workers.heartbeat import heartbeat_key, on_heartbeat_sent, ttl_seconds

HOSTNAME = "celery@heartbeat-test"


@pytest.fixture
def store(settings):
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(heartbeat_key(HOSTNAME))
    yield client
    client.delete(heartbeat_key(HOSTNAME))


class Heart:
    """Stands for what Celery passes as the signal's sender: the worker's Heart, whose event
    dispatcher knows the worker's node name."""

    eventer = SimpleNamespace(hostname=HOSTNAME)


def test_each_heartbeat_writes_the_time_under_the_workers_key_with_a_ttl(store, settings):
    before = time.time()
    heartbeat_sent.send(sender=Heart())

    assert before <= float(store.get(heartbeat_key(HOSTNAME))) <= time.time()
    assert 0 < store.ttl(heartbeat_key(HOSTNAME)) <= ttl_seconds()
    assert ttl_seconds() > settings.READY_MAX_HEARTBEAT_AGE_SECONDS


def test_a_heartbeat_without_redis_is_logged_not_raised(settings, caplog):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    on_heartbeat_sent(sender=Heart())

    assert "could not record the worker heartbeat" in caplog.text
