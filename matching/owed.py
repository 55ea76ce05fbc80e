"""The durable record of which batches are owed (`OwedBatch`), beside Redis's fast path.

Rows are only inserted and deleted, never updated, so a change never waits for a batch: a
batch deletes the rows of its cell that were committed before it started and skips rows that a
concurrent batch of the same cell is deleting (that batch sees the same changes).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Min

from matching.areas import Cell
from matching.models import OwedBatch


def owe(kind: str, cells: Iterable[Cell]) -> None:
    """Record that the batches of these cells must run (in the caller's transaction)."""
    OwedBatch.objects.bulk_create([OwedBatch(kind=kind, cell=cell) for cell in sorted(cells)])


def settle(kind: str, cell: Cell) -> int:
    """Called first in a batch's transaction: every change committed before this statement
    is visible to the batch's later statements, so what it owed is paid. Rolled back with the
    batch if the batch fails."""
    table = OwedBatch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {table} WHERE id IN (
                    SELECT id FROM {table} WHERE kind = %s AND cell = %s
                    FOR UPDATE SKIP LOCKED)""",
            [kind, cell],
        )
        return cursor.rowcount


def owed_before(moment: datetime) -> list[tuple[str, Cell]]:
    """The (kind, cell) pairs owed since before `moment`: the sweep enqueues them again."""
    rows = (
        OwedBatch.objects.filter(created_at__lt=moment)
        .order_by("kind", "cell")
        .values_list("kind", "cell")
        .distinct()
    )
    return list(rows)


def oldest_owed() -> datetime | None:
    return OwedBatch.objects.aggregate(oldest=Min("created_at"))["oldest"]
