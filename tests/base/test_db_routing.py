"""base.db_routing: which server answers. The map and list endpoints' reads go to the replica
when one is configured; writes, transactions, other reads and an author's reads soon after
their write go to the primary; a replica that falls behind loses its reads."""

import itertools
import secrets
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connections, transaction
from django.test.utils import CaptureQueriesContext

from base import db_routing
from base.db_routing import REPLICA, ReadsFromReplica, ReplicaRouter
from donations.models import GoodsNeed
from tests.conftest import client_for
from tests.ops.replica import configured_elsewhere, replica_alias
from tests.payloads import JACKETS_NEED

router = ReplicaRouter()
DEFAULT = "default"


class _View:
    """The part of DRF's APIView that ReadsFromReplica relies on: dispatch runs initial
    (authentication and the rest), then the handler, whose read is routed."""

    def dispatch(self, request):
        self.initial(request)
        return self.handler(request)

    def initial(self, request):
        pass

    def handler(self, request):
        return router.db_for_read(GoodsNeed)


class MapView(ReadsFromReplica, _View):
    pass


class WritingMapView(MapView):
    def handler(self, request):
        router.db_for_write(GoodsNeed)
        return router.db_for_read(GoodsNeed)


# Users of their own: a write mark left in the cache by another test must not count here.
_user_ids = itertools.count(10**9 + secrets.randbelow(10**9))


def request(method="GET", user_id=None):
    user_id = next(_user_ids) if user_id is None else user_id
    return SimpleNamespace(method=method, user=SimpleNamespace(pk=user_id, is_authenticated=True))


@pytest.fixture
def replica(monkeypatch, settings):
    """A configured replica that has caught up (its server is not asked)."""
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10
    monkeypatch.setattr(db_routing, "replica_configured", lambda: True)
    monkeypatch.setattr(db_routing, "replica_fresh", lambda: True)


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch):
    monkeypatch.delitem(connections.settings, REPLICA, raising=False)  # DATABASE_REPLICA_URL
    assert MapView().dispatch(request()) == DEFAULT


def test_a_map_read_goes_to_the_replica_and_nothing_outside_the_view_does(replica):
    assert MapView().dispatch(request()) == REPLICA
    assert router.db_for_read(GoodsNeed) == DEFAULT
    assert _View().dispatch(request()) == DEFAULT


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
def test_other_methods_of_a_map_or_list_endpoint_read_from_the_primary(replica, method):
    assert MapView().dispatch(request(method)) == DEFAULT


def test_writes_go_to_the_primary_and_so_do_the_reads_after_them(replica):
    assert router.db_for_write(GoodsNeed) == DEFAULT
    assert WritingMapView().dispatch(request()) == DEFAULT


def test_the_author_reads_from_the_primary_within_the_sticky_window(replica, monkeypatch):
    now = 1_000_000.0
    monkeypatch.setattr(db_routing, "wall_clock", lambda: now)
    author = request().user
    db_routing.mark_wrote(author)

    assert MapView().dispatch(request(user_id=author.pk)) == DEFAULT
    assert MapView().dispatch(request()) == REPLICA
    now += 9.9
    assert MapView().dispatch(request(user_id=author.pk)) == DEFAULT
    now += 0.2
    assert MapView().dispatch(request(user_id=author.pk)) == REPLICA


def test_an_anonymous_visitor_is_never_sticky(replica):
    anonymous = SimpleNamespace(pk=None, is_authenticated=False)
    db_routing.mark_wrote(anonymous)
    assert not db_routing.wrote_recently(anonymous)


def test_when_the_cache_cannot_say_the_primary_answers(replica, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(db_routing.cache, "get", broken)
    assert MapView().dispatch(request()) == DEFAULT


@pytest.mark.django_db
def test_reads_inside_a_transaction_and_locking_reads_go_to_the_primary(replica):
    class AtomicMapView(MapView):
        def handler(self, request):
            with transaction.atomic():
                inside = router.db_for_read(GoodsNeed)
            return inside, GoodsNeed.objects.select_for_update().db

    # pytest-django's test transaction is open too; the inner block is what a view would do.
    assert AtomicMapView().dispatch(request()) == (DEFAULT, DEFAULT)


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT, "donations")
    assert not router.allow_migrate(REPLICA, "donations")


def test_rows_of_primary_and_replica_may_be_related():
    row = lambda alias: SimpleNamespace(_state=SimpleNamespace(db=alias))  # noqa: E731
    assert router.allow_relation(row(DEFAULT), row(REPLICA))
    assert router.allow_relation(row(REPLICA), row(REPLICA))
    assert router.allow_relation(row(DEFAULT), row("elsewhere")) is None


# --- the replica's freshness -----------------------------------------------------------------


class FakeServers:
    """The primary's WAL position and what the replica replayed, moved by the test."""

    def __init__(self, monkeypatch):
        self.now = 100.0
        self.primary = 1000
        self.replayed = 1000
        self.in_recovery = True
        self.down = False
        self.closed = []
        monkeypatch.setattr(db_routing, "_close", self.closed.append)
        monkeypatch.setattr(db_routing, "monotonic_clock", lambda: self.now)
        monkeypatch.setattr(db_routing, "primary_wal_position", lambda: self.primary)
        monkeypatch.setattr(db_routing, "replica_wal_position", self._replica)

    def _replica(self):
        if self.down:
            raise DatabaseError("connection refused")
        return self.in_recovery, self.replayed


@pytest.fixture
def servers(monkeypatch, settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10
    settings.DATABASE_REPLICA_CHECK_SECONDS = 1.0
    health = db_routing._ReplicaHealth()
    monkeypatch.setattr(db_routing, "_health", health)
    return FakeServers(monkeypatch), health


def test_a_replica_that_replays_what_the_primary_wrote_is_fresh(servers):
    fake, health = servers
    assert health.fresh()
    # The primary moves on; the replica follows a moment later.
    for _ in range(20):
        fake.now += 1.0
        fake.replayed = fake.primary
        fake.primary += 500
        assert health.fresh()


def test_a_replica_that_stops_replaying_loses_its_reads_within_the_window(servers):
    fake, health = servers
    assert health.fresh()
    fake.primary += 500  # written, never replayed
    fake.now += 1.0
    assert health.fresh()  # still provably less than 9 s behind
    fake.now += 9.0
    assert not health.fresh()
    fake.replayed = fake.primary  # caught up again
    fake.now += 1.0
    assert health.fresh()


def test_the_replica_is_asked_at_most_once_per_check_interval(servers):
    fake, health = servers
    assert health.fresh()
    fake.down = True
    fake.now += 0.5
    assert health.fresh()  # the answer of the last check
    fake.now += 0.6
    assert not health.fresh()


def test_an_unreachable_replica_loses_its_reads(servers):
    fake, health = servers
    fake.down = True
    assert not health.fresh()
    assert fake.closed == [REPLICA]  # the next check connects anew


def test_a_server_that_is_not_a_standby_is_as_recent_as_the_primary(servers):
    fake, health = servers
    fake.in_recovery = False
    fake.replayed = -1
    assert health.fresh()


# --- through the API, with a second connection to the test database as the replica -----------


def goods_reads(queries) -> int:
    return sum(1 for q in queries if "donations_goodsneed" in q["sql"])


@configured_elsewhere
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_map_reads_from_the_replica_and_the_author_from_the_primary_after_a_write(
    initiative_member, donor
):
    member, other = client_for(initiative_member), client_for(donor)
    with replica_alias() as replica, CaptureQueriesContext(replica) as on_replica:
        with CaptureQueriesContext(connections[DEFAULT]) as on_primary:
            response = other.get("/api/v1/goods-needs/map/")
        assert response.status_code == 200
        assert goods_reads(on_replica) and not goods_reads(on_primary)

        created = member.post("/api/v1/goods-needs/", JACKETS_NEED, format="json")
        assert created.status_code == 201, created.content
        for url in ("/api/v1/goods-needs/map/", "/api/v1/goods-needs/"):
            before = len(on_replica)
            with CaptureQueriesContext(connections[DEFAULT]) as on_primary:
                response = member.get(url)
            assert created.json()["id"] in ids(response)
            assert goods_reads(on_primary) and not goods_reads(on_replica[before:])

            before = len(on_replica)
            with CaptureQueriesContext(connections[DEFAULT]) as on_primary:
                response = other.get(url)
            assert created.json()["id"] in ids(response)
            assert goods_reads(on_replica[before:]) and not goods_reads(on_primary)


def ids(response) -> set[int]:
    body = response.json()
    rows = body.get("features", body.get("results", []))
    return {row["id"] for row in rows}
