"""A coordinator's match list counts in SQL and fetches one page (LIMIT), however many
matches there are: the list must not grow with the whole table (bench/load)."""

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
    [page] = [sql for sql, n in rows.queries if "COUNT(*)" not in sql and n == PAGE]
    assert f"LIMIT {PAGE}" in page
    assert max(n for _, n in rows.queries) <= PAGE
