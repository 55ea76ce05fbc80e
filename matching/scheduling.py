"""When matching runs: a change schedules its area after commit, debounced per area.

The first change in a cell enqueues one batch for that cell with a countdown of
MATCHING_DEBOUNCE_SECONDS; further changes in the same cell meanwhile enqueue nothing
(`matching.debounce`), so a burst (an import, a busy morning) is allocated together. Redis is
only the fast path: every cell a change must reach is owed in the database with the change
(`matching.owed`) until a batch of that cell has started, the record's `needs_matching` flag
stays set until a batch of its own cell has run, and the sweep enqueues what is still owed or
flagged when a message was lost.
"""

import logging

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from matching import tasks
from matching.areas import Cell, cell_of, cells_of_needs_within, cells_of_queryset
from matching.debounce import claim_cell, release_cell
from matching.kinds import KINDS, kind_of, open_needs
from matching.owed import owe, owed_before

log = logging.getLogger(__name__)


def cells_to_match(record) -> tuple[str, set[Cell]]:
    """The kind and the cells whose batches should see `record`: a need's own cell; for an
    offer, its own cell and the cells of the open needs it could reach."""
    adapter, side = kind_of(type(record))
    if record.approx_point is None:
        return adapter.kind, set()
    if side == "need":
        return adapter.kind, {cell_of(record.approx_point)}
    needs = adapter.needs_reaching(record)
    cells = cells_of_needs_within(needs, record.approx_point, adapter.reach_m(record))
    # Its own cell too, whose batch clears its flag even when no need is in reach.
    return adapter.kind, cells | {cell_of(record.approx_point)}


def schedule_cell(kind: str, cell: Cell) -> bool:
    """Owe the cell a batch and enqueue one unless one is already waiting. True if enqueued."""
    owe(kind, [cell])
    return enqueue_cell(kind, cell)


def enqueue_cell(kind: str, cell: Cell) -> bool:
    """Enqueue one batch for an owed cell unless one is already waiting. True if enqueued."""
    if not claim_cell(kind, cell):
        return False
    try:
        tasks.match_area.apply_async((kind, cell), countdown=settings.MATCHING_DEBOUNCE_SECONDS)
    except BrokerError:
        # The change is saved and flagged; the sweep schedules it once the broker is back.
        # Nobody should get an error for a record that was saved.
        log.warning("could not enqueue a batch of %s %s", kind, cell, exc_info=True)
        release_cell(kind, cell)
        return False
    return True


def schedule_record(record) -> None:
    """Owe the cells that should see `record` in the current transaction, so that they are
    owed exactly when the change is committed; enqueue their batches after commit."""
    kind, cells = cells_to_match(record)
    owe(kind, cells)

    def enqueue() -> None:
        for cell in sorted(cells):
            enqueue_cell(kind, cell)

    transaction.on_commit(enqueue)


def schedule_everything() -> int:
    """A batch for every cell that holds open needs, for every kind; the number enqueued."""
    enqueued = 0
    for kind, info in KINDS.items():
        for cell in sorted(cells_of_queryset(open_needs(info))):
            enqueued += schedule_cell(kind, cell)
    return enqueued


def schedule_flagged(record_ids_by_model) -> int:
    """Schedule the cells of records still flagged for matching (the sweep's path)."""
    cells: set[tuple[str, Cell]] = set()
    for model, ids in record_ids_by_model.items():
        for record in model.objects.filter(pk__in=list(ids)):
            kind, record_cells = cells_to_match(record)
            cells |= {(kind, cell) for cell in record_cells}
    return sum(schedule_cell(kind, cell) for kind, cell in sorted(cells))


def schedule_owed(before) -> int:
    """Enqueue the cells owed since before `before` (the sweep's path: their task was lost, or
    its worker died holding it). A cell whose debounce key is still held waits for the next
    sweep; the key expires on its own."""
    return sum(enqueue_cell(kind, cell) for kind, cell in owed_before(before))
