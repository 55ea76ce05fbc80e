"""One matching batch: the open needs of one cell, allocated together against every offer in
their reach, for one kind of help.

Order of work in one transaction:
1. lock the cell's open needs (SKIP LOCKED: a need another batch holds is left to it);
2. fetch candidates from PostGIS (`matching.candidates`);
3. lock the candidate offers (SKIP LOCKED again) and read their capacity under the lock: what
   another batch or a match in flight holds is never offered twice, and a batch never waits
   for another, so two batches cannot deadlock;
4. build feasible, scored edges with the core and allocate globally (min-cost flow for goods,
   flow plus an exact CP-SAT model for shifts, an assignment for flats);
5. write the matches and the capacities they hold, then clear the flags of what was seen.

Proposals nobody has seen yet (`proposed`: not approved, not offered) may be revised: those of
the cell's needs, and those of needs in other cells on offers (or volunteers) within the
cell's reach, whose needs then join the batch. The batch also allocates as if they were free
and takes that answer instead of keeping them when it serves more needs.

One module per kind (`goods`, `volunteers`, `housing`); what they share is in `common`.
"""

from collections.abc import Callable

from matching.areas import Cell
from matching.batches.common import BatchResult, log
from matching.batches.goods import run_goods_batch
from matching.batches.housing import run_housing_batch
from matching.batches.volunteers import run_volunteer_batch

__all__ = [
    "BatchResult",
    "run_batch",
    "run_goods_batch",
    "run_housing_batch",
    "run_volunteer_batch",
]

RUNNERS: dict[str, Callable[[Cell], BatchResult]] = {
    "goods": run_goods_batch,
    "volunteers": run_volunteer_batch,
    "housing": run_housing_batch,
}


def run_batch(kind: str, cell: Cell) -> BatchResult:
    from matching.scheduling import release_cell

    release_cell(kind, cell)
    from matching.workflow import auto_approve

    result = RUNNERS[kind](cell)
    # After the batch committed; a worker that dies here leaves proposals that the periodic
    # `advance_matches` approves instead.
    auto_approve([match.pk for match in result.created])
    log.info("matching batch %s", result.as_dict())
    return result
