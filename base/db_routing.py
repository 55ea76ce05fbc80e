"""Which PostgreSQL server answers a query: the primary, or a streaming replica for the reads
of the read-heavy map and list endpoints (README, "Running a national instance").

Routing is explicit. Every query goes to the primary (`default`) unless all of these hold:
- a `replica` database is configured (DATABASE_REPLICA_URL);
- the view asked for it: `ReadsFromReplica` on a map or list endpoint, for GET and HEAD only,
  and only after authentication, so that a token issued a moment ago is found;
- nothing in this request has written yet (a view that writes, say an audit row, then reads
  what it wrote, reads it from the primary);
- the asking user sent no write (any request but GET, HEAD, OPTIONS, TRACE) within the last
  DATABASE_REPLICA_STICKY_SECONDS, so that authors see their own writes; the mark is in the
  shared cache, so it holds whichever web host the load balancer picks next;
- no transaction is open on the primary (atomic blocks and select_for_update read there);
- the replica is provably less than DATABASE_REPLICA_STICKY_SECONDS minus the check interval
  behind: it has replayed the primary's WAL position of a moment that recent. A stopped or
  unreachable replica therefore loses its reads to the primary instead of serving old data,
  and after the sticky window the author's write is always on the replica.

The replica holds the same rows as the primary, so routing changes who answers, never what a
person may see; only how fresh it is, by at most the sticky window.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Methods that do not change anything (RFC 9110); any other request counts as a write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Reads the replica may answer: OPTIONS describes the endpoint and reads no rows.
REPLICA_METHODS = frozenset({"GET", "HEAD"})
CACHE_KEY = "db-routing:wrote:user:{}"

# Seams for the tests: the wall clock of the sticky window and the monotonic clock of the
# replica's freshness.
wall_clock: Callable[[], float] = time.time
monotonic_clock: Callable[[], float] = time.monotonic


class _Reads:
    """What the current request allows: mutable, so that a write anywhere in the request
    (even in a copied context) turns the rest of its reads to the primary."""

    __slots__ = ("replica", "wrote")

    def __init__(self) -> None:
        self.replica = False
        self.wrote = False


_reads: ContextVar[_Reads | None] = ContextVar("db_routing_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


# --- the author's own writes -----------------------------------------------------------------


def mark_wrote(user: Any) -> None:
    """`user` has just sent a write: their reads go to the primary for the sticky window."""
    if not getattr(user, "is_authenticated", False):
        return
    seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
    try:
        cache.set(CACHE_KEY.format(user.pk), wall_clock(), timeout=seconds + 1)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the write that was made
        # Without the mark the author could miss their write on the replica: keep the
        # replica out of this process's reads for the window instead.
        logger.warning("could not mark a write in the cache; replica reads paused")
        _health.pause(seconds)


def wrote_recently(user: Any) -> bool:
    """Whether `user` sent a write within the sticky window (anonymous visitors write
    nothing the map or lists show, so they never are)."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        marked = cache.get(CACHE_KEY.format(user.pk))
    except Exception:  # noqa: BLE001 - unknown means "maybe": the primary answers
        logger.warning("could not read the write mark from the cache; reading from primary")
        return True
    return marked is not None and wall_clock() - marked < settings.DATABASE_REPLICA_STICKY_SECONDS


class RecentWritesMiddleware:
    """After AuthenticationMiddleware: marks the user of every write request (the API's token
    users too: DRF sets request.user while the view runs, so it is read afterwards). Marks
    whether or not the write succeeded: a failed one may have written part of it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            mark_wrote(getattr(request, "user", None))
        return response


# --- the views that ask ------------------------------------------------------------------------


class ReadsFromReplica:
    """First base of a DRF view whose GET may be answered by the replica (map and list
    endpoints). Authentication, permissions and throttles run on the primary first."""

    def dispatch(self, request, *args, **kwargs):
        token = _reads.set(_Reads())
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            _reads.reset(token)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        reads = _reads.get()
        if reads is not None and request.method in REPLICA_METHODS:
            reads.replica = replica_configured() and not wrote_recently(request.user)


# --- the replica's freshness -------------------------------------------------------------------


class _ReplicaHealth:
    """Whether the replica is recent enough, asked at most once per check interval in each
    process. Every check notes the primary's WAL position; the replica is as recent as the
    newest noted moment whose position it has replayed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: deque[tuple[float, int]] = deque()
        self._checked_at: float | None = None
        self._fresh = False
        self._paused_until = float("-inf")

    def reset(self) -> None:
        with self._lock:
            self._samples.clear()
            self._checked_at = None
            self._fresh = False
            self._paused_until = float("-inf")

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = monotonic_clock() + seconds

    def fresh(self) -> bool:
        now = monotonic_clock()
        interval = settings.DATABASE_REPLICA_CHECK_SECONDS
        with self._lock:
            if now < self._paused_until:
                return False
            if self._checked_at is not None and now - self._checked_at < interval:
                return self._fresh
            # Claimed: the other threads keep the last answer meanwhile rather than wait for a
            # replica that may take its connect timeout to answer.
            self._checked_at = now
        fresh = self._check(now, settings.DATABASE_REPLICA_STICKY_SECONDS - interval)
        with self._lock:
            self._fresh = fresh
        return fresh

    def _check(self, now: float, allowed_lag: float) -> bool:
        try:
            primary = primary_wal_position()
            in_recovery, replayed = replica_wal_position()
        except DatabaseError as error:
            logger.warning("replica not used: %s", error)
            # Closed, so that the next check connects anew rather than reusing a dead socket.
            _close(REPLICA)
            return False
        if not in_recovery:
            # Not a standby: the same server as the primary (a test mirror, a pooler in front
            # of it), which is as recent as itself.
            return True
        with self._lock:
            self._samples.append((now, primary))
            while self._samples and now - self._samples[0][0] > allowed_lag:
                self._samples.popleft()
            caught_up = [at for at, position in self._samples if position <= replayed]
        return bool(caught_up) and now - max(caught_up) <= allowed_lag


def _close(alias: str) -> None:
    connections[alias].close()


def primary_wal_position() -> int:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
        return cursor.fetchone()[0]


def replica_wal_position() -> tuple[bool, int]:
    """(in recovery, replayed WAL position) of the replica."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), "
            "COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint, -1)"
        )
        in_recovery, replayed = cursor.fetchone()
        return in_recovery, replayed


_health = _ReplicaHealth()


def replica_fresh() -> bool:
    return _health.fresh()


def reset_replica_health() -> None:
    """Forget the checks made so far (tests; a process that was forked)."""
    _health.reset()


# --- the router --------------------------------------------------------------------------------


def reads_go_to_replica() -> bool:
    reads = _reads.get()
    if reads is None or not reads.replica or reads.wrote:
        return False
    if not replica_configured():
        return False
    # A transaction sees its own uncommitted rows and locks on the primary only.
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    return replica_fresh()


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: writes and migrations on the primary, reads as above."""

    def db_for_read(self, model, **hints) -> str:
        return REPLICA if reads_go_to_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: a row read from either may point to the other.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
