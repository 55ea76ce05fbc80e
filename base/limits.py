"""Limits on how often a client or a person may do something, counted in the shared cache
(Redis), so that every web process counts together. The API's throttles (api/throttles.py)
and the web's forms (registration, erasure) use the same counting.

A counter that reads a list of times, appends one and writes it back lets a burst of
parallel requests through: two processes answering at once both see room. Here each request
claims one of the limit's slots with an atomic "set if absent" that expires after the period,
so at most `limit` claims stand in any period, however many processes ask at once.
"""

import logging
import time

from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "20/min" -> (20, 60): the number of tries and the period in seconds (DRF's notation)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


def claim(
    key: str,
    limit: int,
    seconds: int,
    *,
    cache: BaseCache = default_cache,
    now: float | None = None,
) -> float | None:
    """Claim one of `limit` slots of `key` for `seconds`. None if a slot was free (go ahead);
    otherwise the seconds until the oldest claim expires (refused).

    With the cache down, everything is let through (and logged): a limit must not stop every
    sign-in; the lockout in the database still guards the passwords."""
    now = time.time() if now is None else now
    slots = [f"{key}:{n}" for n in range(limit)]
    try:
        taken = cache.get_many(slots)
        for slot in slots:
            if slot not in taken and cache.add(slot, now, timeout=seconds):
                return None
    except Exception:
        logger.exception("limit %s: the shared cache is unavailable", key)
        return None
    oldest = min(taken.values(), default=now)
    return max(0.0, oldest + seconds - now)
