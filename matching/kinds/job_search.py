"""The candidate search for jobs: people looking for work within reach of a job's places.

Unlike the other kinds' searches (`matching.candidates`), not a nearest-first index walk per
job: people are found by occupation first, then by distance (see `pairs_sql`). The cheap hard
filters (hours, the occupation or its group, an active account, no live match) run in SQL;
German, languages, residence, recognition and the start date are left to the core's
constraints (`matching.core.jobs`), which also explain them in diagnostics.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from jobs.models import Experience, Job, JobSeeker, Occupation
from matching.candidates import (
    LIVE_SQL,
    Candidates,
    json_value,
    matchable_sql,
    owner_active_sql,
    rows_of,
)
from matching.core.jobs import Job as JobRecord
from matching.core.jobs import JobSeeker as SeekerRecord
from matching.core.jobs import cefr_step


def remote_reach_m() -> float:
    """How far a remote job reaches: the whole region a batch could sensibly look at."""
    return float(settings.JOBS_REMOTE_REACH_KM) * 1000.0


_JOBS_SQL = f"""
SELECT j.id, o.code AS occupation, j.places_open, j.remote, j.hours, j.start_date,
       j.german_min, j.languages, j.skills, j.requires_recognition, j.open_to,
       j.residence_irrelevant, j.max_distance_km, j.created_at
FROM {Job._meta.db_table} j
JOIN {Occupation._meta.db_table} o ON o.id = j.occupation_id
WHERE j.id = ANY(%(jobs)s::bigint[])
"""

_SEEKERS_SQL = f"""
SELECT s.id, s.german_level, s.languages, s.skills, s.hours_wanted, s.travel_radius_km,
       s.available_from, s.recognition, s.residence, s.created_at,
       COALESCE((SELECT jsonb_object_agg(o.code, e.years)
                 FROM {Experience._meta.db_table} e
                 JOIN {Occupation._meta.db_table} o ON o.id = e.occupation_id
                 WHERE e.job_seeker_id = s.id), '{{}}'::jsonb) AS experience
FROM {JobSeeker._meta.db_table} s
WHERE s.id = ANY(%(seekers)s::bigint[])
"""


# Metres of meridian per degree of latitude, at least: a(1 - e²) · π/180 on WGS 84, the
# meridian's radius of curvature at the equator, rounded down. No path between two points,
# the geodesic included, is shorter than this times their difference in latitude, so the
# latitude test in `pairs_sql` drops a pair before the costlier exact `ST_DWithin` without
# ever dropping a pair within reach.
_MERIDIAN_M_PER_DEGREE = 110_574.0


def pairs_sql(job_ids: Sequence[int], *, limit_per_need: int) -> tuple[str, dict]:
    """Per job, the nearest people within both radii (a remote job: within the remote reach)
    who want its hours, have worked in its occupation (or in a member of its group), have an
    active account and no live match; nearest by true (spheroid) distance, then by id.

    Driven by the occupation, not by distance: a nearest-first walk over the people filters
    each one it meets by occupation, so a job in a rare occupation read everybody within its
    radius to find a few (bench: 6,480 people read for 8 found). Here each person who passes
    the person-only filters (placed and matchable, an active account, no live match) is read
    once per query, keyed by each code they have worked in and by those codes' groups, and
    joined to the jobs on the job's code: a job meets only the people of its occupation
    (a person keyed by a group once, however many of its members they know). The distance
    and hours are then checked per pair, a cheap bound on latitude first, and the nearest
    `limit_per_need` per job kept by `row_number()`. The cost grows with the number of people
    in the jobs' occupations, not with the people in reach (bench: 1,327 jobs × 20,000 people,
    about 2.3 million pairs of the same occupation looked at, 248,581 within reach).

    The CTEs are MATERIALIZED on purpose: inlined, the planner walks the GiST over all people
    in each job's reach (the index answers `ST_DWithin`) and probes the occupation per row,
    which is the cost this query avoids."""
    seekers, jobs = JobSeeker._meta.db_table, Job._meta.db_table
    experience, occupations = Experience._meta.db_table, Occupation._meta.db_table
    deg = f"{_MERIDIAN_M_PER_DEGREE}::float8"
    sql = f"""
WITH wanted AS MATERIALIZED (
    SELECT j.id, j.occupation_id, j.approx_point, j.hours, j.remote,
           CASE WHEN j.remote THEN %(remote_m)s::float8
                ELSE j.max_distance_km * 1000.0 END AS reach_m,
           ST_Y(j.approx_point::geometry) AS lat
    FROM {jobs} j
    WHERE j.id = ANY(%(jobs)s::bigint[])
),
codes AS MATERIALIZED (
    SELECT e.occupation_id, e.job_seeker_id
    FROM {experience} e
    WHERE e.occupation_id IN (SELECT occupation_id FROM wanted)
    UNION
    SELECT o.parent_id, e.job_seeker_id
    FROM {experience} e JOIN {occupations} o ON o.id = e.occupation_id
    WHERE o.parent_id IN (SELECT occupation_id FROM wanted)
),
people AS MATERIALIZED (
    SELECT c.occupation_id, s.id, s.approx_point, s.hours_wanted, s.travel_radius_km,
           ST_Y(s.approx_point::geometry) AS lat
    FROM codes c JOIN {seekers} s ON s.id = c.job_seeker_id
    WHERE {matchable_sql("s")}
      AND {owner_active_sql("s", "created_by_id")}
      AND NOT EXISTS (
          SELECT 1 FROM matching_match m
          WHERE m.job_seeker_id = s.id AND m.state IN {LIVE_SQL}
      )
)
SELECT job_id, seeker_id, distance_m
FROM (
    SELECT j.id AS job_id, p.id AS seeker_id,
           ST_Distance(p.approx_point, j.approx_point) AS distance_m,
           row_number() OVER (
               PARTITION BY j.id
               ORDER BY ST_Distance(p.approx_point, j.approx_point), p.id
           ) AS rank
    FROM wanted j JOIN people p ON p.occupation_id = j.occupation_id
    WHERE j.hours = ANY(p.hours_wanted)
      AND abs(p.lat - j.lat) * {deg} <= j.reach_m
      AND (j.remote OR abs(p.lat - j.lat) * {deg} <= p.travel_radius_km * 1000.0)
      AND ST_DWithin(p.approx_point, j.approx_point, j.reach_m)
      AND (j.remote OR ST_DWithin(p.approx_point, j.approx_point, p.travel_radius_km * 1000.0))
) ranked
WHERE rank <= %(limit)s::bigint
ORDER BY job_id, distance_m, seeker_id
"""
    return sql, {
        "jobs": sorted({int(pk) for pk in job_ids}),
        "limit": int(limit_per_need),
        "remote_m": remote_reach_m(),
    }


def job_record(row: Any) -> JobRecord:
    """The core record of a job, from a row of `_JOBS_SQL` or a model instance (with its
    occupation's code as `occupation`)."""
    return JobRecord(
        id=row.id,
        occupation=str(row.occupation),
        places_open=int(row.places_open),
        remote=bool(row.remote),
        hours=row.hours,
        start_date=row.start_date,
        german_min=cefr_step(row.german_min),
        languages=frozenset(json_value(row.languages) or ()),
        skills=frozenset(row.skills or ()),
        requires_recognition=bool(row.requires_recognition),
        open_to=frozenset(row.open_to or ()),
        residence_irrelevant=bool(row.residence_irrelevant),
        max_distance_m=float(row.max_distance_km) * 1000.0,
        created_at=row.created_at,
    )


def seeker_record(row: Any) -> SeekerRecord:
    """The core record of a person, from a row of `_SEEKERS_SQL` or an instance annotated
    with `experience` ({code: years})."""
    experience = json_value(row.experience) or {}
    return SeekerRecord(
        id=row.id,
        experience={str(code): float(Decimal(str(years))) for code, years in experience.items()},
        german=cefr_step(row.german_level),
        languages=frozenset(json_value(row.languages) or ()),
        skills=frozenset(row.skills or ()),
        hours=frozenset(row.hours_wanted or ()),
        radius_m=float(row.travel_radius_km) * 1000.0,
        available_from=row.available_from,
        recognition=row.recognition,
        residence=row.residence,
        created_at=row.created_at,
    )


def load_jobs(ids: Sequence[int]) -> dict[int, JobRecord]:
    with connection.cursor() as cursor:
        cursor.execute(_JOBS_SQL, {"jobs": sorted({int(pk) for pk in ids})})
        return {row.id: job_record(row) for row in rows_of(cursor)}


def load_seekers(ids: Sequence[int]) -> dict[int, SeekerRecord]:
    with connection.cursor() as cursor:
        cursor.execute(_SEEKERS_SQL, {"seekers": sorted({int(pk) for pk in ids})})
        return {row.id: seeker_record(row) for row in rows_of(cursor)}


def job_candidates(job_ids: Sequence[int], *, limit_per_need: int = 200) -> Candidates:
    """People within reach of each job who pass the cheap filters, nearest first."""
    found = Candidates()
    if not job_ids:
        return found
    found.needs = load_jobs(job_ids)
    sql, params = pairs_sql(job_ids, limit_per_need=limit_per_need)
    # Without JIT: PostGIS declares its functions expensive and the pair query's row estimates
    # are far too high, so PostgreSQL compiles it with LLVM, which took longer (bench: 0.6 to
    # 1.2 s per chunk) than running it. SET LOCAL in a savepoint: a failure rolls it back, and
    # the old value is put back so an enclosing transaction keeps its own.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        jit = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('jit', 'off', true)")
        cursor.execute(sql, params)
        found.pairs = [(j, s, float(d)) for j, s, d in cursor.fetchall()]
        cursor.execute("SELECT set_config('jit', %s, true)", [jit])
    seeker_ids = sorted({s for _, s, _ in found.pairs})
    if seeker_ids:
        found.offers = load_seekers(seeker_ids)
    return found
