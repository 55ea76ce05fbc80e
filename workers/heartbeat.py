"""Each worker's sign of life in Redis, read by /readyz (web.health).

Celery's event heartbeat already ticks every 2 s in every worker (it is on unless a worker
runs with --without-heartbeat and --without-gossip); on each tick the worker writes the time
to its own key. Reading the newest of these keys costs a readiness probe one Redis round trip
instead of a broadcast ping that waits for every worker's answer. A key expires on its own,
so a worker that is gone leaves nothing behind for long.
"""

import functools
import logging
import time

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "willkommen:worker:heartbeat:"


def heartbeat_key(hostname: str) -> str:
    return f"{KEY_PREFIX}{hostname}"


def ttl_seconds() -> int:
    # Longer than the allowed age, so that a worker falling behind reads as "stale" (with its
    # age) before its key vanishes and it reads as "missing".
    return max(2 * settings.READY_MAX_HEARTBEAT_AGE_SECONDS, 60)


@functools.cache
def _client(url: str) -> redis.Redis:
    # One connection pool per process: the writer runs every 2 s and should not connect anew.
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def record_heartbeat(hostname: str, at: float | None = None) -> None:
    """Write `at` (seconds since the epoch, now by default) as the heartbeat of `hostname`."""
    at = time.time() if at is None else at
    _client(settings.CELERY_BROKER_URL).set(heartbeat_key(hostname), repr(at), ex=ttl_seconds())


def on_heartbeat_sent(sender, **kwargs) -> None:
    """Receiver of celery.signals.heartbeat_sent (sender: the worker's Heart)."""
    try:
        record_heartbeat(sender.eventer.hostname)
    except Exception:  # Redis away: the worker keeps working, /readyz will say why
        logger.warning("could not record the worker heartbeat", exc_info=True)
