"""`python -m bench.load`: a load test of the web process, its worker and the database.

Builds a city in its own database (`willkommen_bench_load`; COPY, see bench/load/data.py),
starts gunicorn (production settings) on 127.0.0.1:8101, a Celery worker and beat, and an SMTP
sink, then runs locust headless: readers at 10, 50 and 200 clients, then 20 writers. Prints
requests/s, p50/p95/p99 and errors per endpoint group, the matching and outbox backlogs while
the writes arrive and after they stop, and how long until both are empty. Never in CI.

Throttles: writes are limited to THROTTLE_WRITES per user (120/min by default); the bench's
processes run with THROTTLE_WRITES=600/min.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DB_NAME = "willkommen_bench_load"
REDIS = "redis://127.0.0.1:6379/10"
STATE_KEY = "load"


def parse_args(argv: list[str]) -> argparse.Namespace:
    from bench.load.data import LoadSizes

    d = LoadSizes()
    cores = os.cpu_count() or 2
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--keep", action="store_true", help="reuse the city if seed and sizes match")
    p.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_LOAD_SECONDS", 60)))
    p.add_argument("--clients", default="10,50,200", help="reader clients per run")
    p.add_argument("--writers", type=int, default=20)
    p.add_argument("--only", choices=["reads", "writes"])
    p.add_argument(
        "--wait",
        default=os.environ.get("BENCH_LOAD_WAIT", "0.5,1.5"),
        help="seconds each client waits between requests: low,high (uniform)",
    )
    p.add_argument(
        "--web-workers",
        type=int,
        default=int(os.environ.get("BENCH_LOAD_WEB_WORKERS", 2 * cores + 1)),
        help="gunicorn's sync workers (2 × cores + 1)",
    )
    p.add_argument(
        "--worker-concurrency",
        type=int,
        default=int(os.environ.get("BENCH_LOAD_WORKER_CONCURRENCY", cores)),
    )
    p.add_argument("--port", type=int, default=8101)
    p.add_argument("--smtp-port", type=int, default=8102)
    p.add_argument("--drain-timeout", type=int, default=300, help="seconds to wait for backlogs")
    p.add_argument("--offers", type=int, default=d.offers)
    p.add_argument("--goods-needs", type=int, default=d.goods_needs)
    p.add_argument("--out", help="also write the results as JSON to this file")
    return p.parse_args(argv)


def environment(args: argparse.Namespace) -> dict[str, str]:
    """The settings of every process of the run: production mode on the bench database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=env.get("BENCH_LOAD_DATABASE_URL")
        or f"postgis://postgres@127.0.0.1:5432/{DB_NAME}",
        REDIS_URL=REDIS,
        CELERY_BROKER_URL=REDIS,
        CACHE_REDIS_URL=REDIS,
        CACHE_KEY_PREFIX="bench-load",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("BENCH_LOAD_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(args.smtp_port),
        SITE_URL=f"http://127.0.0.1:{args.port}",
        LOG_LEVEL="WARNING",
        # Bench only: a writer posts about once a second (60/min per user) with both its
        # identities; base.limits claims one of N slots per write, so N stays modest.
        THROTTLE_WRITES="600/min",
        BENCH_LOAD_WAIT=args.wait,
    )
    return env


# --- the database ------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    base = url.rsplit("/", 1)[0].replace("postgis://", "postgresql://")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read_state() -> dict | None:
    from django.db import connection

    from bench.__main__ import STATE_SQL

    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        cursor.execute("SELECT value FROM bench_state WHERE key = %s", [STATE_KEY])
        row = cursor.fetchone()
    if not row:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def write_state(state: dict) -> None:
    from django.db import connection

    from bench.__main__ import STATE_SQL

    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        cursor.execute("DELETE FROM bench_state WHERE key = %s", [STATE_KEY])
        cursor.execute(
            "INSERT INTO bench_state (key, value) VALUES (%s, %s::jsonb)",
            [STATE_KEY, json.dumps(state)],
        )


# --- backlogs ----------------------------------------------------------------------------------


@dataclass
class Backlog:
    at: float
    flagged: int
    flagged_age: float | None
    outbox: int
    outbox_age: float | None

    @property
    def empty(self) -> bool:
        return self.flagged == 0 and self.outbox == 0


def backlog(at: float) -> Backlog:
    """What /readyz looks at (web/health.py): records flagged for matching and emails not yet
    sent (pending or sending), with the age of the oldest of each."""
    from django.db import connection
    from django.db.models import Count, Min
    from django.utils import timezone

    from lifecycle.services import lifecycle_models
    from notifications.models import Notification

    now = timezone.now()
    flagged, oldest = 0, None
    for model in lifecycle_models():
        found = model._default_manager.filter(needs_matching=True).aggregate(
            n=Count("pk"), first=Min("updated_at")
        )
        flagged += found["n"]
        if found["first"] is not None and (oldest is None or found["first"] < oldest):
            oldest = found["first"]
    unsent = Notification.objects.filter(
        status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
    ).aggregate(n=Count("pk"), first=Min("created_at"))
    connection.close()
    return Backlog(
        at,
        flagged,
        (now - oldest).total_seconds() if oldest else None,
        unsent["n"],
        (now - unsent["first"]).total_seconds() if unsent["first"] else None,
    )


@dataclass
class Sampler:
    """Samples the backlogs every `every` seconds in a thread."""

    every: float = 2.0
    start: float = field(default_factory=time.perf_counter)
    samples: list[Backlog] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(backlog(time.perf_counter() - self.start))
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def drain(timeout: float, since: float) -> tuple[float | None, list[Backlog]]:
    """Seconds until both backlogs are empty (None if not within `timeout`), sampled each s."""
    samples = []
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        found = backlog(time.perf_counter() - since)
        samples.append(found)
        if found.empty:
            return time.perf_counter() - since, samples
        time.sleep(1.0)
    return None, samples


# --- processes ---------------------------------------------------------------------------------


class Processes:
    """The services of the run; each started in its own process group and ended by its id."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str]) -> None:
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((name, proc))

    def stop(self) -> None:
        for _name, proc in reversed(self.running):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in reversed(self.running):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop; killing it", file=sys.stderr)
                os.killpg(proc.pid, signal.SIGKILL)
        self.running.clear()

    def check(self) -> None:
        for name, proc in self.running:
            if proc.poll() is not None:
                tail = (self.log_dir / f"{name}.log").read_text()[-2000:]
                sys.exit(f"{name} exited with {proc.returncode}:\n{tail}")


def start_services(args: argparse.Namespace, procs: Processes) -> None:
    procs.start(
        "smtp",
        [str(VENV_BIN / "python"), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{args.smtp_port}"],
    )
    procs.start(
        "web",
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.web_workers),
            "--timeout",
            "120",
        ],
    )
    procs.start(
        "worker",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "workers",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            str(args.worker_concurrency),
            "--queues",
            "default",
        ],
    )
    # Email and webhooks, as the Procfile and compose.yml run them (config/settings.py).
    procs.start(
        "mailer",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "workers",
            "worker",
            "-n",
            "mailer@%h",
            "--loglevel",
            "WARNING",
            "--concurrency",
            "1",
            "--queues",
            "notifications",
        ],
    )
    procs.start(
        "beat", [str(VENV_BIN / "celery"), "-A", "workers", "beat", "--loglevel", "WARNING"]
    )
    deadline = time.monotonic() + 120
    url = f"http://127.0.0.1:{args.port}/healthz"
    while time.monotonic() < deadline:
        procs.check()
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    sys.exit(f"{url} did not answer 200 within 120 s (logs in {procs.log_dir})")


def settle(port: int, timeout: float = 600.0) -> float:
    """Wait until the server answers a small public list within two seconds: requests that
    clients of the run before gave up on still wait in gunicorn's listen queue and are served
    first (sync workers cannot tell that a client left). Returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        asked = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/skills/", timeout=60):
                pass
        except OSError:
            pass
        if time.monotonic() - asked < 2.0:
            break
        time.sleep(1)
    return time.monotonic() - start


# --- locust ------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass
class RunResult:
    label: str
    clients: int
    seconds: int
    load_before: str
    load_after: str
    rows: list[Row]
    failures: list[tuple[str, str, int]]


def load_average() -> str:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"{one} {five} {fifteen}"


def _ms(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # "N/A": no request of the group finished
        return float("nan")


def run_locust(
    args: argparse.Namespace, env: dict, user_class: str, clients: int, label: str, work: Path
) -> RunResult:
    prefix = work / f"{label.replace(' ', '-')}"
    waited = settle(args.port)
    if waited > 2:
        print(f"(waited {waited:.0f} s for the server to finish the run before)")
    before = load_average()
    subprocess.run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "load" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(clients),
            "--spawn-rate",
            str(max(clients / 5, 1)),
            "--run-time",
            f"{args.duration}s",
            "--stop-timeout",
            "10",
            "--host",
            f"http://127.0.0.1:{args.port}",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
            user_class,
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=open(work / f"{prefix.name}.out", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    after = load_average()
    rows = []
    with open(f"{prefix}_stats.csv") as f:
        for rec in csv.DictReader(f):
            rows.append(
                Row(
                    "all" if rec["Name"] == "Aggregated" else rec["Name"],
                    int(rec["Request Count"]),
                    int(rec["Failure Count"]),
                    float(rec["Requests/s"]),
                    _ms(rec["50%"]),
                    _ms(rec["95%"]),
                    _ms(rec["99%"]),
                )
            )
    failures = []
    with open(f"{prefix}_failures.csv") as f:
        for rec in csv.DictReader(f):
            failures.append((rec["Name"], rec["Error"][:200], int(rec["Occurrences"])))
    return RunResult(label, clients, args.duration, before, after, rows, failures)


# --- tables ------------------------------------------------------------------------------------


def run_table(result: RunResult) -> str:
    lines = [
        f"### {result.label}: {result.clients} clients, {result.seconds} s "
        f"(load average before {result.load_before}, after {result.load_after})",
        "",
        "| endpoint group | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in sorted(result.rows, key=lambda r: (r.name == "all", r.name)):
        name = f"**{row.name}**" if row.name == "all" else row.name
        lines.append(
            f"| {name} | {row.requests:,} | {row.rps:.1f} | {row.p50:.0f} | {row.p95:.0f} | "
            f"{row.p99:.0f} | {row.failures} |"
        )
    for name, error, count in result.failures[:10]:
        lines.append(f"\nerror ×{count} in {name}: {error}")
    return "\n".join(lines)


def backlog_table(title: str, samples: list[Backlog], every: float) -> str:
    lines = [
        f"### {title}",
        "",
        "| t (s) | flagged for matching | oldest flagged (s) | unsent emails | oldest unsent (s) |",
        "|---|---|---|---|---|",
    ]
    last = -1e9
    for s in samples:
        if s.at - last < every and s is not samples[-1]:
            continue
        last = s.at
        lines.append(
            f"| {s.at:.0f} | {s.flagged} | {_age(s.flagged_age)} | {s.outbox} | "
            f"{_age(s.outbox_age)} |"
        )
    return "\n".join(lines)


def _age(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


# --- the run -----------------------------------------------------------------------------------


def prepare(args: argparse.Namespace, env: dict) -> tuple[dict, dict[str, float]]:
    from bench.load.data import LoadSizes

    sizes = LoadSizes(offers=args.offers, goods_needs=args.goods_needs)
    wanted = {"seed": args.seed, "sizes": vars(sizes)}
    os.environ.update({k: v for k, v in env.items() if k not in ("BENCH_LOAD_WAIT",)})
    if not args.keep:
        recreate_database(env["DATABASE_URL"])
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    from bench.__main__ import setup_django

    start = time.perf_counter()
    setup_django()
    timings = {"database created and migrated": time.perf_counter() - start}
    from bench.load import data

    state = read_state()
    if args.keep and state and {k: state.get(k) for k in wanted} == wanted:
        timings["city reused (--keep)"] = 0.0
        people = data.renew_sessions(state["people"])
    else:
        start = time.perf_counter()
        timings["demo and hub (ORM)"] = data.load_hub()
        timings.update(data.load_city(args.seed, sizes))
        people = data.load_people(sizes)
        timings.update(data.load_matches(sizes, people["coordinators"][0]["id"]))
        write_state({**wanted, "people": people})
        timings["city built in all"] = time.perf_counter() - start
    clear_flags()
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    return people, timings


def clear_flags() -> None:
    """The runs start from a matched city: what the preparation left flagged (the demo's
    records, batches it interrupted) is taken as matched, no batch is owed, and tasks queued
    by it are gone (the Redis database was emptied)."""
    from django.db import connection

    from lifecycle.services import lifecycle_models

    with connection.cursor() as cursor:
        for model in lifecycle_models():
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET needs_matching = false WHERE needs_matching"
            )
        cursor.execute("DELETE FROM matching_owedbatch")


def write_manifest(people: dict, path: Path) -> dict:
    from bench.load.data import manifest

    found = manifest(people)
    path.write_text(json.dumps(found))
    return found


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "goods needs": "donations_goodsneed",
        "donation offers": "donations_donationoffer",
        "households": "housing_housingneed",
        "flats": "housing_housingoffer",
        "volunteer needs": "volunteers_volunteerneed",
        "shifts": "volunteers_shift",
        "volunteer profiles": "volunteers_volunteerprofile",
        "jobs": "jobs_job",
        "people looking for work": "jobs_jobseeker",
        "matches": "matching_match",
        "directory services": "directory_service",
        "event series": "events_eventseries",
        "content pages": "content_page",
    }
    found = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            try:
                cursor.execute(f"SELECT count(*) FROM {table}")
                found[label] = cursor.fetchone()[0]
            except Exception:  # a table of the hub named differently: leave it out
                connection.rollback() if not connection.get_autocommit() else None
    return found


def main(argv: list[str] | None = None) -> int:
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.writers > 60:
        sys.exit("at most 60 writers: each answers the matches of a donor of its own")
    env = environment(args)
    # A SIGTERM (timeout, an operator) ends the services too, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    people, timings = prepare(args, env)
    from bench.__main__ import machine

    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env["BENCH_LOAD_MANIFEST"] = str(work / "manifest.json")
    print(f"bench database {DB_NAME}; {machine()}; logs and CSV in {work}")
    print(
        f"gunicorn {args.web_workers} sync workers on 127.0.0.1:{args.port}, celery worker "
        f"(default queue) concurrency {args.worker_concurrency}, mailer (notifications queue) "
        f"concurrency 1, beat, SMTP sink :{args.smtp_port}; clients "
        f"wait {args.wait} s between requests"
    )
    print("data: " + ", ".join(f"{k} {v:,}" for k, v in counts().items()))
    for step, seconds in timings.items():
        print(f"  {step}: {seconds:.1f} s")
    results: dict = {"runs": [], "writes": None}
    procs = Processes(env, work)
    try:
        start_services(args, procs)
        # The approvals' emails and the demo's records first: the runs start from empty.
        settled, _ = drain(args.drain_timeout, time.perf_counter())
        print(f"backlogs empty before the runs: {settled is not None}")
        if args.only in (None, "reads"):
            write_manifest(people, Path(env["BENCH_LOAD_MANIFEST"]))
            for clients in [int(c) for c in args.clients.split(",") if c]:
                procs.check()
                result = run_locust(args, env, "Reader", clients, f"reads {clients}", work)
                results["runs"].append(result)
                print()
                print(run_table(result))
        if args.only in (None, "writes"):
            write_manifest(people, Path(env["BENCH_LOAD_MANIFEST"]))
            procs.check()
            with Sampler(every=2.0) as sampler:
                result = run_locust(args, env, "Writer", args.writers, "writes", work)
            stopped = time.perf_counter()
            drained, after = drain(args.drain_timeout, stopped)
            results["writes"] = {
                "run": result,
                "during": sampler.samples,
                "after": after,
                "drained_s": drained,
            }
            print()
            print(run_table(result))
            print()
            print(backlog_table("Backlogs while the writes arrive", sampler.samples, 10))
            print()
            print(backlog_table("Backlogs after the writes stopped", after, 30))
            print()
            if drained is None:
                print(f"**Backlogs not empty {args.drain_timeout} s after the load stopped.**")
            else:
                print(f"**Both backlogs empty {drained:.0f} s after the load stopped** (goal 60 s)")
    finally:
        procs.stop()
    if args.out:
        Path(args.out).write_text(json.dumps(results, default=lambda o: o.__dict__, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
