"""Why a need stays unmet, from the offers around it.

The adapter checks every offer (volunteer, flat) within the need's own search radius, of any
category, and hands over each pair's failing reason and free capacity. The diagnosis names the
nearest miss: if nothing fits, the reason that comes latest in the kind's check order among
those seen (a coat of the wrong size is closer than a chair); if something fits, whether it is
all held by matches or went to needs with a better score.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .constraints import CHECK_ORDER
from .types import Kind, Reason

FEASIBLE = "feasible"


@dataclass(frozen=True)
class Diagnosis:
    reason: Reason
    counts: dict[str, int]  # reason code (or "feasible") -> number of items in range
    in_range: int


def diagnose(kind: Kind, checks: Iterable[tuple[Reason | None, int]]) -> Diagnosis:
    """The main reason a need is unmet, given (reason or None, free capacity) per item in range.

    A pair that failed with ALL_RESERVED fits but for capacity, so it counts like a feasible
    item without free capacity.
    """
    order = CHECK_ORDER[Kind(kind)]
    rank = {reason: i for i, reason in enumerate(order)}
    counts: dict[str, int] = {}
    in_range = 0
    feasible_free = False
    feasible_held = False
    nearest: Reason | None = None
    for reason, free in checks:
        in_range += 1
        key = FEASIBLE if reason is None else str(reason.value)
        counts[key] = counts.get(key, 0) + 1
        if reason is None:
            if free > 0:
                feasible_free = True
            else:
                feasible_held = True
        elif reason == Reason.ALL_RESERVED:
            feasible_held = True
        elif nearest is None or rank.get(reason, -1) > rank.get(nearest, -1):
            nearest = reason
    if in_range == 0:
        result = Reason.NOTHING_IN_RANGE
    elif feasible_free:
        result = Reason.OUTSCORED
    elif feasible_held:
        result = Reason.ALL_RESERVED
    else:
        assert nearest is not None
        result = nearest
    return Diagnosis(reason=result, counts=counts, in_range=in_range)
