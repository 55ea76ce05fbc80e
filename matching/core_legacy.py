"""The matching core: plain Python over plain data, no database.

The ORM adapter (matching.services) fetches candidates with PostGIS and hands them here as
`Candidate` values; this module filters by hard constraints, scores and allocates.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    """A need that an offer could serve (or the other way round)."""

    need_id: int
    offer_id: int
    distance_m: float
    need_open: int
    offer_open: int
    need_attributes: Mapping[str, object] = field(default_factory=dict)
    offer_attributes: Mapping[str, object] = field(default_factory=dict)
    max_distance_m: float = float("inf")


@dataclass(frozen=True)
class Allocation:
    need_id: int
    offer_id: int
    quantity: int
    distance_m: float
    score: float
    breakdown: dict[str, float]


def attributes_fit(need: Mapping[str, object], offer: Mapping[str, object]) -> bool:
    """Every attribute the need asks for (size, age …) must be what the offer has."""
    return all(
        str(offer.get(key, "")).strip().casefold() == str(value).strip().casefold()
        for key, value in need.items()
        if value not in (None, "")
    )


def is_feasible(candidate: Candidate) -> bool:
    return (
        candidate.need_open > 0
        and candidate.offer_open > 0
        and candidate.distance_m <= candidate.max_distance_m
        and attributes_fit(candidate.need_attributes, candidate.offer_attributes)
    )


def score(candidate: Candidate) -> tuple[float, dict[str, float]]:
    """A score in [0, 1] with its breakdown; closer is better."""
    limit = candidate.max_distance_m if candidate.max_distance_m != float("inf") else 50_000.0
    distance = max(0.0, 1.0 - candidate.distance_m / limit)
    return round(distance, 4), {"distance": round(distance, 4)}


def allocate_greedy(candidates: Iterable[Candidate]) -> list[Allocation]:
    """Best score first; each side's open quantity is never exceeded."""
    scored = [(c, *score(c)) for c in candidates if is_feasible(c)]
    scored.sort(key=lambda item: (-item[1], item[0].distance_m, item[0].need_id, item[0].offer_id))
    need_left: dict[int, int] = {}
    offer_left: dict[int, int] = {}
    allocations = []
    for cand, value, breakdown in scored:
        need_left.setdefault(cand.need_id, cand.need_open)
        offer_left.setdefault(cand.offer_id, cand.offer_open)
        qty = min(need_left[cand.need_id], offer_left[cand.offer_id])
        if qty <= 0:
            continue
        need_left[cand.need_id] -= qty
        offer_left[cand.offer_id] -= qty
        allocations.append(
            Allocation(cand.need_id, cand.offer_id, qty, cand.distance_m, value, breakdown)
        )
    return allocations
