"""The debounce of batches per area: one Redis key per kind and cell while a batch waits.

The first change in a cell sets the key and enqueues a batch (`matching.scheduling`); further
changes meanwhile find the key and enqueue nothing. The batch deletes the key as it starts
(`release_cell`), so a change that commits after that point schedules the next batch.
"""

import logging

import redis
from django.conf import settings

from matching.areas import Cell

log = logging.getLogger(__name__)

KEY_PREFIX = "willkommen:matching:scheduled"


def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


def _key(kind: str, cell: Cell) -> str:
    return f"{KEY_PREFIX}:{kind}:{cell}"


def claim_cell(kind: str, cell: Cell) -> bool:
    """True if no batch of this cell is waiting yet (and now one is)."""
    window = settings.MATCHING_DEBOUNCE_SECONDS
    try:
        # The key outlives the countdown a little, for a worker that picks the task up late;
        # the batch deletes it when it starts.
        return bool(_client().set(_key(kind, cell), "1", nx=True, ex=max(1, int(window * 4) + 30)))
    except redis.RedisError:
        log.warning("could not debounce %s %s; enqueueing without", kind, cell, exc_info=True)
        return True


def release_cell(kind: str, cell: Cell) -> None:
    """Called by the batch as it starts: later changes schedule a new batch."""
    try:
        _client().delete(_key(kind, cell))
    except redis.RedisError:
        log.warning("could not clear the schedule of %s %s", kind, cell, exc_info=True)
