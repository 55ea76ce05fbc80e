"""Health of the parts the platform needs: database, Redis, and at least one live worker."""

import redis
from django.conf import settings
from django.db import connection

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
