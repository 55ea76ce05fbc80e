"""The scenarios: one need's candidate search, full batches, and allocation quality."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from django.conf import settings
from django.db import connection

from bench.report import Phase, Table, fmt_s, measured, median, percentile
from matching import candidates as search
from matching.core import allocation, constraints, scoring
from matching.core.jobs import job_factors, job_reason
from matching.core.types import Allocation, Edge, Problem, total_score
from matching.kinds import job_search

GOODS_INDEX = "donationoffer_cat_approx_gist"
EARTH_RADIUS_M = 6_371_008.8


# --- one need -----------------------------------------------------------------------------


def sample_goods_needs(count: int, seed: int) -> list[int]:
    """A fixed pseudo-random sample of goods needs (the same for a seed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM donations_goodsneed ORDER BY md5(id::text || %s::text), id LIMIT %s",
            [seed, count],
        )
        return [r[0] for r in cursor.fetchall()]


def open_offer_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM donations_donationoffer WHERE status IN ('open', "
            "'partly_matched') AND geocode_status IN ('placed', 'refined') AND quantity_open > 0"
        )
        return int(cursor.fetchone()[0])


def _index_nodes(plan: dict) -> list[dict]:
    found = []
    if plan.get("Index Name"):
        found.append(plan)
    for child in plan.get("Plans", ()):
        found.extend(_index_nodes(child))
    return found


def explain_goods(need_id: int, limit: int) -> tuple[float, float, list[dict]]:
    """(execution ms, planning ms, index scan nodes) of the pair query for one need."""
    sql, params = search.goods_pairs_sql([need_id], limit_per_need=limit)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    import json

    doc = json.loads(raw) if isinstance(raw, str) else raw
    top = doc[0]
    return top["Execution Time"], top["Planning Time"], _index_nodes(top["Plan"])


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def load_all_offers_for_naive() -> list[tuple[int, int, float, float, float]]:
    """Every matchable offer as (id, category, public lat, lon, radius m): what a naive scan
    reads (matching measures between public points)."""
    default = settings.DEFAULT_OFFER_RADIUS_KM
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, category_id, ST_Y(approx_point::geometry), "
            "ST_X(approx_point::geometry), "
            "COALESCE(delivery_radius_km, %s) * 1000.0 FROM donations_donationoffer "
            "WHERE status IN ('open', 'partly_matched') AND geocode_status IN ('placed', "
            "'refined') AND quantity_open > 0",
            [default],
        )
        return cursor.fetchall()


def need_place(need_id: int) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(approx_point::geometry), ST_X(approx_point::geometry) "
            "FROM donations_goodsneed "
            "WHERE id = %s",
            [need_id],
        )
        lat, lon = cursor.fetchone()
        return float(lat), float(lon)


def naive_search(
    offers: Sequence[tuple[int, int, float, float, float]],
    lat: float,
    lon: float,
    accepted: frozenset[int],
    need_radius_m: float,
    limit: int,
) -> list[int]:
    """Distance to every offer in Python, filter, sort, keep the nearest `limit`."""
    hits = []
    for offer_id, category, o_lat, o_lon, radius in offers:
        d = _haversine_m(lat, lon, o_lat, o_lon)
        if category in accepted and d <= need_radius_m and d <= radius:
            hits.append((d, offer_id))
    hits.sort()
    return [offer_id for _, offer_id in hits[:limit]]


@dataclass
class SearchResult:
    offers: int
    orm_ms: list[float]
    db_ms: list[float]
    planning_ms: list[float]
    naive_ms: list[float]
    index_seen: bool
    index_cond: str
    pairs_per_need: float
    agreement: float  # share of the naive result the PostGIS search also returned


def run_search(
    need_ids: Sequence[int], *, limit: int, naive_samples: int, offers_loaded: int
) -> SearchResult:
    """Time the candidate search of each need, warm: end to end, in the database, naive."""
    for need_id in need_ids:  # warm the caches once, as a running system has them
        search.goods_candidates([need_id], limit_per_need=limit)
    orm_ms, pair_counts = [], []
    for need_id in need_ids:
        start = time.perf_counter()
        found = search.goods_candidates([need_id], limit_per_need=limit)
        orm_ms.append((time.perf_counter() - start) * 1000)
        pair_counts.append(len(found.pairs))
    db_ms, planning_ms, seen, cond = [], [], True, ""
    for need_id in need_ids:
        execution, planning, nodes = explain_goods(need_id, limit)
        db_ms.append(execution)
        planning_ms.append(planning)
        names = {n["Index Name"] for n in nodes}
        seen = seen and GOODS_INDEX in names
        if not cond:
            cond = next(
                (n.get("Index Cond", "") for n in nodes if n["Index Name"] == GOODS_INDEX), ""
            )
    naive_ms, agreement = [], []
    if naive_samples:
        everything = load_all_offers_for_naive()
        for need_id in need_ids[:naive_samples]:
            found = search.goods_candidates([need_id], limit_per_need=limit)
            need = found.needs[need_id]
            lat, lon = need_place(need_id)
            start = time.perf_counter()
            naive = naive_search(
                everything, lat, lon, need.accepted_category_ids, need.max_distance_m, limit
            )
            naive_ms.append((time.perf_counter() - start) * 1000)
            ours = {o for _, o, _ in found.pairs}
            agreement.append(len(ours & set(naive)) / len(naive) if naive else 1.0)
        del everything
    return SearchResult(
        offers=offers_loaded,
        orm_ms=orm_ms,
        db_ms=db_ms,
        planning_ms=planning_ms,
        naive_ms=naive_ms,
        index_seen=seen,
        index_cond=cond,
        pairs_per_need=sum(pair_counts) / max(len(pair_counts), 1),
        agreement=sum(agreement) / len(agreement) if agreement else float("nan"),
    )


def search_table(results: list[SearchResult], limit: int) -> Table:
    table = Table(f"1. Candidate search for one goods need (limit {limit}, warm cache)")
    for r in results:
        n = f"{r.offers:,}"
        orm95, db95 = percentile(r.orm_ms, 95), percentile(r.db_ms, 95)
        big = r.offers >= 1_000_000
        table.add(f"{n} offers: needs sampled", str(len(r.orm_ms)))
        table.add(f"{n} offers: pairs per need (mean)", f"{r.pairs_per_need:.1f}")
        table.add(
            f"{n} offers: through the ORM median / p95",
            f"{median(r.orm_ms):.2f} / {orm95:.2f} ms",
            "p95 <= 10 ms at 1M" if big else "",
            (orm95 <= 10) if big else None,
        )
        table.add(
            f"{n} offers: in the database median / p95",
            f"{median(r.db_ms):.2f} / {db95:.2f} ms",
            "p95 <= 2 ms at 1M" if big else "",
            (db95 <= 2) if big else None,
        )
        table.add(
            f"{n} offers: planning median",
            f"{median(r.planning_ms):.2f} ms",
        )
        table.add(
            f"{n} offers: plan uses {GOODS_INDEX}",
            "yes" if r.index_seen else "NO",
            "yes",
            r.index_seen,
        )
        if r.naive_ms:
            speedup = median(r.naive_ms) / median(r.orm_ms)
            table.add(
                f"{n} offers: naive Python scan median ({len(r.naive_ms)} needs)",
                f"{median(r.naive_ms):.1f} ms",
            )
            table.add(
                f"{n} offers: speed-up ORM vs naive (medians)",
                f"{speedup:,.0f}x",
                ">= 50x at 1M" if big else "",
                (speedup >= 50) if big else None,
            )
            table.add(
                f"{n} offers: naive result also found by PostGIS",
                f"{r.agreement:.1%}",
            )
    if len(results) >= 2:
        small, big = results[0], results[-1]
        for label, a, b in (
            ("ORM", small.orm_ms, big.orm_ms),
            ("database", small.db_ms, big.db_ms),
        ):
            growth = percentile(b, 95) / percentile(a, 95)
            table.add(
                f"p95 growth {small.offers:,} -> {big.offers:,} ({label})",
                f"{growth:.2f}x",
                "<= 2x",
                growth <= 2,
            )
    if results and results[0].index_cond:
        table.add("index condition (one walk)", results[0].index_cond[:90])
    return table


# --- batches ------------------------------------------------------------------------------


@dataclass
class Batch:
    kind: str
    needs: int
    candidates: Phase
    edges_phase: Phase
    solve: Phase
    pairs: int
    problem: Problem
    allocations: list[Allocation]
    records: dict = field(default_factory=dict)


def _collect(fetch: Callable, ids: Sequence[int], chunk: int, limit: int) -> search.Candidates:
    merged = search.Candidates()
    for i in range(0, len(ids), chunk):
        found = fetch(ids[i : i + chunk], limit_per_need=limit)
        merged.needs.update(found.needs)
        merged.offers.update(found.offers)
        merged.pairs.extend(found.pairs)
    return merged


def _all_ids(table: str, where: str = "") -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} {where} ORDER BY id")
        return [r[0] for r in cursor.fetchall()]


def goods_batch(*, now: datetime, limit: int, chunk: int) -> Batch:
    weights = settings.MATCHING_WEIGHTS
    ids = _all_ids("donations_goodsneed")
    with measured() as cand:
        found = _collect(search.goods_candidates, ids, chunk, limit)
    with measured() as build:
        edges = scoring.goods_edges(
            found.pairs, found.needs, found.offers, now=now, weights=weights
        )
        problem = Problem(
            need_capacity={n: r.quantity_open for n, r in found.needs.items()},
            offer_capacity={o: r.quantity_open for o, r in found.offers.items()},
            edges=tuple(edges),
            need_arrival={n: r.created_at.timestamp() for n, r in found.needs.items()},
            offer_arrival={
                o: r.created_at.timestamp() for o, r in found.offers.items() if r.created_at
            },
        )
    with measured() as solve:
        result = allocation.allocate_flow(problem)
    return Batch(
        "goods",
        len(ids),
        cand,
        build,
        solve,
        len(found.pairs),
        problem,
        result,
        {"needs": found.needs, "offers": found.offers},
    )


def housing_batch(*, now: datetime, limit: int, chunk: int) -> Batch:
    weights = settings.MATCHING_WEIGHTS
    tolerance = settings.HOUSING_MOVE_IN_TOLERANCE_DAYS
    ids = _all_ids("housing_housingneed")
    with measured() as cand:
        found = _collect(search.housing_candidates, ids, chunk, limit)
    with measured() as build:
        edges = []
        for n, o, d in found.pairs:
            household, flat = found.needs[n], found.offers[o]
            if constraints.housing_reason(household, flat, d, move_in_tolerance_days=tolerance):
                continue
            value, breakdown = scoring.score_housing(household, flat, d, now=now, weights=weights)
            edges.append(Edge(n, o, value, d, breakdown))
        problem = Problem(
            need_capacity=dict.fromkeys(found.needs, 1),
            offer_capacity=dict.fromkeys(found.offers, 1),
            edges=tuple(edges),
            need_arrival={n: r.created_at.timestamp() for n, r in found.needs.items()},
            offer_arrival={
                o: r.created_at.timestamp() for o, r in found.offers.items() if r.created_at
            },
        )
    with measured() as solve:
        result = allocation.allocate_assignment(problem)
    return Batch("housing", len(ids), cand, build, solve, len(found.pairs), problem, result)


def shifts_batch(*, now: datetime, tz: tzinfo, limit: int, chunk: int) -> Batch:
    weights = settings.MATCHING_WEIGHTS
    ids = _all_ids("volunteers_shift")
    with measured() as cand:
        found = _collect(search.volunteer_candidates, ids, chunk, limit)
    with measured() as build:
        edges = []
        for s, v, d in found.pairs:
            shift, volunteer = found.needs[s], found.offers[v]
            if constraints.volunteer_reason(shift, volunteer, d, now=now, tz=tz) is not None:
                continue
            value, breakdown = scoring.score_volunteer(
                shift, volunteer, d, now=now, weights=weights
            )
            edges.append(Edge(s, v, value, d, breakdown))
        problem = Problem(
            need_capacity={s: r.people_open for s, r in found.needs.items()},
            offer_capacity=dict.fromkeys(found.offers, len(edges) + 1),
            edges=tuple(edges),
            need_arrival={s: r.created_at.timestamp() for s, r in found.needs.items()},
            offer_arrival={
                o: r.created_at.timestamp() for o, r in found.offers.items() if r.created_at
            },
        )
    with measured() as solve:
        result = allocation.allocate_shifts(problem, found.needs, found.offers, tz=tz, now=now)
    return Batch(
        "shifts",
        len(ids),
        cand,
        build,
        solve,
        len(found.pairs),
        problem,
        result,
        {"needs": found.needs, "offers": found.offers},
    )


def jobs_batch(*, now: datetime, tz: tzinfo, limit: int, chunk: int) -> Batch:
    """Every job of a checked employer against the people looking for work, as
    `matching.kinds.jobs.JobsAdapter.problem` builds it: a place is a unit, a person one."""
    weights = settings.MATCHING_WEIGHTS
    tolerance = settings.JOBS_START_TOLERANCE_DAYS
    today = now.astimezone(tz).date()
    ids = _all_ids(
        "jobs_job",
        "WHERE organisation_id IN "
        "(SELECT organisation_id FROM jobs_employer WHERE checked_at IS NOT NULL)",
    )
    with measured() as cand:
        found = _collect(job_search.job_candidates, ids, chunk, limit)
    with measured() as build:
        edges = []
        for n, o, d in found.pairs:
            job, seeker = found.needs[n], found.offers[o]
            if job_reason(job, seeker, d, today=today, start_tolerance_days=tolerance):
                continue
            value, breakdown = scoring.combine(job_factors(job, seeker, d, now=now), weights)
            edges.append(Edge(n, o, max(value, scoring.MIN_SCORE), d, breakdown))
        problem = Problem(
            need_capacity={n: r.places_open for n, r in found.needs.items()},
            offer_capacity=dict.fromkeys(found.offers, 1),
            edges=tuple(edges),
            need_arrival={n: r.created_at.timestamp() for n, r in found.needs.items()},
            offer_arrival={o: r.created_at.timestamp() for o, r in found.offers.items()},
        )
    with measured() as solve:
        result = allocation.allocate_flow(problem)
    return Batch("jobs", len(ids), cand, build, solve, len(found.pairs), problem, result)


def solver_on_edges(problem: Problem, count: int) -> tuple[int, int, int, float]:
    """Time allocate_flow on the first `count` edges (whole needs): (edges, needs, offers, s)."""
    edges = sorted(problem.edges, key=lambda e: (e.need_id, e.offer_id))[:count]
    needs = {e.need_id for e in edges}
    offers = {e.offer_id for e in edges}
    sub = Problem(
        need_capacity={n: problem.need_capacity[n] for n in needs},
        offer_capacity={o: problem.offer_capacity[o] for o in offers},
        edges=tuple(edges),
    )
    start = time.perf_counter()
    allocation.allocate_flow(sub)
    return len(edges), len(needs), len(offers), time.perf_counter() - start


def batch_table(batches: list[Batch], solver: tuple[int, int, int, float] | None) -> Table:
    table = Table("2. Full batches: candidate phase and allocation phase")
    for b in batches:
        offers = len(b.problem.offer_capacity)
        table.add(
            f"{b.kind}: needs / pairs found / feasible edges / offers with edges",
            f"{b.needs:,} / {b.pairs:,} / {len(b.problem.edges):,} / {offers:,}",
        )
        table.add(
            f"{b.kind}: candidate phase (PostGIS, chunked)",
            f"{fmt_s(b.candidates.seconds)}, peak RSS +{b.candidates.peak_growth_mb:.0f} MB",
        )
        table.add(
            f"{b.kind}: edges (constraints + scoring)",
            f"{fmt_s(b.edges_phase.seconds)}, peak RSS +{b.edges_phase.peak_growth_mb:.0f} MB",
        )
        table.add(
            f"{b.kind}: solver",
            f"{fmt_s(b.solve.seconds)}, peak RSS +{b.solve.peak_growth_mb:.0f} MB",
        )
        alloc_s = b.edges_phase.seconds + b.solve.seconds
        table.add(
            f"{b.kind}: allocation phase (edges + solver)", fmt_s(alloc_s), "< 60 s", alloc_s < 60
        )
        total = b.candidates.seconds + alloc_s
        table.add(f"{b.kind}: whole batch", fmt_s(total), "< 60 s", total < 60)
        table.add(f"{b.kind}: peak RSS of the process after the batch", f"{b.solve.peak_mb:.0f} MB")
    if solver:
        n_edges, n_needs, n_offers, seconds = solver
        table.add(
            f"solver (allocate_flow) on {n_edges:,} edges ({n_needs:,} needs, {n_offers:,} offers)",
            fmt_s(seconds),
            "< 5 s",
            seconds < 5,
        )
    return table


# --- quality ------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float:
    """a / b, or 1 when both are empty (nothing to allocate), inf when only b is."""
    if b == 0:
        return 1.0 if a == 0 else float("inf")
    return a / b


def _served(allocations: list[Allocation]) -> dict[int, int]:
    served: dict[int, int] = {}
    for a in allocations:
        served[a.need_id] = served.get(a.need_id, 0) + a.quantity
    return served


def _scarce(problem: Problem, keep_every: int) -> Problem:
    offers = {o: c for o, c in problem.offer_capacity.items() if o % keep_every == 0}
    edges = tuple(e for e in problem.edges if e.offer_id in offers)
    return Problem(
        problem.need_capacity, offers, edges, problem.need_arrival, problem.offer_arrival
    )


def quality_table(
    goods: Batch | None,
    housing: Batch | None,
    shifts: Batch | None,
    *,
    now: datetime,
    tz: tzinfo,
    scarce_every: int = 10,
    jobs: Batch | None = None,
) -> Table:
    table = Table("3. Quality: global allocation against the greedy baselines")
    if goods is not None:
        needs = goods.records["needs"]
        urgent = {
            n
            for n, r in needs.items()
            if r.deadline and r.deadline <= now.date() + timedelta(days=3)
        }
        for label, problem in (
            ("goods (default)", goods.problem),
            (f"goods (scarce: every {scarce_every}th offer)", _scarce(goods.problem, scarce_every)),
        ):
            flow = (
                allocation.allocate_flow(problem)
                if problem is not goods.problem
                else goods.allocations
            )
            by_score = allocation.allocate_greedy_by_score(problem)
            # First come, first served as records arrive (what a one-record-at-a-time engine
            # does); the needs-only ordering, which sees every offer at once, is shown too.
            arrival = allocation.allocate_first_come(problem)
            needs_order = allocation.allocate_greedy_arrival(problem)
            g, s, a = total_score(flow), total_score(by_score), total_score(arrival)
            default = problem is goods.problem
            table.add(
                f"{label}: total score global / by score / arrival",
                f"{g:,.1f} / {s:,.1f} / {a:,.1f}",
            )
            table.add(
                f"{label}: global / greedy by score",
                f"{_ratio(g, s):.4f}x",
                ">= 1.03x" if default else ">= 1x",
                _ratio(g, s) >= (1.03 if default else 1 - 1e-9),
            )
            table.add(
                f"{label}: global / greedy in arrival order",
                f"{_ratio(g, a):.4f}x",
                ">= 1.08x" if default else ">= 1x",
                _ratio(g, a) >= (1.08 if default else 1 - 1e-9),
            )
            table.add(
                f"{label}: global / needs in arrival order, each seeing every offer",
                f"{_ratio(g, total_score(needs_order)):.4f}x",
                ">= 1x",
                g >= total_score(needs_order) - 1e-6,
            )
            demand = sum(problem.need_capacity.values())
            for name, result in (("global", flow), ("by score", by_score), ("arrival", arrival)):
                served = _served(result)
                urgent_served = sum(1 for n in urgent if served.get(n))
                units = sum(served.values())
                table.add(
                    f"{label}: {name}: urgent needs served (any unit) / units served",
                    f"{urgent_served / max(len(urgent), 1):.1%} of {len(urgent):,} / "
                    f"{units / max(demand, 1):.1%} of {demand:,}",
                )
    if housing is not None:
        for label, problem in (
            ("housing (default)", housing.problem),
            (
                f"housing (scarce: every {scarce_every}th flat)",
                _scarce(housing.problem, scarce_every),
            ),
        ):
            best = allocation.allocate_assignment(problem)
            by_score = allocation.allocate_greedy_by_score(problem)
            arrival = allocation.allocate_first_come(
                Problem(
                    {n: min(1, c) for n, c in problem.need_capacity.items()},
                    {o: min(1, c) for o, c in problem.offer_capacity.items()},
                    problem.edges,
                    problem.need_arrival,
                    problem.offer_arrival,
                )
            )
            g, s, a = total_score(best), total_score(by_score), total_score(arrival)
            table.add(
                f"{label}: households housed global / by score / arrival"
                f" (of {len(problem.need_capacity):,})",
                f"{len(best):,} / {len(by_score):,} / {len(arrival):,}",
            )
            table.add(
                f"{label}: total score global / by score / arrival",
                f"{g:,.1f} / {s:,.1f} / {a:,.1f} ({_ratio(g, s):.4f}x, {_ratio(g, a):.4f}x)",
                ">= 1x",
                g >= s - 1e-6 and g >= a - 1e-6,
            )
    if shifts is not None:
        greedy = allocation.allocate_shifts_greedy(
            shifts.problem, shifts.records["needs"], shifts.records["offers"], tz=tz, now=now
        )
        g, s = total_score(shifts.allocations), total_score(greedy)
        places = sum(shifts.problem.need_capacity.values())
        table.add(
            "shifts: places filled global / greedy by score",
            f"{len(shifts.allocations):,} / {len(greedy):,} of {places:,}",
        )
        table.add(
            "shifts: total score global / greedy by score",
            f"{g:,.1f} / {s:,.1f} ({_ratio(g, s):.4f}x)",
            ">= 1x",
            g >= s - 1e-6,
        )
    if jobs is not None:
        by_score = allocation.allocate_greedy_by_score(jobs.problem)
        arrival = allocation.allocate_first_come(jobs.problem)
        g, s, a = total_score(jobs.allocations), total_score(by_score), total_score(arrival)
        places = sum(jobs.problem.need_capacity.values())
        filled = [sum(x.quantity for x in r) for r in (jobs.allocations, by_score, arrival)]
        table.add(
            "jobs: places filled global / greedy by score / arrival",
            f"{filled[0]:,} / {filled[1]:,} / {filled[2]:,} of {places:,}",
        )
        table.add(
            "jobs: total score global / greedy by score / arrival",
            f"{g:,.1f} / {s:,.1f} / {a:,.1f} ({_ratio(g, s):.4f}x, {_ratio(g, a):.4f}x)",
            ">= 1x",
            g >= s - 1e-6 and g >= a - 1e-6,
        )
    return table
