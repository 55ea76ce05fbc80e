"""`python -m bench.notify`: N emails through real Celery workers to a local SMTP sink.

Writes N outbox rows the way the platform does (`notifications.services.notify` in one
transaction, for recipients in German, English, Ukrainian and Arabic); the commit enqueues one
`deliver_notification` task per row, as in production. Two `celery -A workers worker`
processes (production's command and concurrency) send them over SMTP to an aiosmtpd sink in
a process of its own, which writes a line per message it accepts. Measured: seconds from the
first enqueue to the last message at the sink, messages received, distinct Message-IDs,
copies, rows left unsent, emails per second.

`--kill-after F` SIGKILLs one worker (its whole process group) once a fraction F of the
messages has arrived; give it a short `--visibility-timeout` so that Redis hands the dead
worker's messages to the survivor soon.

Runs on its own database and Redis database (NOTIFY_BENCH_DATABASE_URL, default
`willkommen_bench_notify`; NOTIFY_BENCH_REDIS_URL, default redis://127.0.0.1:6379/12), which
it empties: it refuses a database without "bench" in its name.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:5432/willkommen_bench_notify"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
LANGUAGES = ("de", "en", "uk", "ar")
USERNAME = "notify-bench-{:05d}"
TEMPLATE = "geocoding_failed"
DELIVERY_TASKS = (
    "notifications.tasks.deliver_notification",
    "notifications.tasks.deliver_notifications",
)
ROOT = Path(__file__).resolve().parents[1]


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__)
    p.add_argument("--emails", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=2, help="celery worker processes")
    # Production's Procfile: --concurrency 2.
    p.add_argument("--concurrency", type=int, default=2, help="processes per worker")
    p.add_argument("--port", type=int, default=8125, help="the SMTP sink's port")
    p.add_argument("--timeout", type=float, default=900, help="give up after this long")
    p.add_argument("--kill-after", type=float, default=None, metavar="FRACTION")
    p.add_argument("--visibility-timeout", type=int, default=None, help="CELERY_VISIBILITY_TIMEOUT")
    p.add_argument(
        "--claim-timeout", type=int, default=None, help="NOTIFICATION_CLAIM_TIMEOUT_SECONDS"
    )
    p.add_argument(
        "--write",
        choices=["notify", "bulk"],
        default="notify",
        help="rows through notify() (default) or one bulk insert, enqueued the same way",
    )
    p.add_argument(
        "--sweep",
        action="store_true",
        help="run the sweep (workers.sweep) every SWEEP_INTERVAL_SECONDS while waiting, as beat",
    )
    p.add_argument("--sink", metavar="FILE", help=argparse.SUPPRESS)  # internal: be the sink
    return p.parse_args(argv)


# --- the SMTP sink (its own process; no Django) ---------------------------------------------

_HEADER = re.compile(rb"^(Message-ID|X-Willkommen-Notification):[ \t]*(\S+)", re.I | re.M)


def header_values(raw: bytes) -> tuple[str, str]:
    """(Message-ID, X-Willkommen-Notification) of a raw message, "" where missing; only the
    header block is searched."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = {name.decode().lower(): value.decode() for name, value in _HEADER.findall(head)}
    return found.get("message-id", ""), found.get("x-willkommen-notification", "")


class SinkHandler:
    """Writes one line per accepted message: time, SMTP connection number, notification id,
    Message-ID. Line-buffered, so the bench reads the progress as it happens."""

    def __init__(self, out) -> None:
        self.out = out
        self.connections = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        number = getattr(session, "bench_connection", None)
        if number is None:
            self.connections += 1
            number = session.bench_connection = self.connections
        message_id, notification = header_values(envelope.original_content)
        self.out.write(f"{time.time():.6f}\t{number}\t{notification}\t{message_id}\n")
        return "250 Message accepted for delivery"


def serve_sink(path: str, port: int) -> None:
    from aiosmtpd.controller import Controller

    with open(path, "a", buffering=1) as out:
        controller = Controller(SinkHandler(out), hostname="127.0.0.1", port=port)
        controller.start()
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        print("ready", flush=True)
        while not stop:
            time.sleep(0.2)
        controller.stop()


@dataclass
class Received:
    at: float
    connection: int
    notification: str
    message_id: str


def read_sink(path: Path) -> list[Received]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            out.append(Received(float(parts[0]), int(parts[1]), parts[2], parts[3]))
    return out


# --- setup: database, recipients, rows --------------------------------------------------------


def configure_environment(redis_url: str, database_url: str) -> None:
    """The bench's own database and Redis database, for this process and the workers (which
    inherit the environment); production settings (DEBUG off) with a throwaway key."""
    os.environ["DATABASE_URL"] = database_url
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CACHE_REDIS_URL"):
        os.environ[name] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))


def ensure_recipients(count: int) -> list:
    """`count` active users with an address, languages de/en/uk/ar in turn, and default
    preferences (email on, instant); made once with bulk inserts, reused afterwards."""
    from accounts.models import User
    from notifications.models import NotificationPreference

    names = [USERNAME.format(i) for i in range(count)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=name,
                email=f"{name}@example.org",
                first_name=f"Person {i}",
                preferred_language=LANGUAGES[i % len(LANGUAGES)],
                password="!",  # unusable: nobody signs in as these
            )
            for i, name in enumerate(names)
            if name not in have
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__in=names).order_by("username"))
    with_preferences = set(
        NotificationPreference.objects.filter(user__in=users).values_list("user_id", flat=True)
    )
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=u) for u in users if u.pk not in with_preferences],
        batch_size=2000,
    )
    return users


def clear_outbox() -> int:
    """Every notification of the bench database goes: each run starts from an empty outbox."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_notification")
        return cursor.rowcount


def write_outbox(users: list, count: int, run: str) -> list[int]:
    """`count` notifications through the platform's service, in one transaction: its commit
    enqueues one delivery task per row, as a burst in production does."""
    from django.db import transaction

    from notifications.services import notify

    with transaction.atomic():
        rows = [
            notify(
                users[i % len(users)],
                TEMPLATE,
                f"bench-notify:{run}:{i}",
                {"title": f"Winterjacke {i}", "address": "Eisenbahnstraße 1, Leipzig"},
            )
            for i in range(count)
        ]
    return [row.pk for row in rows]


def write_outbox_bulk(users: list, count: int, run: str) -> list[int]:
    """The same rows in one bulk insert (quicker to set up), enqueued at the commit by the
    service's own after-commit hook, exactly as `notify` enqueues them."""
    from django.db import transaction

    from notifications import services
    from notifications.models import Notification

    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=users[i % len(users)],
                    template=TEMPLATE,
                    language=users[i % len(users)].preferred_language,
                    context={"title": f"Winterjacke {i}", "address": "Eisenbahnstraße 1, Leipzig"},
                    idempotency_key=f"bench-notify:{run}:{i}",
                )
                for i in range(count)
            ],
            batch_size=2000,
        )
        pks = [row.pk for row in rows]
        services._enqueue_after_commit(pks)
    return pks


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its live children (a prefork pool), from /proc."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    for each in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# --- counting ---------------------------------------------------------------------------------


@dataclass
class Counts:
    received: int = 0
    distinct: int = 0
    copies: int = 0
    unsent: int = 0
    foreign: int = 0  # messages that name no row of this run
    connections: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    retried_rows: int = 0
    copied_ids: list[str] = field(default_factory=list)


def count(pks: Iterable[int], received: list[Received]) -> Counts:
    """What the sink got for this run's rows, and what the rows say."""
    from django.db.models import Count

    from notifications.models import Notification

    pks = set(pks)
    ours = [r for r in received if r.notification.isdigit() and int(r.notification) in pks]
    per_id = Counter(r.message_id for r in ours)
    statuses = dict(
        Notification.objects.filter(pk__in=pks)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return Counts(
        received=len(ours),
        distinct=len(per_id),
        copies=len(ours) - len(per_id),
        unsent=len(pks) - statuses.get(Notification.Status.SENT, 0),
        foreign=len(received) - len(ours),
        connections=len({r.connection for r in ours}),
        statuses=statuses,
        retried_rows=Notification.objects.filter(pk__in=pks, attempts__gt=1).count(),
        copied_ids=sorted(mid for mid, n in per_id.items() if n > 1),
    )


# --- processes --------------------------------------------------------------------------------


class Run:
    """The sink and the workers of one run, stopped whatever happens."""

    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.sink_file = folder / "sink.tsv"
        self.sink: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}

    def start_sink(self) -> None:
        self.sink = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.notify",
                "--sink",
                str(self.sink_file),
                "--port",
                str(self.args.port),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=open(self.folder / "sink.log", "wb"),  # noqa: SIM115 (lives with the process)
            text=True,
        )
        if self.sink.stdout.readline().strip() != "ready":
            raise SystemExit(f"the SMTP sink did not start: {self.folder / 'sink.log'}")

    def worker_env(self) -> dict:
        env = {
            **os.environ,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.args.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "PYTHONUNBUFFERED": "1",
        }
        if self.args.visibility_timeout is not None:
            env["CELERY_VISIBILITY_TIMEOUT"] = str(self.args.visibility_timeout)
        if self.args.claim_timeout is not None:
            env["NOTIFICATION_CLAIM_TIMEOUT_SECONDS"] = str(self.args.claim_timeout)
        return env

    def start_workers(self) -> None:
        env = self.worker_env()
        for i in range(1, self.args.workers + 1):
            name = f"notify{i}"
            self.workers[name] = subprocess.Popen(
                # Production's command (Procfile), with a name per worker.
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "workers",
                    "worker",
                    "-n",
                    f"{name}@%h",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    str(self.args.concurrency),
                ],
                cwd=ROOT,
                env=env,
                stdout=open(self.folder / f"{name}.log", "wb"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill takes its children
            )
        from workers.celery import app

        deadline = time.monotonic() + 120
        while True:
            for name, proc in self.workers.items():
                if proc.poll() is not None:
                    raise SystemExit(f"worker {name} died: {self.folder / (name + '.log')}")
            replies = app.control.ping(timeout=1.0) or []
            answered = {key.split("@")[0] for reply in replies for key in reply}
            if answered >= set(self.workers):
                return
            if time.monotonic() > deadline:
                raise SystemExit(f"workers did not answer a ping: {self.folder}")

    def kill(self, name: str) -> None:
        proc = self.workers[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in self.workers.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self.sink is not None and self.sink.poll() is None:
            self.sink.terminate()
            self.sink.wait(timeout=10)


def queue_drained(client) -> bool:
    # kombu keeps waiting messages in a list named after the queue, unacknowledged ones in
    # the "unacked" hash until the task finishes (or the visibility timeout gives them back).
    from workers.metrics import queue_names

    waiting = sum(client.llen(name) for name in queue_names())
    return waiting == 0 and client.hlen("unacked") == 0


# --- the run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.sink:
        serve_sink(args.sink, args.port)
        return 0
    redis_url = os.environ.get("NOTIFY_BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    database_url = os.environ.get("NOTIFY_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_environment(redis_url, database_url)
    from bench.__main__ import machine, setup_django

    db_name = setup_django()
    import redis
    from celery.signals import before_task_publish
    from django.conf import settings

    from bench.report import Table, fmt_s
    from notifications.models import Notification

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    print(f"bench database {db_name}, broker {settings.CELERY_BROKER_URL}; {machine()}")
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")

    setup = Table("0. Setup")
    start = time.perf_counter()
    users = ensure_recipients(args.emails)
    setup.add(f"{len(users):,} recipients (de/en/uk/ar) ready", fmt_s(time.perf_counter() - start))
    setup.add("rows of earlier runs removed", f"{clear_outbox():,}")

    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    run = Run(args, folder)
    published: list[float] = []

    def on_publish(sender=None, **kwargs) -> None:
        if sender in DELIVERY_TASKS:
            published.append(time.time())

    before_task_publish.connect(on_publish, weak=False)
    killed = None
    try:
        run.start_sink()
        start = time.perf_counter()
        run.start_workers()
        setup.add(
            f"{args.workers} workers × {args.concurrency} processes answering",
            fmt_s(time.perf_counter() - start),
        )
        start = time.perf_counter()
        cpu_before = {name: cpu_seconds(p.pid) for name, p in run.workers.items()}
        cpu_before["sink"] = cpu_seconds(run.sink.pid)
        write = write_outbox if args.write == "notify" else write_outbox_bulk
        pks = write(users, args.emails, secrets.token_hex(4))
        how = "notify()" if args.write == "notify" else "one bulk insert"
        setup.add(
            f"{len(pks):,} rows written through {how} and enqueued on commit",
            fmt_s(time.perf_counter() - start),
        )
        deadline = time.monotonic() + args.timeout
        sent = Notification.objects.filter(pk__in=pks, status=Notification.Status.SENT)
        sweeps, next_sweep = 0, time.monotonic() + settings.SWEEP_INTERVAL_SECONDS
        while True:
            if args.sweep and time.monotonic() >= next_sweep:
                from workers.sweep import sweep_pending

                sweep_pending()
                sweeps += 1
                next_sweep += settings.SWEEP_INTERVAL_SECONDS
            received = read_sink(run.sink_file)
            if (
                killed is None
                and args.kill_after is not None
                and len(received) >= args.kill_after * len(pks)
            ):
                killed = (next(iter(run.workers)), len(received), time.time())
                run.kill(killed[0])
                print(f"killed worker {killed[0]} after {killed[1]:,} messages")
            if queue_drained(client) and sent.count() == len(pks):
                break
            if time.monotonic() > deadline:
                print(f"gave up after {args.timeout:.0f} s; logs in {folder}")
                break
            time.sleep(0.5)
        received = read_sink(run.sink_file)
        cpu = {name: cpu_seconds(p.pid) - cpu_before[name] for name, p in run.workers.items()}
        sink_cpu = cpu_seconds(run.sink.pid) - cpu_before["sink"]
    finally:
        run.stop()
    counts = count(pks, received)
    first = published[0] if published else float("nan")
    last = max((r.at for r in received), default=float("nan"))
    seconds = last - first
    rate = counts.distinct / seconds if seconds > 0 else float("nan")

    table = Table(
        f"1. {len(pks):,} emails, {args.workers} workers × {args.concurrency} processes"
        + (f", worker {killed[0]} SIGKILLed" if killed else "")
    )
    table.add("first enqueue → last message at the sink", fmt_s(seconds), "< 60 s", seconds < 60)
    table.add("task messages published", f"{len(published):,}")
    table.add("enqueueing (first → last publish)", fmt_s(published[-1] - first))
    table.add("messages received", f"{counts.received:,}")
    table.add(
        "distinct Message-IDs", f"{counts.distinct:,}", f"{len(pks):,}", counts.distinct == len(pks)
    )
    table.add("copies (received − distinct)", f"{counts.copies}", "0", counts.copies == 0)
    table.add("rows left unsent", f"{counts.unsent}", "0", counts.unsent == 0)
    table.add("emails per second", f"{rate:.1f}")
    if not killed:
        table.add(
            "worker CPU per email (all workers)", f"{sum(cpu.values()) / len(pks) * 1000:.2f} ms"
        )
    table.add("SMTP sink CPU per email", f"{sink_cpu / len(pks) * 1000:.2f} ms")
    table.add("SMTP connections that carried a message", f"{counts.connections:,}")
    table.add("rows tried more than once", f"{counts.retried_rows}")
    if counts.foreign:
        table.add("messages for no row of this run", f"{counts.foreign}")
    if args.sweep:
        table.add("sweeps run (as beat would)", f"{sweeps}")
    if killed:
        table.add("messages at the sink when killed", f"{killed[1]:,}")
        table.add("copied Message-IDs", " ".join(counts.copied_ids) or "none")
    print()
    print(setup.render())
    print()
    print(table.render())
    print(f"\nload after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; logs in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
