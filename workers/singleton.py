"""Exactly one scheduler, however many are started.

The scheduler holds a PostgreSQL session-level advisory lock on a connection of its own for as
long as it lives. PostgreSQL releases the lock when the session ends, also when the process is
killed, so a stand-by takes over within a few seconds and no stale lease can block it.
"""

import logging
import time

import psycopg
from django.conf import settings

logger = logging.getLogger(__name__)

SCHEDULER_LOCK_KEY = 7_301_100
_held_connection: psycopg.Connection | None = None


def _connect() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
        application_name="willkommen-scheduler",
    )


def hold_scheduler_lock(poll_seconds: float = 2.0) -> None:
    global _held_connection
    if _held_connection is not None:
        return
    conn = _connect()
    announced = False
    while True:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", [SCHEDULER_LOCK_KEY]).fetchone()[0]
        if got:
            break
        if not announced:
            logger.warning("another scheduler is running; standing by until it stops")
            announced = True
        time.sleep(poll_seconds)
    _held_connection = conn
    logger.info("this process is now the only scheduler")
