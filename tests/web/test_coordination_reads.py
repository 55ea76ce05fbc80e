"""The review queue reads a page of proposals, not the whole queue: with thousands of
proposals waiting, a page that fetched every one of them (for its district filter) took
seconds under load (bench/load)."""

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Role
from matching.models import Match, MatchState
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.web.fixtures import verified_login
from web.coordination_views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def proposals(n: int) -> None:
    for i in range(n):
        district = ("Lindenau", "Gohlis")[i % 2]
        Match.objects.create(
            goods_need=GoodsNeedFactory(district=district),
            donation_offer=DonationOfferFactory(district=district),
            quantity=1,
            distance_m=1000,
            score=0.5,
            state=MatchState.PROPOSED,
        )


class RowsRead:
    """Rows each query on matches returned (the cursor's rowcount after it ran)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, int]] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "matching_match" in sql and sql.lstrip().upper().startswith("SELECT"):
            self.queries.append((sql, context["cursor"].rowcount))
        return result


def test_the_review_page_reads_one_page_of_a_long_queue_and_counts_in_sql():
    proposals(3 * PAGE_SIZE)
    client = Client()
    verified_login(client, UserFactory(role=Role.COORDINATOR, is_staff=True))
    rows = RowsRead()
    with connection.execute_wrapper(rows):
        page = client.get("/coordination/")
    assert page.status_code == 200
    html = page.content.decode()
    # Both districts are still offered as a filter.
    assert "Lindenau" in html and "Gohlis" in html
    assert any("COUNT(*)" in sql for sql, _ in rows.queries)
    too_many = [(n, sql[:200]) for sql, n in rows.queries if n > PAGE_SIZE]
    assert too_many == []
