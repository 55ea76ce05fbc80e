"""Health of the parts the platform needs: database, Redis, and at least one live worker
(/healthz, liveness); and whether the platform keeps up with its work (/readyz, readiness)."""

import ipaddress
import time
from collections.abc import Callable
from datetime import datetime

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from accounts.second_factor import requires_second_factor
from matching.owed import oldest_owed
from notifications.models import Notification
from workers.celery import app
from workers.heartbeat import KEY_PREFIX as HEARTBEAT_KEY_PREFIX


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Lib_Version()")
        return f"ok (PostGIS {cursor.fetchone()[0]})"


def check_redis() -> str:
    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
    return "ok"


def check_worker() -> str:
    replies = app.control.ping(timeout=1.5) or []
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) > 1 else ''})"


CHECKS = {"database": check_database, "redis": check_redis, "worker": check_worker}


def run_checks(checks: dict[str, Callable[[], str]]) -> tuple[bool, dict[str, str]]:
    results, healthy = {}, True
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is reported, none may crash the probe
            results[name] = f"failing: {type(exc).__name__}: {exc}"
            healthy = False
    return healthy, results


def health() -> tuple[bool, dict[str, str]]:
    return run_checks(CHECKS)


# --- readiness ---------------------------------------------------------------------------------


class NotReady(Exception):
    """A part works but lags behind: too old a heartbeat, too old a waiting row."""


def check_worker_heartbeat() -> str:
    """The newest heartbeat any worker wrote (workers/heartbeat.py): a SCAN of the broker's few
    keys and one MGET, where /healthz's broadcast ping waits for the workers' answers."""
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
    )
    keys = list(client.scan_iter(match=f"{HEARTBEAT_KEY_PREFIX}*", count=100))
    beats = [float(value) for value in client.mget(keys) if value is not None] if keys else []
    if not beats:
        raise NotReady("no worker heartbeat")
    age = time.time() - max(beats)
    limit = settings.READY_MAX_HEARTBEAT_AGE_SECONDS
    if age > limit:
        raise NotReady(f"newest worker heartbeat {age:.0f} s old (limit {limit} s)")
    return f"ok ({len(beats)} worker{'s' if len(beats) > 1 else ''}, newest {age:.0f} s ago)"


def _age_check(oldest: datetime | None, limit: int, what: str) -> str:
    if oldest is None:
        return f"ok (no {what})"
    age = (timezone.now() - oldest).total_seconds()
    if age > limit:
        raise NotReady(f"oldest {what} {age:.0f} s old (limit {limit} s)")
    return f"ok (oldest {what} {age:.0f} s old)"


def check_outbox() -> str:
    """Emails not yet sent: pending or being sent (notification_undelivered_idx). Held ones
    wait for the digest or the next day on purpose and do not count until released."""
    oldest = (
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return _age_check(oldest, settings.READY_MAX_OUTBOX_AGE_SECONDS, "unsent email")


def check_flagged() -> str:
    """The oldest change that no batch has seen yet: each change owes the batches of the cells
    it reaches in its own transaction (`matching.owed`), and a batch settles its cell as it
    starts. A record flagged again long after its last save counts from the flag, not from
    the save."""
    return _age_check(oldest_owed(), settings.READY_MAX_FLAGGED_AGE_SECONDS, "record to match")


READY_CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "worker": check_worker_heartbeat,
    "outbox": check_outbox,
    "flagged": check_flagged,
}


def readiness() -> tuple[bool, dict[str, str]]:
    return run_checks(READY_CHECKS)


def may_see_details(request: HttpRequest) -> bool:
    """Versions, worker counts and error texts help an attacker more than the public: only
    coordinators and staff see them (signed in with their second factor), and probes on the
    machine itself (the container's healthcheck, an operator with curl): a loopback peer with
    no X-Forwarded-For. A request that a local reverse proxy forwarded carries that header,
    so the public behind a proxy on the same host is never taken for a local probe, however
    TRUSTED_PROXY_COUNT is set."""
    user = request.user
    if requires_second_factor(user):
        # Like every page for coordinators: with the second factor of this session.
        return not settings.SECOND_FACTOR_REQUIRED or user.is_verified()
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
