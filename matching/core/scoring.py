"""Explainable scores for feasible pairs.

A score is a weighted mean of factor values in [0, 1]; its breakdown gives each factor's
points (weight · value / total weight) so a coordinator sees why one offer ranks above another.
Only factors that apply to a kind take part in the mean: `language` counts only for shifts that
name languages. Scores are floored at `MIN_SCORE` because the allocators treat an edge's
score as its positive value.
"""

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from .constraints import (
    _EPS,
    goods_distance_limit,
    goods_reason,
    offered_attributes,
    shift_hours,
    volunteer_distance_limit,
    wanted_attributes,
)
from .types import Edge, Flat, GoodsNeed, GoodsOffer, Household, Shift, Volunteer

DEFAULT_WEIGHTS: dict[str, float] = {
    "distance": 0.35,
    "urgency": 0.25,
    "waiting": 0.15,
    "fit": 0.15,
    "language": 0.10,
}
MIN_SCORE = 0.01

CONDITION_FIT: dict[str, float] = {"new": 1.0, "like_new": 0.9, "good": 0.75, "used": 0.5}
UNKNOWN_CONDITION_FIT = 0.5  # an unstated condition is treated like "used"
LANGUAGE_LEVEL: dict[str, float] = {
    "native": 1.0,
    "fluent": 0.85,
    "conversational": 0.6,
    "basic": 0.3,
}
NO_DEADLINE_URGENCY = 0.3
LOWEST_URGENCY = 0.1


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _ramp(x: float, full_at: float, low_at: float) -> float:
    """1 up to `full_at`, falling linearly to LOWEST_URGENCY at `low_at`, flat after that."""
    if x <= full_at:
        return 1.0
    if x >= low_at:
        return LOWEST_URGENCY
    return 1.0 - (1.0 - LOWEST_URGENCY) * (x - full_at) / (low_at - full_at)


def distance_factor(distance_m: float, limit_m: float) -> float:
    """1 on the doorstep, 0 at the edge of reach."""
    if limit_m <= 0:
        return 1.0 if distance_m <= 0 else 0.0
    return _clamp(1.0 - distance_m / limit_m)


def waiting_factor(created_at: datetime, now: datetime, full_after_days: float) -> float:
    """Share of `full_after_days` the need has waited, capped at 1: old needs rise."""
    days = (now - created_at).total_seconds() / 86400.0
    return _clamp(days / full_after_days)


def combine(
    values: Mapping[str, float], weights: Mapping[str, float]
) -> tuple[float, dict[str, float]]:
    """Weighted mean of the factor values, and each factor's points (rounded to 4 places).

    A factor missing from `weights` has weight 0. If all weights are 0 the score is MIN_SCORE.
    """
    total_weight = sum(max(0.0, weights.get(name, 0.0)) for name in values)
    if total_weight <= 0:
        return MIN_SCORE, {name: 0.0 for name in values}
    points = {
        name: max(0.0, weights.get(name, 0.0)) * _clamp(value) / total_weight
        for name, value in values.items()
    }
    score = max(MIN_SCORE, min(1.0, sum(points.values())))
    return score, {name: round(p, 4) for name, p in points.items()}


def _goods_urgency(need: GoodsNeed, now: datetime) -> float:
    if need.deadline is None:
        return NO_DEADLINE_URGENCY
    return _ramp((need.deadline - now.date()).days, 2, 30)


def _goods_fit(offer: GoodsOffer) -> float:
    return CONDITION_FIT.get(offer.condition.strip().casefold(), UNKNOWN_CONDITION_FIT)


def score_goods(
    need: GoodsNeed,
    offer: GoodsOffer,
    distance_m: float,
    *,
    now: datetime,
    weights: Mapping[str, float],
) -> tuple[float, dict[str, float]]:
    """Score of a feasible goods pair: distance, deadline urgency, waiting time, condition."""
    values = {
        "distance": distance_factor(distance_m, goods_distance_limit(need, offer)),
        "urgency": _goods_urgency(need, now),
        "waiting": waiting_factor(need.created_at, now, 30),
        "fit": _goods_fit(offer),
    }
    return combine(values, weights)


_GOODS_FACTORS = ("distance", "urgency", "waiting", "fit")


def goods_edges(
    pairs: Iterable[tuple[int, int, float]],
    needs: Mapping[int, GoodsNeed],
    offers: Mapping[int, GoodsOffer],
    *,
    now: datetime,
    weights: Mapping[str, float],
) -> list[Edge]:
    """The feasible pairs among (need id, offer id, metres) as scored edges, in their order.

    The same edges, to the bit, as `constraints.goods_reason` and `score_goods` pair by pair,
    but what depends on one side only (the need's reach, categories, wanted attributes,
    urgency and waiting; the offer's radius, attributes and condition) is worked out once
    per record: a goods batch scores hundreds of thousands of pairs (bench: 653,000 pairs,
    9.3 -> 3.1 s of CPU on a loaded machine). The arithmetic is `combine`'s, in its order.
    """
    weight = {name: max(0.0, weights.get(name, 0.0)) for name in _GOODS_FACTORS}
    total = sum(weight[name] for name in _GOODS_FACTORS)
    if total <= 0:  # no weights: `combine`'s own answer, pair by pair
        edges = []
        for n, o, d in pairs:
            if goods_reason(needs[n], offers[o], d) is None:
                value, breakdown = score_goods(needs[n], offers[o], d, now=now, weights=weights)
                edges.append(Edge(n, o, value, d, breakdown))
        return edges
    with _collector_paused():
        return _goods_edges(pairs, needs, offers, now, weight, total)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a loop that makes hundreds of thousands of
    objects, none of them part of a cycle: it would run after every 700 and, as they pile
    up, walk every object the process holds again and again (bench: 1.5 of 4.4 s of the
    goods edges). Put back as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _goods_edges(
    pairs: Iterable[tuple[int, int, float]],
    needs: Mapping[int, GoodsNeed],
    offers: Mapping[int, GoodsOffer],
    now: datetime,
    weight: Mapping[str, float],
    total: float,
) -> list[Edge]:
    w_distance = weight["distance"]
    need_sides: dict[int, tuple] = {}
    offer_sides: dict[int, tuple] = {}
    edges = []
    for n, o, d in pairs:
        need_side = need_sides.get(n)
        if need_side is None:
            need = needs[n]
            urgency = weight["urgency"] * _clamp(_goods_urgency(need, now)) / total
            waiting = weight["waiting"] * _clamp(waiting_factor(need.created_at, now, 30)) / total
            need_side = need_sides[n] = (
                need.max_distance_m,
                need.accepted_category_ids,
                wanted_attributes(need.attributes),
                need.quantity_open > 0,
                urgency,
                waiting,
                round(urgency, 4),
                round(waiting, 4),
            )
        offer_side = offer_sides.get(o)
        if offer_side is None:
            offer = offers[o]
            fit = weight["fit"] * _clamp(_goods_fit(offer)) / total
            offer_side = offer_sides[o] = (
                offer.radius_m,
                offer.category_id,
                offered_attributes(offer.attributes),
                offer.quantity_open > 0,
                fit,
                round(fit, 4),
            )
        reach, accepted, wanted, need_open, urgency, waiting, urgency_r, waiting_r = need_side
        radius, category_id, offered, offer_open, fit, fit_r = offer_side
        # goods_reason: in reach, an accepted category, the attributes asked for, capacity.
        limit = min(reach, radius)
        if d > limit + _EPS or category_id not in accepted:
            continue
        if wanted and not all(offered.get(key) == value for key, value in wanted):
            continue
        if not (offer_open and need_open):
            continue
        distance = w_distance * _clamp(distance_factor(d, limit)) / total
        score = max(MIN_SCORE, min(1.0, distance + urgency + waiting + fit))
        breakdown = {
            "distance": round(distance, 4),
            "urgency": urgency_r,
            "waiting": waiting_r,
            "fit": fit_r,
        }
        edges.append(Edge(n, o, score, d, breakdown))
    return edges


def score_volunteer(
    shift: Shift,
    volunteer: Volunteer,
    distance_m: float,
    *,
    now: datetime,
    weights: Mapping[str, float],
    booked_hours_in_week: float = 0.0,
) -> tuple[float, dict[str, float]]:
    """Score of a feasible shift/volunteer pair.

    `fit` is the share of the volunteer's weekly hours still free after this shift, so that
    shifts go to people with time left rather than to the same few; `language` (only when
    the shift names languages) is the best level the volunteer has in one of them.
    """
    hours_until = (shift.start - now).total_seconds() / 3600.0
    hours = shift_hours(shift.start, shift.end)
    if volunteer.max_hours_per_week > 0:
        left = volunteer.max_hours_per_week - booked_hours_in_week - hours
        fit = _clamp(left / volunteer.max_hours_per_week)
    else:
        fit = 0.0
    values = {
        "distance": distance_factor(distance_m, volunteer_distance_limit(shift, volunteer)),
        "urgency": _ramp(hours_until, 24, 14 * 24),
        "waiting": waiting_factor(shift.created_at, now, 30),
        "fit": fit,
    }
    if shift.languages:
        values["language"] = max(
            (
                LANGUAGE_LEVEL.get(level.strip().casefold(), 0.0)
                for code, level in volunteer.languages.items()
                if code in shift.languages
            ),
            default=0.0,
        )
    return combine(values, weights)


def score_housing(
    household: Household,
    flat: Flat,
    distance_m: float,
    *,
    now: datetime,
    weights: Mapping[str, float],
) -> tuple[float, dict[str, float]]:
    """Score of a feasible household/flat pair.

    `fit` prefers flats the household fills (a family of five in a flat for five rather than
    a couple) and flats well below the household's rent ceiling.
    """
    occupancy = household.persons / flat.max_occupants if flat.max_occupants > 0 else 0.0
    ceiling = household.rent_ceiling
    cheapness = 1.0 - flat.warm_rent / ceiling if ceiling > 0 else 0.0
    values = {
        "distance": distance_factor(distance_m, household.max_distance_m),
        "urgency": _ramp((household.move_in_date - now.date()).days, 0, 60),
        "waiting": waiting_factor(household.created_at, now, 60),
        "fit": 0.7 * _clamp(occupancy) + 0.3 * _clamp(cheapness),
    }
    return combine(values, weights)
