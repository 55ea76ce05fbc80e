"""A connection whose host vanished (network cut) is found dead in about a minute, not the
kernel's two hours, so its locks are let go; a transaction left idle is ended by the server."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_every_session_probes_an_idle_connection_and_gives_up_after_three_probes(settings):
    assert _show("tcp_keepalives_idle") == str(settings.DATABASE_KEEPALIVE_SECONDS)
    assert _show("tcp_keepalives_count") == "3"
    assert connection.get_connection_params()["keepalives"] == 1


def test_the_server_ends_a_transaction_left_idle_too_long(settings):
    assert _show("idle_in_transaction_session_timeout") == "10min"
    assert settings.DATABASE_IDLE_IN_TRANSACTION_SECONDS == 600
