"""The benchmark's generator and report at tiny sizes: loads, runs and prints (no timings)."""

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db import connection

from bench import generate, scenarios
from bench.report import Table, percentile

LEIPZIG = (51.340, 12.375)


def km_between(lat1, lon1, lat2, lon2):
    dy = (lat2 - lat1) * 111.2
    dx = (lon2 - lon1) * 111.2 * math.cos(math.radians(lat1))
    return np.hypot(dy, dx)


def test_places_are_dense_in_leipzig_sparse_outside_and_repeat_for_a_seed():
    lat, lon = generate.sample_points(np.random.default_rng(7), 20_000)
    again = generate.sample_points(np.random.default_rng(7), 20_000)
    assert np.array_equal(lat, again[0]) and np.array_equal(lon, again[1])
    near_leipzig = (km_between(*LEIPZIG, lat, lon) < 15).mean()
    # 15 km around Leipzig is about 3 % of Saxony's area but holds far more of the points.
    assert near_leipzig > 0.3
    (lat_lo, lat_hi), (lon_lo, lon_hi) = generate.SAXONY
    inside = ((lat > lat_lo) & (lat < lat_hi) & (lon > lon_lo) & (lon < lon_hi)).mean()
    assert inside > 0.99


def test_category_weights_are_zipf_like():
    weights = generate.zipf_weights(80, np.random.default_rng(1))
    assert math.isclose(weights.sum(), 1.0)
    ordered = np.sort(weights)[::-1]
    assert ordered[0] > 20 * ordered[40]


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([0, 10], 95) == pytest.approx(9.5)
    assert math.isnan(percentile([], 95))


@pytest.mark.django_db
def test_tiny_instance_loads_and_every_scenario_reports():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    sizes = generate.Sizes(
        goods_needs=40,
        offers=300,
        households=20,
        flats=30,
        shifts=15,
        volunteers=40,
        users=9,
        organisations=3,
    )
    ctx = generate.prepare(3, sizes, now)
    first, last = generate.load_offers(ctx, sizes.offers)
    generate.load_goods_needs(ctx, sizes.goods_needs)
    generate.load_housing(ctx, sizes.households, sizes.flats)
    generate.load_volunteers(ctx, sizes.volunteers, sizes.shifts)
    generate.load_jobs(ctx, 40, 300, 6)
    assert last - first + 1 == sizes.offers == scenarios.open_offer_count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM volunteers_shift")
        assert cursor.fetchone()[0] == sizes.shifts
        cursor.execute("SELECT sum(places), min(places), max(places) FROM jobs_job")
        places, fewest, most = cursor.fetchone()
        assert places == 40 and 1 <= fewest <= most <= 8
        cursor.execute("SELECT count(DISTINCT category_id) FROM donations_donationoffer")
        assert cursor.fetchone()[0] > 10
        # Every landlord has a standing identity check: by default the engine matches only
        # checked landlords' flats (the bench housed nobody without it).
        cursor.execute(
            "SELECT count(DISTINCT o.landlord_id), count(DISTINCT c.subject_id)"
            " FROM housing_housingoffer o LEFT JOIN accounts_check c"
            " ON c.subject_id = o.landlord_id AND c.kind = 'identity' AND c.withdrawn_at IS NULL"
        )
        landlords, checked = cursor.fetchone()
        assert landlords > 0 and checked == landlords

    needs = scenarios.sample_goods_needs(5, seed=3)
    found = scenarios.run_search(needs, limit=20, naive_samples=2, offers_loaded=sizes.offers)
    assert found.index_seen
    # The naive scan and PostGIS agree on what is in reach (up to the spheroid's rounding).
    assert found.agreement == 1.0 or math.isnan(found.agreement) or found.agreement > 0.9

    tz = ZoneInfo("Europe/Berlin")
    goods = scenarios.goods_batch(now=now, limit=20, chunk=16)
    housing = scenarios.housing_batch(now=now, limit=20, chunk=16)
    shifts = scenarios.shifts_batch(now=now, tz=tz, limit=20, chunk=16)
    jobs = scenarios.jobs_batch(now=now, tz=tz, limit=20, chunk=16)
    solver = scenarios.solver_on_edges(goods.problem, 50)
    tables: list[Table] = [
        scenarios.search_table([found, found], 20),
        scenarios.batch_table([goods, housing, shifts, jobs], solver),
        scenarios.quality_table(goods, housing, shifts, now=now, tz=tz, jobs=jobs),
    ]
    text = "\n".join(t.render() for t in tables)
    for metric in (
        "through the ORM median / p95",
        "plan uses donationoffer_cat_approx_gist",
        "goods: candidate phase",
        "housing: solver",
        "global / greedy by score",
        "households housed",
        "shifts: total score",
        "jobs: solver",
        "jobs: places filled global / greedy by score",
    ):
        assert metric in text
    assert len(goods.problem.edges) > 0
    assert len(housing.problem.edges) > 0
    assert len(jobs.problem.edges) > 0
