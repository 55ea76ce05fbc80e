"""Request limits per client or user, counted in the shared cache (Redis), so that every web
process counts together.

DRF's own throttles read a list of times, append one and write it back: two processes
answering at once both see room, and a burst of parallel requests passes far beyond the
rate. Here each request claims one of the rate's slots with an atomic "set if absent" that
expires after the period, so at most `num_requests` claims stand in any period, however
many processes ask at once. The client is REMOTE_ADDR as web.middleware.ClientAddressMiddleware
resolved it (NUM_PROXIES 0): X-Forwarded-For counts only behind TRUSTED_PROXY_COUNT proxies.
"""

import logging
import math

from django.core.cache.backends.base import BaseCache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class SharedSlotsMixin:
    """allow_request() and wait() over slots `<key>:<n>` in the cache; each holds the time it
    was claimed and expires `duration` seconds later."""

    cache: BaseCache
    num_requests: int
    duration: int
    _wait_seconds: float | None = None

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        slots = [f"{self.key}:{n}" for n in range(self.num_requests)]
        try:
            taken = self.cache.get_many(slots)
            for slot in slots:
                if slot not in taken and self.cache.add(slot, now, timeout=self.duration):
                    return True
        except Exception:
            # Redis is down: let the request through rather than fail every login and write;
            # the lockout (in the database) still guards the passwords. Logged to be seen.
            logger.exception("throttle %s: the shared cache is unavailable", self.scope)
            return True
        oldest = min(taken.values(), default=now)
        self._wait_seconds = max(0.0, oldest + self.duration - now)
        return False

    def wait(self) -> float | None:
        if self._wait_seconds is None:
            return None
        return math.ceil(self._wait_seconds)


class WriteRateThrottle(SharedSlotsMixin, UserRateThrottle):
    """Throttles writes only; reading a list as often as one likes is fine."""

    scope = "writes"

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class LoginRateThrottle(SharedSlotsMixin, AnonRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view) -> str:
        # Per client, signed in or not: a session must not lift the limit on guessing.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PasswordCheckRateThrottle(SharedSlotsMixin, UserRateThrottle):
    """Endpoints that check the user's password again (erasure): few tries, so a stolen token
    cannot be used to guess the password."""

    scope = "password_check"
