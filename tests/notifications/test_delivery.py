"""Delivery of outbox rows through Django's SMTP backend to a real SMTP server."""

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from notifications.delivery import DeliveryDeferred, deliver
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory
from tests.smtp import free_port, wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(db):
    user = UserFactory(email="amira@example.org", preferred_language="ar")
    return notify(user, "geocoding_failed", "test:1", {"title": "Kinderwagen", "address": "x"})


def test_a_row_is_sent_once_in_the_recipients_language_with_a_stable_message_id(row, sink):
    assert deliver(row.pk) == "sent"
    assert deliver(row.pk) == "not-pending"
    [message] = sink.received()
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1
    assert message["Message-ID"] == row.message_id
    # In the recipient's language, right to left.
    assert message["Content-Language"] == "ar"
    assert 'lang="ar" dir="rtl"' in message.get_body(("html",)).get_content()
    assert "Kinderwagen" in message["Subject"]


def test_the_same_event_twice_makes_one_row(row):
    again = notify(row.recipient, "geocoding_failed", "test:1", {"title": "other"})
    assert again.pk == row.pk and Notification.objects.count() == 1


def test_smtp_down_leaves_the_row_pending_with_backoff_then_sends_when_back(row, sink, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with pytest.raises(DeliveryDeferred):
        deliver(row.pk)
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 1
    assert row.next_attempt_at > timezone.now() and "refused" in row.last_error.lower()

    settings.EMAIL_PORT = sink.port
    assert deliver(row.pk) == "sent"
    assert len(sink.received()) == 1


def test_after_the_last_attempt_the_row_is_failed(row, sink, settings):
    settings.EMAIL_PORT = free_port()
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    with pytest.raises(DeliveryDeferred):
        deliver(row.pk)
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 2
    assert deliver(row.pk) == "not-pending"


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(row, sink, settings):
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 300
    Notification.objects.filter(pk=row.pk).update(status="sending", claimed_at=timezone.now())
    assert deliver(row.pk) == "not-pending"  # someone is sending it right now
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - timezone.timedelta(seconds=301)
    )
    assert deliver(row.pk) == "sent"


def test_a_message_to_an_erased_account_is_failed_at_once_and_not_sent(row, sink):
    row.recipient.email, row.recipient.is_active = "", False
    row.recipient.save()
    assert deliver(row.pk) == "undeliverable"
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and sink.received() == []
    assert deliver(row.pk) == "not-pending"


def test_a_row_claimed_more_often_than_allowed_fails_instead_of_cycling(row, sink, settings):
    # A worker that died on the row every time: the sweep's claims counted the attempts.
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    Notification.objects.filter(pk=row.pk).update(attempts=2)
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "gave up" in row.last_error
    assert sink.received() == []


def test_a_template_fault_fails_the_row_at_once_and_sends_nothing(row, sink):
    Notification.objects.filter(pk=row.pk).update(template="no_such_template")
    assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.last_error.startswith("rendering:")
    assert sink.received() == []


class LiveSender:
    """Another process sending a row: it holds the row's sender lock on a database session
    of its own, as a worker does for the whole send."""

    def __init__(self, model, pk: int) -> None:
        db = connection.settings_dict
        self.session = psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            dbname=db["NAME"],
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            autocommit=True,
        )
        key = f"{model._meta.db_table}:{pk}"
        self.session.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])

    def dies(self) -> None:
        """A killed worker's session ends; PostgreSQL releases its locks with it (as soon as
        the server process notices the connection is gone)."""
        pid = self.session.info.backend_pid
        # The pid with its start: tests running beside this one (browsers spawn many
        # processes) may wrap the pids round, and a new session may get the same number.
        [started] = self.session.execute(
            "SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"
        ).fetchone()
        self.session.close()

        def gone() -> bool:
            with connection.cursor() as cursor:
                # The test runs in a transaction, and PostgreSQL keeps one snapshot of the
                # activity view per transaction: without clearing it, a session still there
                # at the first look is there for ever.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND backend_start = %s",
                    [pid, started],
                )
                return cursor.fetchone()[0] == 0

        wait_until(gone, 120, "the dead sender's session to end")


def test_a_live_sender_is_never_overtaken_however_old_its_claim(row, sink, settings):
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 0
    long_ago = timezone.now() - timezone.timedelta(hours=2)
    Notification.objects.filter(pk=row.pk).update(status="sending", claimed_at=long_ago)
    sender = LiveSender(Notification, row.pk)
    try:
        assert deliver(row.pk) == "not-pending"
        row.refresh_from_db()
        assert (row.status, row.claimed_at, row.attempts) == ("sending", long_ago, 0)
        assert sink.received() == []
    finally:
        sender.dies()
    assert deliver(row.pk) == "sent"
    assert len(sink.received()) == 1
