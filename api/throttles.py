"""Request limits per client or user, counted in the shared cache (Redis) by
`base.limits.claim`, so that every web process counts together (DRF's own throttles let a
burst of parallel requests through). The client is REMOTE_ADDR as
web.middleware.ClientAddressMiddleware resolved it (NUM_PROXIES 0): X-Forwarded-For counts
only behind TRUSTED_PROXY_COUNT proxies.
"""

import math

from django.core.cache.backends.base import BaseCache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from base.limits import claim


class SharedSlotsMixin:
    """allow_request() and wait() over the shared slots of `base.limits`."""

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
        self._wait_seconds = claim(
            self.key, self.num_requests, self.duration, cache=self.cache, now=self.timer()
        )
        return self._wait_seconds is None

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
