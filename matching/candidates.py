"""Candidate pairs from PostGIS, and the plain core records built from database rows.

Each search is one set-based query: for every need a `JOIN LATERAL` walks the offers nearest
to it through a partial GiST index (K nearest by `<->`, bounded by `ST_DWithin` on geography)
and stops after `limit_per_need` rows, so no table is ever read whole into Python. Goods walk
one composite GiST index over (category_id, the public point on the Mercator plane) and prove each
walk exact against true distances (see `goods_pairs_sql`). GiST cannot take
`category_id = ANY(…)` as an index condition in an ordered scan, so the accepted categories
(the need's own and all below it) are cut into runs of consecutive ids and each run is one
walk with `category_id BETWEEN lo AND hi` as its index condition. The taxonomy is loaded
parent first, so a need for a whole parent category is usually one walk instead of one per
child (measured: p95 3.1 → 1.3 ms at a million offers); whatever the ids, a run holds only
accepted ids.

The partial indexes (see the models' `Meta.indexes`) hold only matchable, placed rows; the
queries below repeat that predicate literally (`_MATCHABLE_SQL`) so PostgreSQL can prove the
index applies, and cast every parameter to its column's type (`bigint`, `float8`): an
`int8 = int4` comparison is not in btree_gist's operator class and would silently skip it.

Every distance here is between public points (`approx_point`, the centre of a grid cell of
APPROXIMATE_GRID_METRES), never exact ones: whether a pair is proposed, how it ranks and the
distance stored on the match can be observed by a side (a need's quantity, an offer whose
radius the owner chooses), and on exact points shrinking radii or moving pins would find a
need to the metre. On public points the answer can say no more than the public point says.
The cost is up to one cell diagonal (about 0.7 km by default) of error in reach.

Reads only, no locks: the caller locks what it allocates.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.checks import HOST_CHECK, certificate_cutoff, certificate_dates
from accounts.models import Check, CheckKind, User
from donations.selectors import descendant_ids
from geo.models import PLACED_STATUSES
from lifecycle.states import MATCHABLE_STATUSES
from matching.core import types as core
from matching.models import LIVE_STATE_VALUES, Match

# --- the predicate of the partial indexes, as SQL ------------------------------------------


def sql_list(values: Iterable[str]) -> str:
    # Only code constants (status names) pass through here, never user input.
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


_STATUSES_SQL = sql_list(MATCHABLE_STATUSES)
_PLACED_SQL = sql_list(PLACED_STATUSES)
LIVE_SQL = sql_list(LIVE_STATE_VALUES)


def matchable_sql(alias: str) -> str:
    """The WHERE part every candidate index is partial on, for the table aliased `alias`."""
    return f"{alias}.status IN {_STATUSES_SQL} AND {alias}.geocode_status IN {_PLACED_SQL}"


def owner_active_sql(alias: str, owner_column: str) -> str:
    """The offer's owner has an active account: a suspended (or erased) one is inactive, and
    its offers are paused, not matched (safety.services.suspend). Every kind's search asks it.

    A scalar subquery, not EXISTS: the planner may turn an EXISTS into a join with the users
    (a merge join on the owner), which reads every offer in reach and sorts them instead of
    walking the index nearest first (bench: 6,314 rows read for 56, p95 2.9 -> 540 ms). A
    scalar subquery stays a filter on the rows the walk reads."""
    return (
        f"COALESCE((SELECT u.is_active FROM {User._meta.db_table} u "
        f"WHERE u.id = {alias}.{owner_column}), false)"
    )


def _checked_host_sql(alias: str, owner_column: str) -> str:
    """A coordinator has seen the host's identity (a standing check, accounts.checks), or
    HOUSING_MATCH_UNCHECKED_LANDLORDS lets unchecked hosts' flats be matched (the
    `unchecked_hosts` and `host_check` parameters)."""
    return f"""(%(unchecked_hosts)s::boolean OR EXISTS (
              SELECT 1 FROM {Check._meta.db_table} k
              WHERE k.subject_id = {alias}.{owner_column} AND k.kind = %(host_check)s
                AND k.withdrawn_at IS NULL))"""


def _host_params() -> dict:
    return {
        "unchecked_hosts": bool(settings.HOUSING_MATCH_UNCHECKED_LANDLORDS),
        "host_check": str(HOST_CHECK),
    }


@dataclass
class Candidates:
    """What one search found: the records of both sides and the pairs within reach."""

    needs: dict[int, core.GoodsNeed | core.Shift | core.Household] = field(default_factory=dict)
    offers: dict[int, core.GoodsOffer | core.Volunteer | core.Flat] = field(default_factory=dict)
    # (need_id, offer_id, distance_m), nearest first per need.
    pairs: list[tuple[int, int, float]] = field(default_factory=list)


# --- small helpers ------------------------------------------------------------------------


def rows_of(cursor) -> list[SimpleNamespace]:
    names = [col.name for col in cursor.description]
    return [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def json_value(value: Any) -> Any:
    # Django registers a text loader for jsonb (its fields parse the text themselves), so a
    # raw cursor hands back strings; model instances hand back parsed values.
    return json.loads(value) if isinstance(value, str | bytes) else value


def _ids(values: Sequence[int]) -> list[int]:
    return sorted({int(v) for v in values})


def _km_to_m(km: float | None, default_km: float) -> float:
    return float(km if km is not None else default_km) * 1000.0


def _money(value: Decimal | float | None) -> float:
    return float(value) if value is not None else 0.0


def _str_map(values: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): "" if v is None else str(v) for k, v in (values or {}).items()}


# --- record builders (exported: the batch adapter builds records of locked rows) -----------


def goods_need_record(
    need: Any, *, accepted_category_ids: Iterable[int] | None = None
) -> core.GoodsNeed:
    """A goods need (model instance or row with the same attribute names) as a core record.

    Without `accepted_category_ids` the taxonomy is asked for the category and its
    descendants (one small query).
    """
    if accepted_category_ids is None:
        accepted_category_ids = descendant_ids(need.category_id)
    return core.GoodsNeed(
        id=need.id,
        category_id=need.category_id,
        accepted_category_ids=frozenset(int(c) for c in accepted_category_ids),
        attributes=_str_map(json_value(need.attributes)),
        quantity_open=int(need.quantity_open),
        max_distance_m=_km_to_m(need.max_distance_km, settings.DEFAULT_NEED_MAX_DISTANCE_KM),
        deadline=need.deadline,
        created_at=need.created_at,
    )


def goods_offer_record(offer: Any) -> core.GoodsOffer:
    """A donation offer (model instance or row) as a core record."""
    return core.GoodsOffer(
        id=offer.id,
        category_id=offer.category_id,
        attributes=_str_map(json_value(offer.attributes)),
        quantity_open=int(offer.quantity_open),
        radius_m=_km_to_m(offer.delivery_radius_km, settings.DEFAULT_OFFER_RADIUS_KM),
        condition=str(offer.condition),
        created_at=offer.created_at,
    )


def shift_record(
    shift: Any,
    *,
    need: Any | None = None,
    required_skills: Iterable[str] | None = None,
) -> core.Shift:
    """A shift with the fields of its volunteer need as a core record.

    `need` defaults to `shift.need`, `required_skills` to the need's skill slugs (a query).
    A need that works with children asks for a certificate of conduct that still counts on
    the local day of the shift.
    """
    need = need if need is not None else shift.need
    if required_skills is None:
        required_skills = need.required_skills.values_list("slug", flat=True)
    certificate_since = None
    if need.works_with_children:
        certificate_since = certificate_cutoff(
            shift.start.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
        )
    return core.Shift(
        id=shift.id,
        need_id=need.id,
        start=shift.start,
        end=shift.end,
        people_open=int(shift.people_open),
        required_skills=frozenset(required_skills),
        languages=frozenset(str(code) for code in json_value(need.languages) or ()),
        max_distance_m=_km_to_m(need.max_distance_km, settings.DEFAULT_NEED_MAX_DISTANCE_KM),
        created_at=need.created_at,
        certificate_since=certificate_since,
    )


_UNKNOWN = object()


def volunteer_record(
    profile: Any,
    *,
    skills: Iterable[str] | None = None,
    slots: Iterable[tuple[int, time, time]] | None = None,
    away: Iterable[tuple[date, date]] | None = None,
    booked: Iterable[tuple[datetime, datetime]] | None = None,
    certificate_date: Any = _UNKNOWN,
) -> core.Volunteer:
    """A volunteer profile as a core record.

    Whatever is not given is read from the profile's relations (a query each): its skills,
    weekly slots, away periods, as `booked` the shifts its live matches hold, and the date
    of the volunteer's newest certificate of conduct (None: none seen).
    """
    if skills is None:
        skills = profile.skills.values_list("slug", flat=True)
    if slots is None:
        slots = profile.availability.values_list("weekday", "start", "end")
    if away is None:
        away = profile.away_periods.values_list("start", "end")
    if booked is None:
        booked = Match.objects.filter(
            volunteer_id=profile.id, state__in=LIVE_STATE_VALUES, shift__isnull=False
        ).values_list("shift__start", "shift__end")
    if certificate_date is _UNKNOWN:
        certificate_date = certificate_dates([profile.user_id]).get(profile.user_id)
    languages = {
        str(item["code"]): str(item.get("level", ""))
        for item in json_value(profile.languages) or ()
    }
    return core.Volunteer(
        id=profile.id,
        skills=frozenset(skills),
        languages=languages,
        slots=tuple(
            core.WeeklySlot(weekday=int(day), start=start, end=end)
            for day, start, end in sorted(slots)
        ),
        away=tuple(sorted((start, end) for start, end in away)),
        radius_m=float(profile.travel_radius_km) * 1000.0,
        max_hours_per_week=float(profile.max_hours_per_week),
        booked=tuple(sorted((start, end) for start, end in booked)),
        created_at=profile.created_at,
        certificate_date=certificate_date,
    )


def household_record(need: Any) -> core.Household:
    """A housing need (model instance or row) as a core record."""
    return core.Household(
        id=need.id,
        adults=int(need.adults),
        children=int(need.children),
        rent_ceiling=_money(need.rent_ceiling),
        needs_step_free=bool(need.needs_step_free),
        has_pets=bool(need.has_pets),
        move_in_date=need.move_in_date,
        max_distance_m=float(need.max_distance_km) * 1000.0,
        min_stay_months=need.min_stay_months,
        created_at=need.created_at,
    )


def flat_record(offer: Any) -> core.Flat:
    """A housing offer (model instance or row) as a core record."""
    return core.Flat(
        id=offer.id,
        rooms=float(offer.rooms),
        size_m2=offer.size_m2,
        warm_rent=_money(offer.warm_rent),
        max_occupants=int(offer.max_occupants),
        step_free=bool(offer.step_free),
        pets_allowed=bool(offer.pets_allowed),
        available_from=offer.available_from,
        available_until=offer.available_until,
        min_stay_months=offer.min_stay_months,
        created_at=offer.created_at,
    )


# --- goods --------------------------------------------------------------------------------

_GOODS_NEEDS_SQL = """
WITH RECURSIVE accepted(need_id, category_id) AS (
    SELECT n.id, n.category_id FROM donations_goodsneed n WHERE n.id = ANY(%(needs)s::bigint[])
    UNION
    SELECT a.need_id, c.id FROM donations_category c JOIN accepted a ON c.parent_id = a.category_id
)
SELECT n.id, n.category_id, n.attributes, n.quantity_open, n.max_distance_km, n.deadline,
       n.created_at,
       ARRAY(SELECT a.category_id FROM accepted a WHERE a.need_id = n.id ORDER BY 1)
           AS accepted_category_ids
FROM donations_goodsneed n
WHERE n.id = ANY(%(needs)s::bigint[])
"""


# Metres per unit of the Mercator plane (`donations_knn_plane`), from below, valid for every
# offer within the need's reach: a planar degree is at least 110,574 m x cos(latitude) on the
# WGS84 spheroid in any direction (the meridian's degree at the equator is the shortest), taken
# at the highest latitude the reach touches; 110,500 leaves room for rounding. Capped short of
# the pole, where the plane ends. So true distance >= _PLANE_M * planar distance.
_REACH_M = "COALESCE(n.max_distance_km, %(need_km)s::float8) * 1000.0"
_PLANE_M = (
    "(110500.0 * cos(radians(least(abs(ST_Y(n.approx_point::geometry)) "
    f"+ ({_REACH_M}) / 110500.0, 89.99))))"
)
# Public points lie on a grid, so in a dense area many offers share the point of the
# `limit`-th nearest, the walk ends inside that tie and the bound (conservative by up to about
# 0.7 % at these latitudes) can never prove it, which costs a second search. A walk is taken
# as proven when no row it did not read can be more than this share nearer than the
# `limit`-th: at 5 km, 50 m, a tenth of a grid cell (bench, 100,000 offers: needs searched
# twice 13.5 % -> 5 %). Which tied offers make the cut is then the walk's choice.
_PROOF_SLACK = 1.01


def _walk_length(limit: int) -> int:
    """Rows one walk reads: a few more than the limit, so that the k-th nearest by true
    distance is almost always proven before the walk ends (measured on the bench instance: 4
    extra rows needed the second search for 2 % of needs, 8 for none; the 6 a limit of 50
    gets here, for 1 of 594 needs at a million offers)."""
    return limit + max(4, limit // 8)


def _offer_filter_sql(box_m: str, *, held: bool = False) -> str:
    """Everything an offer row must pass for need `n` and run `r`; the box (a square of
    `box_m` metres or more around the need on the plane) is the index condition that bounds
    the walk, the `ST_DWithin`s on geography are the exact test.

    The exact tests sit inside a CASE, for two reasons. The order: the distances first, the
    donor's account last, so the account is looked up only for rows in reach (PostgreSQL
    orders plain conditions by its cost estimates, and PostGIS declares its functions
    costlier than the subquery). And the index: an `ST_DWithin` outside would offer the
    unordered second search the geography index over every category, which it took and
    then filtered ~700 rows of other categories per search; inside, only the composite
    index (category run and box) is left to it (bench, 1,000 needs: 250 -> 80 ms)."""
    within = [
        "COALESCE(o.delivery_radius_km, %(offer_km)s::float8) * 1000.0",
        _REACH_M,
        *([] if box_m == _REACH_M else [box_m]),
    ]
    exact = " AND ".join(f"ST_DWithin(o.approx_point, n.approx_point, {m})" for m in within)
    # Offers the batch counts as free although proposals hold all they have (`held`) are in
    # the wider index (donationoffer_held_gist); without any, the search keeps to
    # the index of offers with something open.
    capacity = "o.quantity_open > 0"
    if held:
        capacity = f"({capacity} OR o.id = ANY(%(held)s::bigint[]))"
    return f"""o.category_id >= r.lo AND o.category_id <= r.hi
              AND {matchable_sql("o")} AND {capacity}
              AND donations_knn_plane(o.approx_point)
                  && ST_Expand(donations_knn_plane(n.approx_point), ({box_m}) / {_PLANE_M})
              AND CASE WHEN {exact} THEN {owner_active_sql("o", "donor_id")} ELSE false END"""


def goods_pairs_sql(
    need_ids: Sequence[int], *, limit_per_need: int = 200, held: Collection[int] = ()
) -> tuple[str, dict]:
    """The pair query of `goods_candidates`, with its parameters (the benchmark EXPLAINs it).

    Per (need, run of accepted category ids) the composite GiST index (category_id, public
    point on the Mercator plane) is walked nearest first on the plane within the need's reach,
    a few rows past the limit; the offer's own radius is checked on the rows found (it differs
    per offer, so it cannot bound the index scan). Planar order is only nearly true order, so the
    walk is then proven: a row not read lies at least `_PLANE_M` x (planar distance of the
    last row read) away in truth; if the `limit`-th nearest row read by true distance is
    closer than that (give or take `_PROOF_SLACK`), or the walk ended before its length, no
    unread row can beat it by more than the slack and the rows read are kept. Otherwise (rare)
    the run is searched again without order, for every row within that `limit`-th distance
    (+1 m against rounding between `ST_Distance` and `ST_DWithin`). Then the nearest
    `limit_per_need` per need are kept across its runs, by spheroid distance and offer id.

    The plane does not wrap at the antimeridian, and within 0.01 degrees of a pole the bound
    no longer holds; neither is a place this platform serves.
    """
    sql = f"""
WITH RECURSIVE accepted(need_id, category_id) AS (
    SELECT n.id, n.category_id FROM donations_goodsneed n WHERE n.id = ANY(%(needs)s::bigint[])
    UNION
    SELECT a.need_id, c.id FROM donations_category c JOIN accepted a ON c.parent_id = a.category_id
), runs AS (
    -- Consecutive accepted ids share `run` (id minus its rank): one index walk per run.
    SELECT need_id, min(category_id) AS lo, max(category_id) AS hi
    FROM (
        SELECT need_id, category_id,
               category_id - row_number() OVER (PARTITION BY need_id ORDER BY category_id) AS run
        FROM accepted
    ) numbered
    GROUP BY need_id, run
)
SELECT need_id, offer_id, distance_m FROM (
    SELECT r.need_id, c.offer_id, c.distance_m,
           row_number() OVER (PARTITION BY r.need_id ORDER BY c.distance_m, c.offer_id) AS rank
    FROM runs r
    JOIN donations_goodsneed n ON n.id = r.need_id
    CROSS JOIN LATERAL (
        -- The walk, nearest first on the plane; its rows sorted by true distance.
        SELECT count(*) AS found, max(w.planar) AS planar_reach,
               array_agg(w.offer_id ORDER BY w.distance_m, w.offer_id) AS ids,
               array_agg(w.distance_m ORDER BY w.distance_m, w.offer_id) AS distances
        FROM (
            SELECT o.id AS offer_id, ST_Distance(o.approx_point, n.approx_point) AS distance_m,
                   donations_knn_plane(o.approx_point)
                       <-> donations_knn_plane(n.approx_point) AS planar
            FROM donations_donationoffer o
            WHERE {_offer_filter_sql(_REACH_M, held=bool(held))}
            ORDER BY donations_knn_plane(o.approx_point) <-> donations_knn_plane(n.approx_point)
            LIMIT %(walk)s::bigint
        ) w
    ) walked
    CROSS JOIN LATERAL (
        SELECT walked.found < %(walk)s::bigint
               OR walked.distances[%(limit)s::int]
                  < {_PLANE_M} * walked.planar_reach * {_PROOF_SLACK} AS proven
    ) proof
    CROSS JOIN LATERAL (
        SELECT u.offer_id, u.distance_m
        FROM unnest(walked.ids, walked.distances) AS u(offer_id, distance_m)
        WHERE proof.proven
        UNION ALL
        -- Planned as a one-time filter: the scan runs only for a walk that is not proven.
        SELECT o.id, ST_Distance(o.approx_point, n.approx_point)
        FROM donations_donationoffer o
        WHERE NOT proof.proven
          AND {_offer_filter_sql("walked.distances[%(limit)s::int] + 1.0", held=bool(held))}
    ) c
) ranked
WHERE rank <= %(limit)s::bigint
ORDER BY need_id, distance_m, offer_id
"""
    params = {
        "needs": _ids(need_ids),
        "need_km": float(settings.DEFAULT_NEED_MAX_DISTANCE_KM),
        "offer_km": float(settings.DEFAULT_OFFER_RADIUS_KM),
        "limit": int(limit_per_need),
        "walk": _walk_length(int(limit_per_need)),
        "held": _ids(held),
    }
    return sql, params


# The offers' rows as a batch reads them: 1,000 needs read ~25,000, and decoding them was
# most of the search's time in Python (bench: 330 ms for 25,000 rows, 100 ms now). The
# creation time comes as microseconds since the epoch, an exact integer, since Django's
# timestamptz loader parses text in Python; the attributes as text, parsed once per distinct
# value (a few hundred per batch, most of them `{}`).
_GOODS_OFFERS_SQL = """
SELECT o.id, o.category_id, o.attributes::text, o.quantity_open, o.delivery_radius_km,
       o.condition, (extract(epoch FROM o.created_at) * 1000000)::bigint
FROM donations_donationoffer o
WHERE o.id = ANY(%(offers)s::bigint[])
"""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(microseconds: int | None) -> datetime | None:
    """The instant `microseconds` after the epoch, in UTC as Django reads timestamps with
    USE_TZ; exact (integer arithmetic, no float)."""
    return None if microseconds is None else _EPOCH + timedelta(microseconds=microseconds)


def _goods_offer_records(rows: Iterable[tuple]) -> dict[int, core.GoodsOffer]:
    """Core records of rows of `_GOODS_OFFERS_SQL`: the same as `goods_offer_record` of each
    offer."""
    parsed: dict[str, dict[str, str]] = {}
    default_km = settings.DEFAULT_OFFER_RADIUS_KM
    records = {}
    for pk, category_id, attributes, quantity_open, radius_km, condition, created in rows:
        values = parsed.get(attributes)
        if values is None:
            values = parsed[attributes] = _str_map(json_value(attributes))
        records[pk] = core.GoodsOffer(
            id=pk,
            category_id=category_id,
            # A copy each: records must not share a mutable mapping.
            attributes=dict(values),
            quantity_open=int(quantity_open),
            radius_m=_km_to_m(radius_km, default_km),
            condition=str(condition),
            created_at=_moment(created),
        )
    return records


@contextmanager
def without_jit() -> Iterator[Any]:
    """A cursor on which JIT compilation is off, and put back as it was afterwards.

    PostGIS declares its functions expensive and the batch queries' row estimates are far
    too high, so PostgreSQL compiles them with LLVM, which takes longer than running them
    (bench, goods pair query for 1,000 needs: 1.1 to 2.3 s of JIT of 2 to 4 s; the jobs
    search saw the same). SET LOCAL in a savepoint: a failure rolls it back, and the old
    value is put back so an enclosing transaction keeps its own."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        jit = cursor.fetchone()[0]
        yield cursor
        cursor.execute("SELECT set_config('jit', %s, true)", [jit])


def goods_candidates(
    need_ids: Sequence[int], *, limit_per_need: int = 200, held: Collection[int] = ()
) -> Candidates:
    """Donation offers within reach of each goods need, nearest first.

    Needs are loaded as given, whatever their status. Offers must be matchable, placed, have
    something open (or be in `held`: a batch counts what the proposals it may revise hold as
    free), be of a category the need accepts (its own or one below), and lie within the
    smaller of the need's maximum distance and the offer's delivery radius.
    """
    found = Candidates()
    ids = _ids(need_ids)
    if not ids:
        return found
    with without_jit() as cursor:
        cursor.execute(_GOODS_NEEDS_SQL, {"needs": ids})
        for row in rows_of(cursor):
            found.needs[row.id] = goods_need_record(
                row, accepted_category_ids=row.accepted_category_ids
            )
        sql, params = goods_pairs_sql(ids, limit_per_need=limit_per_need, held=held)
        cursor.execute(sql, params)
        found.pairs = [(n, o, float(d)) for n, o, d in cursor.fetchall()]
        offer_ids = sorted({o for _, o, _ in found.pairs})
        if offer_ids:
            cursor.execute(_GOODS_OFFERS_SQL, {"offers": offer_ids})
            found.offers = _goods_offer_records(cursor.fetchall())
    return found


# --- volunteers ---------------------------------------------------------------------------

_SHIFTS_SQL = """
SELECT s.id, s.start, s."end", s.people_open,
       n.id AS need_id, n.languages, n.max_distance_km, n.created_at, n.works_with_children,
       ARRAY(SELECT k.slug FROM volunteers_volunteerneed_required_skills r
             JOIN volunteers_skill k ON k.id = r.skill_id
             WHERE r.volunteerneed_id = n.id ORDER BY 1) AS required_skills
FROM volunteers_shift s
JOIN volunteers_volunteerneed n ON n.id = s.need_id
WHERE s.id = ANY(%(shifts)s::bigint[])
"""


def volunteer_pairs_sql(shift_ids: Sequence[int], *, limit_per_need: int = 200) -> tuple[str, dict]:
    """The pair query of `volunteer_candidates`: one walk per volunteer need (its shifts share
    the place), fanned out to the asked shifts. Skills are checked in SQL: no required skill
    of the need may be missing from the profile. A suspended volunteer's profile is paused.
    A need that works with children walks only volunteers whose certificate of conduct counts
    today; the core then asks that it still counts on each shift's day."""
    sql = f"""
WITH asked AS (
    SELECT s.id AS shift_id, s.need_id FROM volunteers_shift s
    WHERE s.id = ANY(%(shifts)s::bigint[])
)
SELECT a.shift_id, c.profile_id, c.distance_m
FROM (SELECT DISTINCT need_id FROM asked) q
JOIN volunteers_volunteerneed n ON n.id = q.need_id
CROSS JOIN LATERAL (
    SELECT p.id AS profile_id, ST_Distance(p.approx_point, n.approx_point) AS distance_m
    FROM volunteers_volunteerprofile p
    WHERE {matchable_sql("p")}
      AND {owner_active_sql("p", "user_id")}
      AND ST_DWithin(p.approx_point, n.approx_point,
                     COALESCE(n.max_distance_km, %(need_km)s::float8) * 1000.0)
      AND ST_DWithin(p.approx_point, n.approx_point, p.travel_radius_km * 1000.0)
      AND (NOT n.works_with_children OR EXISTS (
          SELECT 1 FROM {Check._meta.db_table} k
          WHERE k.subject_id = p.user_id AND k.kind = %(certificate)s
            AND k.withdrawn_at IS NULL AND k.certificate_date >= %(certificate_since)s::date))
      AND NOT EXISTS (
          SELECT 1 FROM volunteers_volunteerneed_required_skills r
          WHERE r.volunteerneed_id = n.id
            AND NOT EXISTS (
                SELECT 1 FROM volunteers_volunteerprofile_skills ps
                WHERE ps.volunteerprofile_id = p.id AND ps.skill_id = r.skill_id
            )
      )
    ORDER BY p.approx_point <-> n.approx_point
    LIMIT %(limit)s::bigint
) c
JOIN asked a ON a.need_id = q.need_id
ORDER BY a.shift_id, c.distance_m, c.profile_id
"""
    params = {
        "shifts": _ids(shift_ids),
        "need_km": float(settings.DEFAULT_NEED_MAX_DISTANCE_KM),
        "limit": int(limit_per_need),
        "certificate": str(CheckKind.CERTIFICATE_OF_CONDUCT),
        "certificate_since": certificate_cutoff(timezone.localdate()),
    }
    return sql, params


_PROFILES_SQL = f"""
SELECT p.id, p.languages, p.travel_radius_km, p.max_hours_per_week, p.created_at,
       ARRAY(SELECT k.slug FROM volunteers_volunteerprofile_skills ps
             JOIN volunteers_skill k ON k.id = ps.skill_id
             WHERE ps.volunteerprofile_id = p.id ORDER BY 1) AS skills,
       ARRAY(SELECT a.weekday FROM volunteers_availabilityslot a
             WHERE a.profile_id = p.id ORDER BY a.id) AS slot_days,
       ARRAY(SELECT a.start FROM volunteers_availabilityslot a
             WHERE a.profile_id = p.id ORDER BY a.id) AS slot_starts,
       ARRAY(SELECT a."end" FROM volunteers_availabilityslot a
             WHERE a.profile_id = p.id ORDER BY a.id) AS slot_ends,
       ARRAY(SELECT w.start FROM volunteers_awayperiod w
             WHERE w.profile_id = p.id ORDER BY w.id) AS away_starts,
       ARRAY(SELECT w."end" FROM volunteers_awayperiod w
             WHERE w.profile_id = p.id ORDER BY w.id) AS away_ends,
       ARRAY(SELECT s.start FROM matching_match m JOIN volunteers_shift s ON s.id = m.shift_id
             WHERE m.volunteer_id = p.id AND m.state IN {LIVE_SQL} ORDER BY m.id)
           AS booked_starts,
       ARRAY(SELECT s."end" FROM matching_match m JOIN volunteers_shift s ON s.id = m.shift_id
             WHERE m.volunteer_id = p.id AND m.state IN {LIVE_SQL} ORDER BY m.id)
           AS booked_ends,
       (SELECT max(k.certificate_date) FROM {Check._meta.db_table} k
        WHERE k.subject_id = p.user_id AND k.kind = '{CheckKind.CERTIFICATE_OF_CONDUCT.value}'
          AND k.withdrawn_at IS NULL) AS certificate_date
FROM volunteers_volunteerprofile p
WHERE p.id = ANY(%(profiles)s::bigint[])
"""


def volunteer_candidates(shift_ids: Sequence[int], *, limit_per_need: int = 200) -> Candidates:
    """Volunteer profiles within reach of each shift's need, nearest first.

    Shifts are loaded as given. Profiles must be matchable, placed and of an active account
    (a suspended volunteer's is paused), have every skill the need requires, and live within
    the smaller of the need's maximum distance and their own travel radius. Languages, weekly
    slots and hours are left to the core's constraints.
    """
    found = Candidates()
    ids = _ids(shift_ids)
    if not ids:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_SHIFTS_SQL, {"shifts": ids})
        for row in rows_of(cursor):
            need = SimpleNamespace(
                id=row.need_id,
                languages=row.languages,
                max_distance_km=row.max_distance_km,
                created_at=row.created_at,
                works_with_children=row.works_with_children,
            )
            found.needs[row.id] = shift_record(row, need=need, required_skills=row.required_skills)
        sql, params = volunteer_pairs_sql(ids, limit_per_need=limit_per_need)
        cursor.execute(sql, params)
        found.pairs = [(s, p, float(d)) for s, p, d in cursor.fetchall()]
        profile_ids = sorted({p for _, p, _ in found.pairs})
        if profile_ids:
            cursor.execute(_PROFILES_SQL, {"profiles": profile_ids})
            for row in rows_of(cursor):
                found.offers[row.id] = volunteer_record(
                    row,
                    skills=row.skills,
                    slots=zip(row.slot_days, row.slot_starts, row.slot_ends, strict=True),
                    away=zip(row.away_starts, row.away_ends, strict=True),
                    booked=zip(row.booked_starts, row.booked_ends, strict=True),
                    certificate_date=row.certificate_date,
                )
    return found


# --- housing ------------------------------------------------------------------------------

_HOUSEHOLDS_SQL = """
SELECT h.id, h.adults, h.children, h.rent_ceiling, h.needs_step_free, h.has_pets,
       h.move_in_date, h.max_distance_km, h.min_stay_months, h.created_at
FROM housing_housingneed h
WHERE h.id = ANY(%(households)s::bigint[])
"""


def housing_pairs_sql(
    household_ids: Sequence[int], *, limit_per_need: int = 200
) -> tuple[str, dict]:
    """The pair query of `housing_candidates`: the cheap hard filters (occupants, rent,
    step-free, pets) run in SQL on the rows the index walk finds; flats a live match holds
    are skipped, and so are flats of a suspended landlord and, unless
    HOUSING_MATCH_UNCHECKED_LANDLORDS, of a landlord whose identity no coordinator has seen."""
    sql = f"""
SELECT h.id AS household_id, c.flat_id, c.distance_m
FROM housing_housingneed h
CROSS JOIN LATERAL (
    SELECT f.id AS flat_id, ST_Distance(f.approx_point, h.approx_point) AS distance_m
    FROM housing_housingoffer f
    WHERE {matchable_sql("f")}
      AND ST_DWithin(f.approx_point, h.approx_point, h.max_distance_km * 1000.0)
      AND {owner_active_sql("f", "landlord_id")}
      AND {_checked_host_sql("f", "landlord_id")}
      AND f.max_occupants >= h.adults + h.children
      AND f.warm_rent <= h.rent_ceiling
      AND (f.step_free OR NOT h.needs_step_free)
      AND (f.pets_allowed OR NOT h.has_pets)
      AND NOT EXISTS (
          SELECT 1 FROM matching_match m
          WHERE m.housing_offer_id = f.id AND m.state IN {LIVE_SQL}
      )
    ORDER BY f.approx_point <-> h.approx_point
    LIMIT %(limit)s::bigint
) c
WHERE h.id = ANY(%(households)s::bigint[])
ORDER BY h.id, c.distance_m, c.flat_id
"""
    return sql, {
        "households": _ids(household_ids),
        "limit": int(limit_per_need),
        **_host_params(),
    }


_FLATS_SQL = """
SELECT f.id, f.rooms, f.size_m2, f.warm_rent, f.max_occupants, f.step_free, f.pets_allowed,
       f.available_from, f.available_until, f.min_stay_months, f.created_at
FROM housing_housingoffer f
WHERE f.id = ANY(%(flats)s::bigint[])
"""


def housing_candidates(household_ids: Sequence[int], *, limit_per_need: int = 200) -> Candidates:
    """Flats within a household's maximum distance that fit it, nearest first.

    Households are loaded as given. Flats must be matchable, placed, not held by a live
    match, take all its people, cost at most its ceiling, be step-free and allow pets where
    it needs that, and belong to an active landlord whose identity a coordinator has seen
    (unless HOUSING_MATCH_UNCHECKED_LANDLORDS). Dates and stay lengths are left to the
    core's constraints.
    """
    found = Candidates()
    ids = _ids(household_ids)
    if not ids:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_HOUSEHOLDS_SQL, {"households": ids})
        for row in rows_of(cursor):
            found.needs[row.id] = household_record(row)
        sql, params = housing_pairs_sql(ids, limit_per_need=limit_per_need)
        cursor.execute(sql, params)
        found.pairs = [(h, f, float(d)) for h, f, d in cursor.fetchall()]
        flat_ids = sorted({f for _, f, _ in found.pairs})
        if flat_ids:
            cursor.execute(_FLATS_SQL, {"flats": flat_ids})
            for row in rows_of(cursor):
                found.offers[row.id] = flat_record(row)
    return found
