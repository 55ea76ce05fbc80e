"""Why an open need stays unmet: the core's diagnosis over what PostGIS finds around the need.

Per kind, the adapter (`matching.kinds`) lists the unmet needs and checks every offer
(volunteer, flat) within a need's OWN search radius, of any category and whatever its
remaining capacity, against the hard constraints (`KindAdapter.diagnosis_checks`);
`matching.core.diagnostics.diagnose` then names the nearest miss and the adapter's sentences
explain it.

Capacity is taken as the engine sees it: a donation's `quantity_open`, a volunteer's shifts
held by live matches (`booked`), a flat with a live match has none left. An offer that
already holds a live match with this very need cannot get a second one for the same pair, so
it counts as fitting but reserved.

The searches are bounded (`DIAGNOSIS_CANDIDATES`, nearest first) and use the GiST index on
`approx_point`, the public point the engine matches on; nothing reads a whole table. Counts
and messages only: no offer's place, address or contact leaves this module.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from matching.core.diagnostics import FEASIBLE, Diagnosis, diagnose
from matching.core.types import Reason
from matching.kinds import GOODS, HOUSING, KINDS, VOLUNTEERS, KindAdapter
from matching.kinds.rows import need_radius_km
from volunteers.models import Shift, VolunteerNeed

__all__ = [
    "DIAGNOSIS_CANDIDATES",
    "KINDS",
    "NeedDiagnosis",
    "ShiftDiagnosis",
    "diagnose_goods_need",
    "diagnose_household",
    "diagnose_need",
    "diagnose_needs",
    "diagnose_shift",
    "explain",
    "open_need",
    "open_needs",
    "open_needs_with_diagnoses",
]

# How many offers around one need are checked, nearest first. Enough to say why a need in a
# dense city is unmet; a bound so that one request never walks a whole table.
DIAGNOSIS_CANDIDATES = 300


@dataclass(frozen=True)
class ShiftDiagnosis:
    """Why one open unit of a need is not filled: a shift of a volunteer need."""

    shift: Any
    diagnosis: Diagnosis
    message: str


@dataclass(frozen=True)
class NeedDiagnosis:
    """Why one open need is unmet, for a coordinator. For needs diagnosed per unit (the
    shifts of a volunteer need), `diagnosis` is that of the earliest open one (the most
    urgent) and `shifts` lists every one."""

    kind: str
    need: Model
    radius_km: float
    diagnosis: Diagnosis
    message: str
    shifts: tuple[ShiftDiagnosis, ...] = field(default=())


def _adapter(kind: str) -> KindAdapter:
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of help")
    return KINDS[kind]


def _km(value: float) -> str:
    return f"{value:g}"


def explain(kind: str, diagnosis: Diagnosis, *, radius_km: float) -> str:
    """The diagnosis as one sentence in the active language, with the count it rests on."""
    adapter = _adapter(kind)
    reason = diagnosis.reason
    if reason == Reason.NOTHING_IN_RANGE:
        return str(adapter.nothing_in_range % {"km": _km(radius_km)})
    if reason in (Reason.ALL_RESERVED, Reason.OUTSCORED):
        # Fitting items: those feasible and those failing only for capacity.
        n = diagnosis.counts.get(FEASIBLE, 0) + diagnosis.counts.get(Reason.ALL_RESERVED, 0)
    else:
        n = diagnosis.counts.get(str(reason), 0)
    return str(adapter.messages[reason] % {"n": n})


# --- open needs ---------------------------------------------------------------------------


def open_needs(kind: str, *, now: datetime | None = None) -> QuerySet:
    """Open needs of a kind, longest waiting first: matchable, placed, still with capacity
    (goods: something left to receive; volunteers: a future shift with a place left; housing:
    no live match for the household). A need that is not placed (its street is still being
    looked up) is not matched at all and is left out here.
    """
    needs = _adapter(kind).unmet_needs(now or timezone.now())
    return needs.select_related("organisation").order_by("created_at", "pk")


def open_need(kind: str, pk: int, *, now: datetime | None = None) -> Model | None:
    """One open need of a kind, or None if there is none such (unknown, closed, met)."""
    return open_needs(kind, now=now).filter(pk=pk).first()


# --- one need, a page of needs ------------------------------------------------------------


def diagnose_need(kind: str, need: Model, *, now: datetime | None = None) -> NeedDiagnosis:
    """The diagnosis of one open need with its sentence; for needs diagnosed per unit, per
    open shift (the need's own answer is that of its earliest open shift)."""
    adapter = _adapter(kind)
    now = now or timezone.now()
    radius = need_radius_km(need)
    per_unit = [
        (unit, diagnose(adapter.kind, checks))
        for unit, checks in adapter.diagnosis_checks(need, now, limit=DIAGNOSIS_CANDIDATES)
    ]
    if not adapter.diagnosed_per_unit:
        [(_, diagnosis)] = per_unit
        message = explain(kind, diagnosis, radius_km=radius)
        return NeedDiagnosis(kind, need, radius, diagnosis, message)
    shifts = tuple(
        ShiftDiagnosis(unit, d, explain(kind, d, radius_km=radius)) for unit, d in per_unit
    )
    if shifts:
        first = shifts[0]
        return NeedDiagnosis(kind, need, radius, first.diagnosis, first.message, shifts)
    # Every place was taken (or every shift began) since the need was listed as open.
    diagnosis = Diagnosis(reason=Reason.ALL_RESERVED, counts={}, in_range=0)
    return NeedDiagnosis(kind, need, radius, diagnosis, str(adapter.no_unit_left))


def open_needs_with_diagnoses(kind: str, *, limit: int, offset: int = 0) -> list[NeedDiagnosis]:
    """A page of open needs of a kind, longest waiting first, each with its diagnosis."""
    now = timezone.now()
    needs = open_needs(kind, now=now)[offset : offset + limit]
    return diagnose_needs(kind, needs, now=now)


def diagnose_needs(
    kind: str, needs: Iterable[Model], *, now: datetime | None = None
) -> list[NeedDiagnosis]:
    """Diagnoses of the given needs (one bounded search around each)."""
    now = now or timezone.now()
    return [diagnose_need(kind, need, now=now) for need in needs]


# --- one record of a kind, for callers that know it ---------------------------------------


def _diagnose_whole(adapter: KindAdapter, need: Model) -> Diagnosis:
    [(_, checks)] = adapter.diagnosis_checks(need, timezone.now(), limit=DIAGNOSIS_CANDIDATES)
    return diagnose(adapter.kind, checks)


def diagnose_goods_need(need: Model) -> Diagnosis:
    """Why a goods need is unmet, from the donation offers within its radius."""
    return _diagnose_whole(GOODS, need)


def diagnose_household(household: Model) -> Diagnosis:
    """Why a household has no flat, from the flats within its maximum distance."""
    return _diagnose_whole(HOUSING, household)


def diagnose_shift(shift: Shift, *, now: datetime | None = None) -> Diagnosis:
    """Why a shift of a volunteer need is not filled (also one that has begun), from the
    volunteers within the need's radius."""
    need: VolunteerNeed = shift.need
    [(_, checks)] = VOLUNTEERS.shift_checks(
        need, [shift], now or timezone.now(), limit=DIAGNOSIS_CANDIDATES
    )
    return diagnose(VOLUNTEERS.kind, checks)
