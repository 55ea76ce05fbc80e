"""Scheduler singleton and the health endpoint, with real processes."""

import pytest
from django.db import connection

from tests.smtp import wait_until
from workers.singleton import SCHEDULER_LOCK_KEY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def scheduler_lock_holders() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objid = %s
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            [SCHEDULER_LOCK_KEY],
        )
        return [row[0] for row in cursor.fetchall()]


def test_only_one_scheduler_runs_even_if_two_are_started(processes):
    processes.beat("beat-a")
    processes.beat("beat-b")
    active, standby = "now the only scheduler", "standing by"

    def settled():
        logs = {name: processes.log(name) for name in ("beat-a", "beat-b")}
        leaders = [n for n, text in logs.items() if active in text]
        waiting = [n for n, text in logs.items() if standby in text]
        return (leaders, waiting) if len(leaders) == 1 and len(waiting) == 1 else None

    leaders, waiting = wait_until(settled, 60, "one scheduler active, one standing by")
    assert leaders != waiting
    assert len(scheduler_lock_holders()) == 1
    # The stand-by must not have sent a single scheduled task.
    assert "Sending due task" not in processes.log(waiting[0])

    processes.kill(leaders[0])  # SIGKILL: no clean shutdown, the lock goes with the session
    wait_until(lambda: active in processes.log(waiting[0]), 60, "the stand-by to take over")
    assert len(scheduler_lock_holders()) == 1


def test_healthz_is_green_with_a_live_worker_and_red_without(processes, client, broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"].startswith("ok")
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["worker"].startswith("failing")

    processes.worker("w1")
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"
