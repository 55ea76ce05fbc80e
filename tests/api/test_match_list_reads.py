"""A coordinator's match list counts in SQL and fetches one page (LIMIT), however many
matches there are: the list must not grow with the whole table (bench/load). The page's ids
come first, from the matches alone; their sides are read for those ids only, never in one
query joining every kind's sides (PostgreSQL took 50 ms to plan it, 0.3–0.6 s to sort all
matches joined)."""

import pytest
from django.db import connection

from matching.models import MatchState
from tests.api.access import World
from tests.api.access_goods import _match
from tests.conftest import client_for
from tests.web.test_coordination_reads import RowsRead

pytestmark = pytest.mark.django_db

PAGE = 5


def test_the_coordinators_match_list_counts_in_sql_and_reads_one_page(monkeypatch):
    monkeypatch.setattr("rest_framework.pagination.PageNumberPagination.page_size", PAGE)
    world = World.build()
    for _ in range(3 * PAGE):
        _match(world, MatchState.OFFERED)
    rows = RowsRead()
    with connection.execute_wrapper(rows):
        answer = client_for(world.users["coordinator"]).get("/api/v1/matches/")
    assert answer.status_code == 200
    assert answer.json()["count"] == 3 * PAGE and len(answer.json()["results"]) == PAGE
    assert sum("COUNT(*)" in sql for sql, _ in rows.queries) == 1
    [page] = [sql for sql, _ in rows.queries if f"LIMIT {PAGE}" in sql]
    assert "JOIN" not in page
    assert max(n for _, n in rows.queries) <= PAGE
    assert max(sql.count(" JOIN ") for sql, _ in rows.queries) <= 2


def test_one_match_is_read_without_joining_every_kinds_sides():
    world = World.build()
    match = _match(world, MatchState.OFFERED)
    rows = RowsRead()
    with connection.execute_wrapper(rows):
        answer = client_for(world.users["coordinator"]).get(f"/api/v1/matches/{match.pk}/")
    assert answer.status_code == 200 and answer.json()["id"] == match.pk
    assert max(sql.count(" JOIN ") for sql, _ in rows.queries) <= 2
