"""`python -m bench`: generate the synthetic instance and print the benchmark tables.

Runs on its own database (`willkommen_bench` unless DATABASE_URL names another one with
"bench" in its name); it refuses the development and test databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime

DEFAULT_URL = "postgis://postgres@127.0.0.1:5432/willkommen_bench"


def parse_args(argv: list[str]) -> argparse.Namespace:
    from bench.generate import Sizes

    d = Sizes()
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--seed", type=int, default=42)
    # `jobs`: the jobs batch and its quality alone (`make bench` runs it after the rest).
    p.add_argument("--only", choices=["search", "batch", "quality", "jobs"])
    p.add_argument("--keep", action="store_true", help="reuse the generated base instance")
    p.add_argument("--offers", type=int, default=d.offers)
    p.add_argument("--offers-large", type=int, default=d.offers_large)
    p.add_argument("--goods-needs", type=int, default=d.goods_needs)
    p.add_argument("--households", type=int, default=d.households)
    p.add_argument("--flats", type=int, default=d.flats)
    p.add_argument("--shifts", type=int, default=d.shifts)
    p.add_argument("--volunteers", type=int, default=d.volunteers)
    p.add_argument("--users", type=int, default=d.users)
    p.add_argument("--organisations", type=int, default=d.organisations)
    p.add_argument("--job-places", type=int, default=d.job_places)
    p.add_argument("--job-seekers", type=int, default=d.job_seekers)
    p.add_argument("--employers", type=int, default=d.employers)
    p.add_argument("--samples", type=int, default=200, help="needs timed in the search")
    p.add_argument("--naive-samples", type=int, default=5, help="needs scanned naively")
    p.add_argument("--limit", type=int, default=None, help="candidates per need")
    p.add_argument("--chunk", type=int, default=1000, help="needs per candidate query")
    p.add_argument("--solver-edges", type=int, default=100_000)
    return p.parse_args(argv)


def setup_django() -> str:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    # No query log: a benchmark runs millions of queries.
    settings.DEBUG = False
    name = settings.DATABASES["default"]["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to run on database {name!r}: its name must contain 'bench'")
    from django.core.management import call_command

    call_command("ensure_database", verbosity=0)
    call_command("migrate", verbosity=0, interactive=False)
    return name


STATE_SQL = "CREATE TABLE IF NOT EXISTS bench_state (key text PRIMARY KEY, value jsonb NOT NULL)"


def read_state() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        cursor.execute("SELECT value FROM bench_state WHERE key = 'base'")
        row = cursor.fetchone()
    if not row:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def write_state(state: dict | None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        cursor.execute("DELETE FROM bench_state WHERE key = 'base'")
        if state is not None:
            cursor.execute(
                "INSERT INTO bench_state (key, value) VALUES ('base', %s::jsonb)",
                [json.dumps(state)],
            )


def machine() -> str:
    def run(cmd: str) -> str:
        try:
            return subprocess.run(
                cmd, shell=True, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except OSError:
            return "?"

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT split_part(version(), ' ', 2), postgis_lib_version()")
        pg, postgis = cursor.fetchone()
    model = run("lscpu | sed -n 's/^Model name: *//p'")
    ram = run("free -g | awk '/Mem:/ {print $2}'")
    return (
        f"{run('nproc')} cores ({model}), {ram} GiB RAM, PostgreSQL {pg}, PostGIS {postgis}, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    db_name = setup_django()
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from bench import generate, scenarios
    from bench.report import Table, fmt_s

    sizes = generate.Sizes(
        goods_needs=args.goods_needs,
        offers=args.offers,
        offers_large=args.offers_large,
        households=args.households,
        flats=args.flats,
        shifts=args.shifts,
        volunteers=args.volunteers,
        users=args.users,
        organisations=args.organisations,
        job_places=args.job_places,
        job_seekers=args.job_seekers,
        employers=args.employers,
    )
    limit = args.limit or settings.MATCHING_CANDIDATES_PER_NEED
    tz = ZoneInfo(settings.TIME_ZONE)
    print(f"bench database {db_name}; {machine()}")
    print(f"seed {args.seed}; sizes {sizes.as_dict()}; candidates per need {limit}")

    setup = Table("0. Data")
    state = read_state()
    wanted = {"seed": args.seed, "sizes": sizes.as_dict()}
    if args.keep and state and {k: state.get(k) for k in wanted} == wanted:
        if scenarios.open_offer_count() != sizes.offers:
            generate.delete_offers_after(state["last_offer_id"])
        setup.add("base instance", "reused (--keep)")
    else:
        write_state(None)
        now = datetime.now(UTC).replace(microsecond=0)
        start = time.perf_counter()
        generate.reset()
        ctx = generate.prepare(args.seed, sizes, now)
        _, last_offer = generate.load_offers(ctx, sizes.offers)
        generate.load_goods_needs(ctx, sizes.goods_needs)
        generate.load_housing(ctx, sizes.households, sizes.flats)
        generate.load_volunteers(ctx, sizes.volunteers, sizes.shifts)
        generate.load_jobs(ctx, sizes.job_places, sizes.job_seekers, sizes.employers)
        generate.analyze()
        state = {**wanted, "now": now.isoformat(), "last_offer_id": last_offer}
        write_state(state)
        setup.add("base instance generated and loaded", fmt_s(time.perf_counter() - start))
    now = datetime.fromisoformat(state["now"])
    setup.add("the instance's 'now' (scores, deadlines)", now.isoformat())
    tables = [setup]

    search_results = []
    if args.only in (None, "search"):
        need_ids = scenarios.sample_goods_needs(args.samples, args.seed)
        search_results.append(
            scenarios.run_search(
                need_ids,
                limit=limit,
                naive_samples=args.naive_samples,
                offers_loaded=scenarios.open_offer_count(),
            )
        )
    goods = housing = shifts = None
    if args.only in (None, "batch", "quality"):
        goods = scenarios.goods_batch(now=now, limit=limit, chunk=args.chunk)
        housing = scenarios.housing_batch(now=now, limit=limit, chunk=args.chunk)
        shifts = scenarios.shifts_batch(now=now, tz=tz, limit=limit, chunk=args.chunk)
        solver = scenarios.solver_on_edges(goods.problem, args.solver_edges)
        if args.only != "quality":
            tables.append(scenarios.batch_table([goods, housing, shifts], solver))
        tables.append(scenarios.quality_table(goods, housing, shifts, now=now, tz=tz))
    if args.only == "jobs":
        jobs = scenarios.jobs_batch(now=now, tz=tz, limit=limit, chunk=args.chunk)
        tables.append(scenarios.batch_table([jobs], None))
        tables.append(scenarios.quality_table(None, None, None, now=now, tz=tz, jobs=jobs))
    if args.only in (None, "search") and args.offers_large > sizes.offers:
        extra = args.offers_large - sizes.offers
        start = time.perf_counter()
        ctx = generate.prepare_offers_only(args.seed + 1, now)
        generate.load_offers(ctx, extra)
        generate.analyze_offers()
        setup.add(
            f"{extra:,} more offers loaded (COPY + ANALYZE)", fmt_s(time.perf_counter() - start)
        )
        need_ids = scenarios.sample_goods_needs(args.samples, args.seed)
        search_results.append(
            scenarios.run_search(
                need_ids,
                limit=limit,
                naive_samples=args.naive_samples,
                offers_loaded=scenarios.open_offer_count(),
            )
        )
        start = time.perf_counter()
        generate.delete_offers_after(state["last_offer_id"])
        setup.add(
            "extra offers removed again (DELETE + VACUUM)", fmt_s(time.perf_counter() - start)
        )
    if search_results:
        tables.insert(1, scenarios.search_table(search_results, limit))
    for table in tables:
        print()
        print(table.render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
