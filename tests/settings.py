"""Test overlay of config.settings: a Redis database of its own, so that tests that flush the
broker never touch the queue of a platform running on the same machine (`make run`)."""

from config.settings import *  # noqa: F403
from config.settings import env

REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# Tests must never reach a remote geocoder unless they point it at a local fake server.
GEOCODER = "gazetteer"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Batches wait a moment for a burst of changes; tests need not wait the full window.
MATCHING_DEBOUNCE_SECONDS = env.float("MATCHING_DEBOUNCE_SECONDS", default=0.5)
