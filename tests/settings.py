"""Test overlay of config.settings: a Redis database of its own, so that tests that flush the
broker never touch the queue of a platform running on the same machine (`make run`)."""

import os
import uuid

# Development mode for the tests (config.settings refuses its development key otherwise);
# pytest-django still runs the requests with DEBUG off. Child processes (e2e) inherit it.
os.environ.setdefault("DJANGO_DEBUG", "true")
# One cache key prefix per test run, shared with the processes the e2e tests start (they
# inherit the environment), so that counters of an earlier run never leak into this one.
os.environ.setdefault("TEST_CACHE_KEY_PREFIX", f"test-{uuid.uuid4().hex[:12]}")

from config.settings import *  # noqa: E402, F403
from config.settings import env  # noqa: E402

REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
# Under pytest-xdist each worker counts down from that database (gw0 keeps it, gw1 the one
# below), so that one worker's flush or counters never reach another's.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and _XDIST_WORKER[2:].isdigit():
    _base, _, _number = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_base}/{int(_number) - int(_XDIST_WORKER[2:])}"
CELERY_BROKER_URL = REDIS_URL
# Throttles and lockouts count in the test Redis database, like production's in its own.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ["TEST_CACHE_KEY_PREFIX"],
    }
}
# Tests must never reach a remote geocoder unless they point it at a local fake server.
GEOCODER = "gazetteer"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Batches wait a moment for a burst of changes; tests need not wait the full window.
MATCHING_DEBOUNCE_SECONDS = env.float("MATCHING_DEBOUNCE_SECONDS", default=0.5)
# Most tests sign coordinators in with force_login and no device; the tests of the second
# factor (tests/web/test_second_factor.py, tests/e2e/test_front_door.py) switch it on, and
# tests/config checks that production has it on. tests.web.fixtures.verified_login signs a
# user in with a verified device, for tests that want the production behaviour.
SECOND_FACTOR_REQUIRED = env.bool("TEST_SECOND_FACTOR_REQUIRED", default=False)
# Most tests build flats of landlords nobody checked and expect them matched; the tests of
# checked hosts (tests/matching/test_checked_hosts.py) switch production's rule back on, and
# tests/config checks that production's default is off.
HOUSING_MATCH_UNCHECKED_LANDLORDS = env.bool("TEST_HOUSING_MATCH_UNCHECKED_LANDLORDS", default=True)
