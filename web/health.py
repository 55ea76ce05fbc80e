"""Health of the parts the platform needs: database, Redis, and at least one live worker."""

import ipaddress

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from accounts.second_factor import requires_second_factor
from workers.celery import app


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


def health() -> tuple[bool, dict[str, str]]:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is reported, none may crash the probe
            results[name] = f"failing: {type(exc).__name__}: {exc}"
            healthy = False
    return healthy, results


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
