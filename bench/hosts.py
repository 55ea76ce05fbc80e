"""`python -m bench.hosts`: matching on two worker hosts, and one host's link cut mid-run.

Run as root, by hand, never in CI (`bench/hosts.sh` wraps it with a cleanup trap). Each worker
host is a network namespace (`wk-host1`, `wk-host2`) joined to the root namespace by a veth
pair in 10.231.0.0/24. PostgreSQL and Redis listen on 127.0.0.1 only and are left alone: a
small TCP forwarder in the root namespace (`proxy` below) listens on each veth's host-side
address and forwards to 127.0.0.1, so a worker in a namespace reaches them only over its veth,
and `ip link set … down` on that veth cuts it off as a broken network would.

A run generates goods needs and offers over Saxony into `willkommen_bench_hosts` (reused with
`--keep`), then for each scenario: resets every need and offer to open and flagged, empties
the broker's database, starts the forwarder, a Celery worker per host and one beat (in the
root namespace: the scheduler lives on a third machine), schedules every cell as the periodic
full run does (`schedule_everything`, plus the own cells of flagged offers that no need's cell
covers, which the sweep would schedule) and waits until no record is flagged, the queue and
the unacknowledged set are empty and every email was sent. Then it counts: time, batches per
host, allocation (units, Σ score × units), over-allocation, notification rows and the emails
an SMTP sink received.

Subcommands: `run` (the default), `cleanup` (namespaces, veths and processes of an earlier
run; safe to repeat), `proxy` (the forwarder, started by `run`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = Path(os.environ.get("BENCH_HOSTS_DIR", "/tmp/bench-hosts"))
PIDS = STATE / "pids"
DEFAULT_URL = "postgis://postgres@127.0.0.1:5432/willkommen_bench_hosts"
REDIS_DB = 13
SMTP_PORT = 8135
PORTS = (5432, 6379, SMTP_PORT)


def waiting(client) -> int:
    """Messages waiting on every queue the settings name (matching, email)."""
    from workers.metrics import queue_names

    return sum(client.llen(name) for name in queue_names())


@dataclass(frozen=True)
class Host:
    index: int  # 1, 2

    @property
    def netns(self) -> str:
        return f"wk-host{self.index}"

    @property
    def outer(self) -> str:  # veth end in the root namespace
        return f"wk-h{self.index}-root"

    @property
    def inner(self) -> str:  # veth end in the host's namespace
        return f"wk-h{self.index}-ns"

    @property
    def gateway(self) -> str:  # the host-side address the forwarder listens on
        return f"10.231.0.{4 * self.index - 3}"

    @property
    def address(self) -> str:
        return f"10.231.0.{4 * self.index - 2}"

    @property
    def node(self) -> str:
        return f"host{self.index}"


HOSTS = (Host(1), Host(2))


# --- processes and the network ------------------------------------------------------------


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=check, capture_output=True, text=True)


def remember(proc: subprocess.Popen) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    with PIDS.open("a") as f:
        f.write(f"{proc.pid}\n")


def spawn(name: str, args: list[str], env: dict, netns: str | None = None) -> subprocess.Popen:
    """A child in its own process group (stopped as a group), its output in STATE/name.log."""
    STATE.mkdir(parents=True, exist_ok=True)
    log = (STATE / f"{name}.log").open("wb")
    command = (["ip", "netns", "exec", netns] if netns else []) + args
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    remember(proc)
    return proc


def _ours(pid: int) -> bool:
    """Still a process this bench started (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"celery" in cmdline or b"bench.hosts" in cmdline


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def cleanup() -> None:
    """Stop what an earlier run started (by the pids it wrote), delete namespaces and veths."""
    if PIDS.exists():
        for line in PIDS.read_text().split():
            pid = int(line)
            if _ours(pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
        PIDS.unlink()
    for host in HOSTS:
        sh("ip", "netns", "del", host.netns, check=False)
        sh("ip", "link", "del", host.outer, check=False)  # takes its peer with it


def make_host(host: Host) -> None:
    """The namespace, its veth pair, addresses, loopback and a default route to the host."""
    sh("ip", "netns", "del", host.netns, check=False)
    sh("ip", "link", "del", host.outer, check=False)
    sh("ip", "netns", "add", host.netns)
    sh("ip", "link", "add", host.outer, "type", "veth", "peer", "name", host.inner)
    sh("ip", "link", "set", host.inner, "netns", host.netns)
    sh("ip", "addr", "add", f"{host.gateway}/30", "dev", host.outer)
    sh("ip", "link", "set", host.outer, "up")
    ns = ("ip", "netns", "exec", host.netns)
    sh(*ns, "ip", "addr", "add", f"{host.address}/30", "dev", host.inner)
    sh(*ns, "ip", "link", "set", host.inner, "up")
    sh(*ns, "ip", "link", "set", "lo", "up")
    sh(*ns, "ip", "route", "add", "default", "via", host.gateway)


def set_link(host: Host, up: bool) -> None:
    sh("ip", "link", "set", host.outer, "up" if up else "down")


# --- the forwarder (`python -m bench.hosts proxy ADDR …`) ---------------------------------


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def _probe_like_postgres(sock: socket.socket) -> None:
    """Keepalive on a worker's PostgreSQL connection as the server sets it per session
    (config/settings.py, DATABASE_KEEPALIVE_SECONDS): the forwarder stands in for the server's
    end of the link, so a cut host's session ends, and its row locks go, when the probes go
    unanswered, as on a real network. Without it the forwarder's local connection kept a cut
    host's transaction and its locks until the link came back."""
    idle = int(os.environ.get("DATABASE_KEEPALIVE_SECONDS", "30"))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, max(1, idle // 3))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)


async def _serve(addresses: list[str]) -> None:
    log = (STATE / "proxy-connections.log").open("a", buffering=1)

    def handler(listen: str, port: int):
        async def handle(c_reader, c_writer) -> None:
            if port == 5432:
                _probe_like_postgres(c_writer.get_extra_info("socket"))
            try:
                s_reader, s_writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                c_writer.close()
                return
            # Which host a PostgreSQL session (pg_stat_activity.client_port) came from.
            local_port = s_writer.get_extra_info("sockname")[1]
            peer = c_writer.get_extra_info("peername")[0]
            log.write(f"{time.time():.3f} {listen} {peer} {port} {local_port}\n")
            await asyncio.gather(_pipe(c_reader, s_writer), _pipe(s_reader, c_writer))

        return handle

    servers = [
        await asyncio.start_server(handler(a, p), a, p, reuse_address=True)
        for a in addresses
        for p in PORTS
    ]
    await asyncio.gather(*(s.serve_forever() for s in servers))


def proxy_main(addresses: list[str]) -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    asyncio.run(_serve(addresses))
    return 0


def session_hosts() -> dict[int, str]:
    """client_port of a PostgreSQL session → the gateway address it came through."""
    path = STATE / "proxy-connections.log"
    if not path.exists():
        return {}
    hosts = {}
    for line in path.read_text().splitlines():
        _, listen, _, port, local = line.split()
        if int(port) == 5432:
            hosts[int(local)] = listen
    return hosts


# --- the SMTP sink ------------------------------------------------------------------------


class Sink:
    """Counts what Django's SMTP backend delivers, by Message-ID (a copy keeps its id)."""

    def __init__(self, port: int) -> None:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)

        self.ids: Counter[str] = Counter()
        self._lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
                found = re.search(rb"(?im)^message-id:\s*(\S+)", envelope.content)
                with sink._lock:
                    sink.ids[found.group(1).decode() if found else "?"] += 1
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def reset(self) -> None:
        with self._lock:
            self.ids.clear()

    def stop(self) -> None:
        self.controller.stop()


# --- the database side --------------------------------------------------------------------


def setup(args: argparse.Namespace) -> str:
    os.environ["DATABASE_URL"] = args.database_url
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CACHE_REDIS_URL"):
        os.environ[name] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_hex(32))
    from bench.__main__ import setup_django

    return setup_django()


def generate_data(args: argparse.Namespace) -> dict:
    from bench import generate
    from bench.__main__ import read_state, write_state

    wanted = {"seed": args.seed, "goods_needs": args.goods_needs, "offers": args.offers}
    state = read_state()
    if args.keep and state and {k: state.get(k) for k in wanted} == wanted:
        return state
    write_state(None)
    now = datetime.now(UTC).replace(microsecond=0)
    sizes = generate.Sizes(goods_needs=args.goods_needs, offers=args.offers)
    generate.reset()
    ctx = generate.prepare(args.seed, sizes, now)
    generate.load_offers(ctx, sizes.offers)
    generate.load_goods_needs(ctx, sizes.goods_needs)
    generate.analyze()
    state = {**wanted, "now": now.isoformat()}
    write_state(state)
    return state


RESET_SQL = """
TRUNCATE matching_matchevent, matching_match, notifications_notification,
         notifications_webhookdelivery CASCADE;
UPDATE donations_goodsneed
   SET quantity_open = quantity, status = 'open', needs_matching = true, updated_at = now();
UPDATE donations_donationoffer
   SET quantity_open = quantity, status = 'open', needs_matching = true, updated_at = now();
"""


def reset_state() -> None:
    """Every need and offer open, whole and flagged; no match, no notification."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RESET_SQL)
        cursor.execute("VACUUM ANALYZE donations_goodsneed")
        cursor.execute("VACUUM ANALYZE donations_donationoffer")


def schedule_all() -> int:
    """As the periodic full run: every cell with open needs; plus the own cells of flagged
    offers that lie outside them (the sweep's path for a flagged offer)."""
    from donations.models import DonationOffer
    from matching.areas import cells_of_queryset
    from matching.scheduling import schedule_cell, schedule_everything

    enqueued = schedule_everything()
    for cell in sorted(cells_of_queryset(DonationOffer.objects.filter(needs_matching=True))):
        enqueued += schedule_cell("goods", cell)
    return enqueued


def scalar(sql: str, params: list | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


FLAGGED_SQL = """
SELECT (SELECT count(*) FROM donations_goodsneed WHERE needs_matching)
     + (SELECT count(*) FROM donations_donationoffer WHERE needs_matching)
"""
NEEDS_FLAGGED_SQL = "SELECT count(*) FROM donations_goodsneed WHERE needs_matching"
UNSENT_SQL = (
    "SELECT count(*) FROM notifications_notification WHERE status IN ('pending', 'sending')"
)
LIVE = "('proposed', 'approved', 'offered', 'accepted')"

# Offers/needs whose live matches hold more than their quantity, or whose quantity_open does
# not equal quantity minus what live matches hold.
OVER_SQL = f"""
WITH held AS (
  SELECT {{side}}_id AS id, sum(quantity) AS units FROM matching_match
  WHERE kind = 'goods' AND state IN {LIVE} GROUP BY 1
)
SELECT count(*) FILTER (WHERE coalesce(h.units, 0) > r.quantity),
       count(*) FILTER (WHERE r.quantity_open <> r.quantity - coalesce(h.units, 0))
FROM {{table}} r LEFT JOIN held h ON h.id = r.id
"""

# The same event told twice to the same person: (match, recipient, template) more than once.
DUPLICATES_SQL = """
SELECT count(*) FROM (
  SELECT context->>'match_id', recipient_id, template FROM notifications_notification
  WHERE context ? 'match_id' GROUP BY 1, 2, 3 HAVING count(*) > 1
) d
"""
# Offered matches lacking one of the two "match_offered" notices (need side, offer side).
MISSING_SQL = """
SELECT count(*) FROM matching_match m
WHERE m.offered_at IS NOT NULL AND (
  SELECT count(DISTINCT n.context->>'side') FROM notifications_notification n
  WHERE n.template = 'match_offered' AND n.context->>'match_id' = m.id::text
) < 2
"""


def outcome() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*), coalesce(sum(quantity), 0), coalesce(sum(score * quantity), 0),
                       count(*) FILTER (WHERE state = 'offered')
                FROM matching_match WHERE kind = 'goods' AND state IN {LIVE}"""
        )
        matches, units, score, offered = cursor.fetchone()
        cursor.execute(OVER_SQL.format(side="donation_offer", table="donations_donationoffer"))
        over_offers, off_offers = cursor.fetchone()
        cursor.execute(OVER_SQL.format(side="goods_need", table="donations_goodsneed"))
        over_needs, off_needs = cursor.fetchone()
        cursor.execute("SELECT status, count(*) FROM notifications_notification GROUP BY 1")
        by_status = dict(cursor.fetchall())
    return {
        "matches": matches,
        "units": int(units),
        "score": float(score),
        "offered": offered,
        "cancelled": scalar("SELECT count(*) FROM matching_match WHERE state = 'cancelled'"),
        "over_offers": over_offers,
        "over_needs": over_needs,
        "quantity_open_off": off_offers + off_needs,
        "flagged": scalar(FLAGGED_SQL),
        "notifications": sum(by_status.values()),
        "notification_status": by_status,
        "duplicate_notifications": scalar(DUPLICATES_SQL),
        "missing_notifications": scalar(MISSING_SQL),
    }


def cut_sessions(gateway: str) -> list[tuple]:
    """PostgreSQL sessions of the bench database that came through `gateway`: (pid, state,
    seconds since its transaction began, the start of its last query)."""
    from django.db import connection

    ports = [p for p, g in session_hosts().items() if g == gateway]
    if not ports:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.pid, a.state, extract(epoch FROM now() - a.xact_start)::int,
                      left(regexp_replace(a.query, '[[:space:]]+', ' ', 'g'), 60)
               FROM pg_stat_activity a
               WHERE a.datname = current_database() AND a.client_port = ANY(%s)""",
            [ports],
        )
        return cursor.fetchall()


def locked_needs() -> int:
    """Flagged needs that another session holds a row lock on right now (the probe locks and
    lets go at once; a batch starting in that instant would skip them, so it runs rarely)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM donations_goodsneed WHERE needs_matching
               AND id NOT IN (SELECT id FROM donations_goodsneed WHERE needs_matching
                              FOR UPDATE SKIP LOCKED)"""
        )
        return cursor.fetchone()[0]


# --- one scenario -------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Scenario:
    name: str
    hosts: int
    cut: bool = False
    seconds: float = 0.0
    finished: bool = False
    result: dict = field(default_factory=dict)
    batches: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timeline: list[str] = field(default_factory=list)
    load: str = ""


def worker_env(host: Host, args: argparse.Namespace, cut: bool) -> dict:
    url = f"redis://{host.gateway}:6379/{REDIS_DB}"
    db = args.database_url.replace("127.0.0.1", host.gateway)
    return {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": os.environ["DJANGO_SECRET_KEY"],
        "DATABASE_URL": db,
        "REDIS_URL": url,
        "CELERY_BROKER_URL": url,
        "CACHE_REDIS_URL": url,
        "EMAIL_HOST": host.gateway,
        "EMAIL_PORT": str(SMTP_PORT),
        **common_env(args, cut),
    }


def common_env(args: argparse.Namespace, cut: bool) -> dict:
    return {
        "PYTHONUNBUFFERED": "1",
        "LOG_FORMAT": "text",
        # Lowered only where a host is cut: below the time a countdown task waits in a busy
        # worker, Redis hands it out again while the first copy still waits (see README).
        "CELERY_VISIBILITY_TIMEOUT": str(args.visibility_timeout if cut else 3600),
        "MATCH_AUTO_APPROVE_GOODS_MIN_SCORE": str(args.auto_approve),
        "NOTIFICATION_DAILY_CAP_PER_ORGANISATION": "1000000",
        "SWEEP_INTERVAL_SECONDS": str(args.sweep_interval),
    }


def beat_env(args: argparse.Namespace, cut: bool) -> dict:
    env = {k: v for k, v in os.environ.items()}
    env.update(common_env(args, cut))
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def broker():
    import redis

    return redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}")


def celery(*args: str) -> list[str]:
    return [str(ROOT / ".venv/bin/celery"), "-A", "workers", *args]


def wait_for_workers(nodes: list[str], timeout: float = 90) -> None:
    from workers.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        seen = {key.split("@")[0] for reply in replies for key in reply}
        if set(nodes) <= seen:
            return
    raise RuntimeError(f"workers {nodes} did not answer within {timeout}s; see {STATE}/*.log")


def held_by(node: str) -> dict[str, int]:
    """Tasks a worker holds: running, reserved (prefetched) and scheduled (countdown)."""
    from workers.celery import app

    inspect = app.control.inspect(timeout=2.0)
    held = {}
    for what in ("active", "reserved", "scheduled"):
        reply = getattr(inspect, what)() or {}
        held[what] = sum(len(v) for k, v in reply.items() if k.startswith(node + "@"))
    return held


TASK_RE = re.compile(r"Task ([\w.]+)\[([0-9a-f-]+)\] succeeded")


def tasks_done(host: Host) -> tuple[Counter, list[str]]:
    """Tasks that succeeded on the host, by name, and their ids (a redelivered task keeps its
    id, so an id seen twice is a task that ran twice)."""
    path = STATE / f"{host.node}.log"
    if not path.exists():
        return Counter(), []
    found = TASK_RE.findall(path.read_text(errors="replace"))
    return Counter(name.rsplit(".", 1)[-1] for name, _ in found), [tid for _, tid in found]


def done(client) -> bool:
    return (
        scalar(FLAGGED_SQL) == 0
        and waiting(client) == 0
        and client.hlen("unacked") == 0
        and scalar(UNSENT_SQL) == 0
    )


def run_scenario(sc: Scenario, args: argparse.Namespace, sink: Sink) -> Scenario:
    hosts = HOSTS[: sc.hosts]
    client = broker()
    reset_state()
    client.flushdb()
    sink.reset()
    (STATE / "proxy-connections.log").unlink(missing_ok=True)
    procs: list[subprocess.Popen] = []
    t0 = time.monotonic()

    def note(text: str) -> None:
        line = f"{time.monotonic() - t0:7.1f} s  {text}"
        sc.timeline.append(line)
        print(f"  [{sc.name}] {line}", flush=True)

    try:
        for host in hosts:
            make_host(host)
        procs.append(
            spawn(
                "proxy",
                [sys.executable, "-m", "bench.hosts", "proxy", *[h.gateway for h in hosts]],
                {**os.environ},
            )
        )
        time.sleep(1.0)
        for host in hosts:
            (STATE / f"{host.node}.log").unlink(missing_ok=True)
            args_w = ["worker", "-n", f"{host.node}@%h", "--concurrency", str(args.concurrency)]
            args_w += ["--loglevel", "INFO", "--without-gossip", "--without-mingle"]
            procs.append(
                spawn(host.node, celery(*args_w), worker_env(host, args, sc.cut), netns=host.netns)
            )
        wait_for_workers([h.node for h in hosts])
        (STATE / "beat.log").unlink(missing_ok=True)
        procs.append(
            spawn(
                "beat",
                celery("beat", "--loglevel", "INFO"),
                beat_env(args, sc.cut),
            )
        )
        t0 = time.monotonic()
        enqueued = schedule_all()
        note(f"{enqueued} cell batches enqueued (countdown {args.debounce} s)")
        needs_total = scalar("SELECT count(*) FROM donations_goodsneed")
        cut_host = hosts[0] if sc.cut else None
        cut_at = healed_at = None
        last_unacked = None
        deadline = t0 + args.timeout
        progress = t0
        while time.monotonic() < deadline:
            time.sleep(0.5)
            unacked = client.hlen("unacked")
            if time.monotonic() - progress > 15:
                progress = time.monotonic()
                print(
                    f"  [{sc.name}] {progress - t0:7.1f} s  flagged {scalar(FLAGGED_SQL)}, "
                    f"queue {waiting(client)}, unacked {unacked}, unsent "
                    f"{scalar(UNSENT_SQL)}",
                    flush=True,
                )
            if cut_host and cut_at is None:
                left = scalar(NEEDS_FLAGGED_SQL)
                if left <= needs_total * (1 - args.cut_after):
                    held = held_by(cut_host.node)
                    if held["active"] + held["reserved"] + held["scheduled"] == 0:
                        continue
                    set_link(cut_host, up=False)
                    cut_at = time.monotonic()
                    note(
                        f"link of {cut_host.node} cut; it held {held}; unacked {unacked}, "
                        f"queue {waiting(client)}, needs flagged {left}"
                    )
                    last_unacked = unacked
                continue
            if cut_at is not None and healed_at is None:
                if unacked != last_unacked:
                    note(f"unacked {last_unacked} → {unacked}, queue {waiting(client)}")
                    last_unacked = unacked
                if time.monotonic() - cut_at > args.cut_wait:
                    sessions = cut_sessions(cut_host.gateway)
                    note(
                        f"still not done {args.cut_wait:.0f} s after the cut: flagged "
                        f"{scalar(FLAGGED_SQL)} (needs row-locked by another session: "
                        f"{locked_needs()}), queue {waiting(client)}, unacked {unacked}, "
                        f"unsent {scalar(UNSENT_SQL)}; {cut_host.node}'s sessions "
                        f"(pid, state, xact age s, locks): {sessions}"
                    )
                    sc.result["at_heal"] = outcome()
                    set_link(cut_host, up=True)
                    healed_at = time.monotonic()
                    note(f"link of {cut_host.node} up again")
                    continue
            if done(client):
                sc.finished = True
                break
        sc.seconds = time.monotonic() - t0
        note("done" if sc.finished else f"timed out after {args.timeout} s")
        if cut_at is not None:
            end = time.monotonic()
            sc.notes.append(
                f"cut at {cut_at - t0:.1f} s; finished {end - cut_at:.1f} s after the cut"
                + (f" ({end - healed_at:.1f} s after the link came back)" if healed_at else "")
            )
            sc.result["healed"] = healed_at is not None
        if sc.cut and cut_host is not None:
            if healed_at is None:
                set_link(cut_host, up=True)
                note(f"link of {cut_host.node} up again")
            # The healed host acks what it held, ends its transaction, may run what it had
            # reserved a second time: wait until all is quiet again, then count.
            time.sleep(5)
            settle = time.monotonic() + 180
            while time.monotonic() < settle and not done(client):
                time.sleep(1)
            note("quiet again after healing" if done(client) else "not quiet 180 s after healing")
        time.sleep(3)
        sc.result.update(outcome())
        sc.load = load_average()
        all_ids: Counter = Counter()
        for host in hosts:
            counts, ids = tasks_done(host)
            sc.batches[host.node] = dict(counts)
            all_ids.update(ids)
        sc.result["tasks_run_on_two_hosts"] = sum(1 for n in all_ids.values() if n > 1)
        sc.result["emails"] = sum(sink.ids.values())
        sc.result["email_copies"] = sum(n - 1 for n in sink.ids.values() if n > 1)
    finally:
        for proc in reversed(procs):
            stop(proc)
        for host in hosts:
            sh("ip", "netns", "del", host.netns, check=False)
            sh("ip", "link", "del", host.outer, check=False)
    return sc


# --- the table ----------------------------------------------------------------------------


def render(scenarios: list[Scenario]) -> str:
    head = (
        "| scenario | time | batches (match_area) per host | matches / units | Σ score × units "
        "| over-allocated offers / needs | flagged left | notifications (dup / missing) "
        "| emails (copies) | tasks run twice | load |"
    )
    lines = [head, "|" + "---|" * 11]
    for sc in scenarios:
        r = sc.result
        batches = ", ".join(f"{k} {v.get('match_area', 0)}" for k, v in sc.batches.items())
        lines.append(
            f"| {sc.name} | {sc.seconds:.1f} s{'' if sc.finished else ' (not finished)'} "
            f"| {batches} | {r['matches']:,} / {r['units']:,} | {r['score']:,.1f} "
            f"| {r['over_offers']} / {r['over_needs']} (quantity_open off: "
            f"{r['quantity_open_off']}) | {r['flagged']} "
            f"| {r['notifications']:,} ({r['duplicate_notifications']} / "
            f"{r['missing_notifications']}) | {r['emails']:,} ({r['email_copies']}) "
            f"| {r['tasks_run_on_two_hosts']} | {sc.load} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.hosts", description=__doc__)
    p.add_argument("command", nargs="?", default="run", choices=["run", "cleanup", "proxy"])
    p.add_argument("addresses", nargs="*", help="(proxy) addresses to listen on")
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--keep", action="store_true", help="reuse the generated instance")
    p.add_argument("--goods-needs", type=int, default=6000)
    p.add_argument("--offers", type=int, default=30000)
    p.add_argument("--concurrency", type=int, default=1, help="processes per worker host")
    p.add_argument("--auto-approve", type=float, default=0.75, help="goods score to approve")
    p.add_argument(
        "--visibility-timeout", type=int, default=30, help="seconds, in the cut scenario only"
    )
    p.add_argument("--sweep-interval", type=float, default=60.0)
    p.add_argument("--cut-after", type=float, default=0.3, help="share of needs done")
    p.add_argument("--cut-wait", type=float, default=240.0, help="seconds before healing")
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument(
        "--only", choices=["one", "two", "cut"], action="append", help="scenarios to run"
    )
    args = p.parse_args(argv)
    args.debounce = float(os.environ.get("MATCHING_DEBOUNCE_SECONDS", 5.0))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "cleanup":
        cleanup()
        return 0
    if args.command == "proxy":
        return proxy_main(args.addresses)
    if os.geteuid() != 0:
        sys.exit("run as root: it makes network namespaces")
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("the database's name must contain 'bench'")

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    cleanup()
    STATE.mkdir(parents=True, exist_ok=True)
    db_name = setup(args)
    from bench.__main__ import machine

    start = time.perf_counter()
    state = generate_data(args)
    print(f"bench database {db_name}; {machine()}")
    print(
        f"seed {args.seed}: {args.goods_needs:,} goods needs, {args.offers:,} offers "
        f"(generated {state['now']}; {time.perf_counter() - start:.1f} s); concurrency "
        f"{args.concurrency} per host; auto-approve ≥ {args.auto_approve}; visibility timeout "
        f"3600 s ({args.visibility_timeout} s with a cut); sweep every "
        f"{args.sweep_interval:.0f} s"
    )
    wanted = args.only or ["one", "two", "cut"]
    plan = [
        Scenario("one host", 1),
        Scenario("two hosts", 2),
        Scenario("two hosts, host1's link cut", 2, cut=True),
    ]
    plan = [sc for sc, key in zip(plan, ["one", "two", "cut"], strict=True) if key in wanted]
    sink = Sink(SMTP_PORT)
    results = []
    try:
        for sc in plan:
            print(f"{sc.name}: load {load_average()}", flush=True)
            results.append(run_scenario(sc, args, sink))
            (STATE / "results.json").write_text(
                json.dumps([r.__dict__ for r in results], indent=1, default=str)
            )
    finally:
        sink.stop()
        cleanup()
    print()
    print(render(results))
    for sc in results:
        for line in sc.notes:
            print(f"- {sc.name}: {line}")
        if sc.cut:
            print(f"- {sc.name}, timeline:")
            for line in sc.timeline:
                print(f"    {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
