"""A `replica` database alias for the length of a test, and a real streaming replica made by
scripts/replica.sh."""

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from base import db_routing
from base.db_routing import REPLICA
from tests.ops.databases import ROOT

SCRIPT = ROOT / "scripts" / "replica.sh"
PORT = 5544


@contextmanager
def replica_alias(**overrides) -> Iterator[BaseDatabaseWrapper]:
    """A `replica` connection with the test database's settings and `overrides` (a real
    replica's port): without overrides a second connection to the test database itself, which
    is what a replica that has caught up answers.

    Handed to the connection handler without an entry in its settings: Django's test case
    forbids connections to configured aliases it was not told of when it began, and it must
    not flush a read-only standby afterwards either. So the router is told here that a replica
    is configured."""
    settings_dict = {**connections[DEFAULT_DB_ALIAS].settings_dict, **overrides}
    connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, REPLICA)
    connections[REPLICA] = connection
    configured = db_routing.replica_configured
    db_routing.replica_configured = lambda: True
    db_routing.reset_replica_health()
    try:
        yield connection
    finally:
        db_routing.replica_configured = configured
        db_routing.reset_replica_health()
        connection.close()
        del connections[REPLICA]


# The tests that make their own `replica` alias cannot run beside a configured one (the test
# runner would forbid connections to it, or flush it).
configured_elsewhere = pytest.mark.skipif(
    REPLICA in settings.DATABASES,
    reason="DATABASE_REPLICA_URL is set; these tests make their own replica alias",
)


def _script(*args: str) -> subprocess.CompletedProcess:
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    env = {
        **os.environ,
        "PRIMARY_HOST": primary["HOST"] or "127.0.0.1",
        "PRIMARY_PORT": str(primary["PORT"] or 5432),
        "PRIMARY_USER": primary["USER"] or "postgres",
    }
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=600
    )


def primary_refuses_replication() -> str | None:
    """Why the test database's server cannot feed a replica, or None if it can."""
    check = _script("check")
    return check.stderr.strip() if check.returncode == 3 else None


@contextmanager
def streaming_replica(port: int = PORT) -> Iterator[str]:
    """A streaming replica of the whole server of the test database (pg_basebackup copies
    the cluster), streaming on `port` until the block ends; then stopped and removed."""
    # Not pytest's tmp_path: that is root's alone, and the server runs as postgres.
    directory = tempfile.mkdtemp(prefix="wk-replica-", dir="/tmp")
    try:
        start = _script("start", directory, str(port))
        assert start.returncode == 0, start.stdout + start.stderr
        yield directory
    finally:
        stop = _script("stop", directory)
        assert stop.returncode == 0, stop.stdout + stop.stderr
