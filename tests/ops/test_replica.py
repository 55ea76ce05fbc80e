"""A real streaming replica (scripts/replica.sh: pg_basebackup -R, pg_ctl on port 5544): the
map and list endpoints read from it, their author reads from the primary after a write, and
what the replica answers is what the primary holds."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from base import db_routing
from donations.models import GoodsNeed
from tests.conftest import client_for
from tests.ops import replica as replicas
from tests.payloads import JACKETS_NEED
from tests.smtp import wait_until

# Committed rows: the replica sees only what the primary committed.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Starts a PostgreSQL server of its own.
    pytest.mark.e2e,
    replicas.configured_elsewhere,
]

MAP, LIST = "/api/v1/goods-needs/map/", "/api/v1/goods-needs/"


@pytest.fixture
def replica(transactional_db, settings):
    """A streaming replica of the test database's server, made after the test database and
    its taxonomy exist, as the `replica` alias."""
    refused = replicas.primary_refuses_replication()
    if refused:
        pytest.fail(
            f"the test database's server allows no replication connections: {refused}; "
            "scripts/services.sh (run by `make test`) allows them from 127.0.0.1"
        )
    # Whoever wrote reads from the primary for two hours, and the replica counts as recent
    # while it is less than that behind: nothing here depends on how fast the machine is.
    settings.DATABASE_REPLICA_STICKY_SECONDS = 7200
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0.2
    with (
        replicas.streaming_replica(),
        replicas.replica_alias(HOST="127.0.0.1", PORT=str(replicas.PORT)) as connection,
    ):
        wait_until(db_routing.replica_fresh, 120, "the replica has replayed")
        yield connection


def on(connection) -> tuple[bool, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        return cursor.fetchone()


def goods_reads(queries) -> int:
    return sum(1 for q in queries if "donations_goodsneed" in q["sql"])


def ids(response) -> set[int]:
    body = response.json()
    return {row["id"] for row in body.get("features", body.get("results", []))}


def answered_by(client, url, replica) -> tuple[str, set[int]]:
    """Which server read the goods needs for the answer, and the ids it answered."""
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(url)
    assert response.status_code == 200, response.content
    servers = {"replica"} if goods_reads(on_replica) else set()
    servers |= {"primary"} if goods_reads(on_primary) else set()
    [server] = servers
    return server, ids(response)


def test_map_and_list_read_from_the_replica_and_the_author_from_the_primary(
    replica, initiative_member, donor, monkeypatch
):
    assert on(replica) == (True, replicas.PORT)
    assert on(connections["default"])[0] is False
    author, other = client_for(initiative_member), client_for(donor)

    created = author.post(LIST, JACKETS_NEED, format="json")
    assert created.status_code == 201, created.content
    need = created.json()["id"]

    # Straight after the write its author reads from the primary and sees it, on the map and
    # in the list, whether or not the replica has it yet.
    for url in (MAP, LIST):
        assert answered_by(author, url, replica) == ("primary", {need})

    # Everyone else reads from the replica, which streams the row over from the primary.
    wait_until(lambda: _on_replica(replica, need), 120, "the need on the replica")
    for url in (MAP, LIST):
        assert answered_by(other, url, replica) == ("replica", {need})

    # After the window the author reads from the replica too.
    now = db_routing.wall_clock()
    monkeypatch.setattr(db_routing, "wall_clock", lambda: now + 7201)
    assert answered_by(author, MAP, replica) == ("replica", {need})

    # A detail endpoint is not marked: it reads from the primary.
    with CaptureQueriesContext(replica) as on_replica:
        assert other.get(f"{LIST}{need}/").status_code == 200
    assert not goods_reads(on_replica)


def _on_replica(replica, pk: int) -> bool:
    return GoodsNeed.objects.using(replica.alias).filter(pk=pk).exists()
