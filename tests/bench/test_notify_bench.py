"""The notification benchmark's setup and counting at a tiny size, without workers or a sink
process (no timings)."""

import pytest

from bench import notify as bench
from notifications.models import Notification, NotificationPreference


def test_the_sink_reads_the_ids_from_the_header_block_only():
    raw = (
        b"Subject: x\r\nMessage-ID: <notification-7@willkommen.localhost>\r\n"
        b"X-Willkommen-Notification: 7\r\n\r\nMessage-ID: <not-this-one>\r\n"
    )
    assert bench.header_values(raw) == ("<notification-7@willkommen.localhost>", "7")
    assert bench.header_values(b"Subject: none\r\n\r\nbody") == ("", "")


def test_the_sink_file_is_read_back_line_by_line(tmp_path):
    path = tmp_path / "sink.tsv"
    assert bench.read_sink(path) == []
    path.write_text("1.5\t1\t7\t<a>\n2.5\t1\t8\t<b>\npartial")
    assert [(r.at, r.connection, r.notification) for r in bench.read_sink(path)] == [
        (1.5, 1, "7"),
        (2.5, 1, "8"),
    ]


@pytest.mark.django_db
def test_rows_written_like_the_platform_are_counted_with_their_copies():
    users = bench.ensure_recipients(8)
    assert bench.ensure_recipients(8) == users  # made once, then reused
    assert [u.preferred_language for u in users[:4]] == ["de", "en", "uk", "ar"]
    assert NotificationPreference.objects.filter(user__in=users).count() == 8
    pks = bench.write_outbox(users, 10, "t1") + bench.write_outbox_bulk(users, 6, "t2")
    rows = Notification.objects.filter(pk__in=pks)
    assert {n.status for n in rows} == {"pending"}
    assert {n.language for n in rows} == {"de", "en", "uk", "ar"}

    Notification.objects.filter(pk__in=pks[:15]).update(status="sent")
    message = {pk: f"<notification-{pk}@x>" for pk in pks}
    received = [bench.Received(1.0, 1, str(pk), message[pk]) for pk in pks[:15]]
    received += [
        bench.Received(2.0, 2, str(pks[3]), message[pks[3]]),  # a copy
        bench.Received(2.0, 2, "0", "<someone-else>"),
    ]
    counts = bench.count(pks, received)
    assert (counts.received, counts.distinct, counts.copies) == (16, 15, 1)
    assert (counts.unsent, counts.foreign, counts.connections) == (1, 1, 2)
    assert counts.copied_ids == [message[pks[3]]]
    assert bench.clear_outbox() == 16
