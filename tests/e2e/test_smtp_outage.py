"""SMTP server down, end to end: a real worker retries with backoff while nothing listens, the
rows wait in the database saying why, and everything goes out once when the server is back.
After the last try (here against a server that answers 451) a row is failed and listed for
coordinators, who can send it again."""

from contextlib import contextmanager

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.smtp import SmtpSink, free_port, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def write_rows(prefix: str, count: int) -> list[int]:
    users = [
        UserFactory(username=f"{prefix}-{lang}", preferred_language=lang) for lang in ("de", "en")
    ]
    with transaction.atomic():
        rows = [
            notify(
                users[i % 2],
                "geocoding_failed",
                f"{prefix}:{i}",
                {"title": f"{prefix} {i}", "address": "Karl-Liebknecht-Straße 1, Leipzig"},
            )
            for i in range(count)
        ]
    return [row.pk for row in rows]


def rows(pks: list[int]) -> list[Notification]:
    return list(Notification.objects.filter(pk__in=pks).order_by("pk"))


@contextmanager
def server_back_on(port: int):
    """An SMTP server starting on the port the worker has been trying all along."""
    late = SmtpSink(port=port)
    late.controller.start()
    try:
        yield late
    finally:
        late.controller.stop()


def assert_each_row_once(pks: list[int], messages: list) -> None:
    expected = {n.message_id for n in rows(pks)}
    ids = [m["Message-ID"] for m in messages]
    assert sorted(ids) == sorted(expected)  # every row once, no copy


def test_smtp_down_rows_wait_with_retries_then_go_out_once_when_it_is_back(processes, broker):
    port = free_port()  # nothing listens here until the server comes back
    processes.worker("w1", env={"EMAIL_PORT": str(port)})
    pks = write_rows("outage", 6)

    def all_retried():
        current = rows(pks)
        return all(n.attempts >= 2 for n in current) and current

    # Every row was tried, failed, and was tried again: the task retries on its own.
    for row in wait_until(all_retried, 90, "every row to be tried at least twice"):
        assert row.status in ("pending", "sending"), row.status
        assert "refused" in row.last_error.lower(), row.last_error
        assert row.sent_at is None
    assert "Retry in" in processes.log("w1")
    waiting = [n for n in rows(pks) if n.status == "pending"]
    assert waiting and all(n.next_attempt_at > n.claimed_at for n in waiting)

    with server_back_on(port) as server:
        wait_until(
            lambda: all(n.status == "sent" for n in rows(pks)), 120, "every row sent once back"
        )
        assert_each_row_once(pks, server.received())
        for row in rows(pks):
            assert row.attempts >= 3 and row.last_error == ""


def test_after_the_last_try_rows_are_failed_listed_for_coordinators_and_can_be_sent_again(
    processes, broker, coordinator, donor
):
    # This time the server is up but refuses every message with a temporary error.
    port = free_port()
    processes.worker("w1", env={"EMAIL_PORT": str(port), "NOTIFICATION_MAX_ATTEMPTS": "2"})
    with server_back_on(port) as server:
        server.reject_with = "451 4.3.0 Mail queue full, try again later"
        pks = write_rows("gave-up", 3)

        wait_until(
            lambda: all(n.status == "failed" for n in rows(pks)), 90, "every row to fail for good"
        )
        for row in rows(pks):
            assert row.attempts == 2 and "451" in row.last_error, row.last_error
            assert row.next_attempt_at is None
        assert server.received() == []

        assert client_for(donor).get("/api/v1/notifications/failed/").status_code == 403
        response = client_for(coordinator).get("/api/v1/notifications/failed/")
        assert response.status_code == 200, response.content
        listed = {item["id"]: item for item in response.json()["results"]}
        assert set(listed) == set(pks)
        for row in rows(pks):
            item = listed[row.pk]
            assert (item["status"], item["attempts"], item["template"]) == (
                "failed",
                2,
                "geocoding_failed",
            )
            assert "451" in item["last_error"]
            # Coordinators learn who (an id) and why, never the address.
            assert row.recipient.email not in response.content.decode()

        server.reject_with = None
        for pk in pks:
            retried = client_for(coordinator).post(f"/api/v1/notifications/{pk}/retry/")
            assert retried.status_code == 200, retried.content
        wait_until(lambda: all(n.status == "sent" for n in rows(pks)), 60, "every retried row sent")
        assert_each_row_once(pks, server.received())
    response = client_for(coordinator).get("/api/v1/notifications/failed/")
    assert not {item["id"] for item in response.json()["results"]} & set(pks)
