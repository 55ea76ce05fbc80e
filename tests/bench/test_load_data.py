"""The load test's city and manifest at tiny sizes, and its report (no server, no locust)."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from accounts.models import Membership
from bench.load import data
from bench.load.__main__ import Backlog, Row, RunResult, backlog, backlog_table, run_table
from matching.models import Match, MatchState

TINY = data.LoadSizes(
    goods_needs=60,
    offers=400,
    households=20,
    flats=30,
    shifts=15,
    volunteers=40,
    users=9,
    organisations=3,
    job_places=40,
    job_seekers=30,
    employers=6,
    coordinators=2,
    donors=3,
    members=3,
    offered_matches=5,
)


@pytest.mark.django_db
def test_a_tiny_city_gives_every_load_user_what_it_needs():
    data.load_city(5, TINY, datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM donations_donationoffer")
        assert cursor.fetchone()[0] == TINY.offers
    # Every generated initiative member belongs to an initiative and may post for it.
    assert Membership.objects.filter(user__username__startswith="member").count() == 3
    people = data.load_people(TINY)
    assert len(people["coordinators"]) == 2 and all(c["session"] for c in people["coordinators"])
    assert {len(p["token"]) for p in people["donors"] + people["members"]} == {40}
    data.load_matches(TINY, people["coordinators"][0]["id"])
    offered = Match.objects.filter(state=MatchState.OFFERED)
    assert 0 < offered.count() <= TINY.offered_matches
    found = data.manifest(people)
    assert found["categories"] and found["matches"]
    waiting = [pk for pks in found["to_answer"].values() for pk in pks]
    # Each offered match waits for the donor who gave it, if that donor is a load user.
    for pk in waiting:
        match = Match.objects.get(pk=pk)
        assert match.state == MatchState.OFFERED
        assert str(match.donation_offer.donor_id) in found["to_answer"]
    assert backlog(0.0).outbox >= 0


def test_the_report_shows_each_endpoint_group_and_the_backlogs():
    result = RunResult(
        "reads 10",
        10,
        60,
        "1.0 1.0 1.0",
        "2.0 1.5 1.0",
        [Row("map", 100, 0, 1.7, 20, 80, 120), Row("all", 100, 0, 1.7, 20, 80, 120)],
        [],
    )
    table = run_table(result)
    assert "| map | 100 | 1.7 | 20 | 80 | 120 | 0 |" in table
    assert "**all**" in table
    samples = [Backlog(0.0, 3, 1.0, 2, 0.5), Backlog(12.0, 0, None, 0, None)]
    text = backlog_table("after", samples, 5)
    assert "| 0 | 3 | 1 | 2 | 0 |" in text and "| 12 | 0 | — | 0 | — |" in text
