"""A burst of emails: the rows one transaction writes are enqueued as a few batches after the
commit, and a batch goes out over one SMTP connection, each row still claimed, locked and
marked on its own."""

from unittest import mock

import pytest
from django.db import transaction

from notifications import services, tasks
from notifications.delivery import DeliveryDeferred, deliver_many
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications.test_delivery import LiveSender
from tests.smtp import free_port

pytestmark = pytest.mark.django_db


def write(users, prefix: str, count: int) -> list[int]:
    return [
        notify(
            users[i % len(users)],
            "geocoding_failed",
            f"{prefix}:{i}",
            {"title": f"Decke {i}", "address": "Eisenbahnstraße 1, Leipzig"},
        ).pk
        for i in range(count)
    ]


@pytest.fixture
def users(db):
    return [UserFactory(preferred_language=lang) for lang in ("de", "en", "uk", "ar")]


@pytest.fixture
def published():
    with (
        mock.patch.object(tasks.deliver_notifications, "delay") as many,
        mock.patch.object(tasks.deliver_notification, "delay") as one,
    ):
        yield many, one


def test_the_rows_of_one_transaction_are_enqueued_in_batches_after_the_commit(
    users, published, django_capture_on_commit_callbacks
):
    many, one = published
    count = services.SEND_BATCH * 2 + 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        pks = write(users, "burst", count)
        assert not many.called and not one.called  # nothing before the commit
    assert len(callbacks) == 1
    batches = [call.args[0] for call in many.call_args_list]
    assert [len(b) for b in batches] == [services.SEND_BATCH, services.SEND_BATCH]
    assert [c.args[0] for c in one.call_args_list] == [pks[-1]]
    assert [pk for batch in batches for pk in batch] + [pks[-1]] == pks


def test_a_row_rolled_back_with_its_savepoint_costs_at_most_a_task_that_finds_nothing(
    users, published, django_capture_on_commit_callbacks
):
    many, _one = published
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = write(users, "kept", 2)
        try:
            with transaction.atomic():
                lost = write(users, "lost", 1)
                raise RuntimeError
        except RuntimeError:
            pass
        kept += write(users, "later", 1)
    [batch] = [call.args[0] for call in many.call_args_list]
    # Everything committed is enqueued; the rolled-back id, if it is, names no row.
    assert set(kept) <= set(batch) <= set(kept + lost)
    assert not Notification.objects.filter(pk__in=lost).exists()
    assert deliver_many(lost) == {"not-pending": 1}


def test_a_batch_goes_out_over_one_connection_each_row_once(users, sink):
    pks = write(users, "one-connection", 5)
    assert deliver_many(pks) == {"sent": 5}
    assert deliver_many(pks) == {"not-pending": 5}
    rows = Notification.objects.filter(pk__in=pks)
    assert {(n.status, n.attempts) for n in rows} == {("sent", 1)}
    assert sorted(m["Message-ID"] for m in sink.received()) == sorted(n.message_id for n in rows)
    assert len({id(session) for session in sink.sessions}) == 1
    languages = {m["X-Willkommen-Notification"]: m["Content-Language"] for m in sink.received()}
    assert sorted(languages.values()) == ["ar", "de", "de", "en", "uk"]


def test_a_batch_leaves_a_row_whose_sender_is_alive_and_sends_the_others(users, sink):
    pks = write(users, "busy", 3)
    sender = LiveSender(Notification, pks[1])
    try:
        assert deliver_many(pks) == {"sent": 2, "not-pending": 1}
        assert Notification.objects.get(pk=pks[1]).status == "pending"
    finally:
        sender.dies()
    assert deliver_many(pks) == {"sent": 1, "not-pending": 2}
    assert len(sink.received()) == 3


def test_smtp_down_every_row_of_the_batch_is_tried_and_waits_for_the_retry(users, sink, settings):
    pks = write(users, "down", 3)
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with pytest.raises(DeliveryDeferred):
        deliver_many(pks)
    rows = Notification.objects.filter(pk__in=pks)
    assert {(n.status, n.attempts) for n in rows} == {("pending", 1)}
    assert all("refused" in n.last_error.lower() for n in rows)

    settings.EMAIL_PORT = sink.port
    assert deliver_many(pks) == {"sent": 3}
    assert len(sink.received()) == 3
