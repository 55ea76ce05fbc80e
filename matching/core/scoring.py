"""Explainable scores for feasible pairs.

A score is a weighted mean of factor values in [0, 1]; its breakdown gives each factor's
points (weight · value / total weight) so a coordinator sees why one offer ranks above another.
Only factors that apply to a kind take part in the mean: `language` counts only for shifts that
name languages. Scores are floored at `MIN_SCORE` because the allocators treat an edge's
score as its positive value.
"""

from collections.abc import Mapping
from datetime import datetime

from .constraints import (
    goods_distance_limit,
    shift_hours,
    volunteer_distance_limit,
)
from .types import Flat, GoodsNeed, GoodsOffer, Household, Shift, Volunteer

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


def score_goods(
    need: GoodsNeed,
    offer: GoodsOffer,
    distance_m: float,
    *,
    now: datetime,
    weights: Mapping[str, float],
) -> tuple[float, dict[str, float]]:
    """Score of a feasible goods pair: distance, deadline urgency, waiting time, condition."""
    if need.deadline is None:
        urgency = NO_DEADLINE_URGENCY
    else:
        urgency = _ramp((need.deadline - now.date()).days, 2, 30)
    values = {
        "distance": distance_factor(distance_m, goods_distance_limit(need, offer)),
        "urgency": urgency,
        "waiting": waiting_factor(need.created_at, now, 30),
        "fit": CONDITION_FIT.get(offer.condition.strip().casefold(), UNKNOWN_CONDITION_FIT),
    }
    return combine(values, weights)


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
