"""Email has a queue of its own: a worker that takes only `notifications` (the mailer of the
Procfile and compose.yml) sends every email while matching tasks wait on `default` for a
worker of theirs, so mail is never stuck behind minute-long batches."""

import pytest

from matching.tasks import match_area
from notifications.models import Notification
from tests.e2e.test_smtp_outage import assert_each_row_once, rows, write_rows
from tests.smtp import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_mailer_sends_every_email_while_matching_waits_for_its_own_worker(
    processes, broker, smtp_sink
):
    smtp_sink.clear()
    processes.worker("mailer", queues="notifications")
    match_area.delay("goods", "285:44")
    pks = write_rows("queue", 4)

    wait_until(
        lambda: all(n.status == Notification.Status.SENT for n in rows(pks)), 90, "every email"
    )
    assert_each_row_once(pks, smtp_sink.received())
    # The batch was not the mailer's: it still waits on the default queue.
    assert broker.llen("default") == 1
    assert "match_area[" not in processes.log("mailer")
