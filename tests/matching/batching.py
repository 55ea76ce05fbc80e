"""Running batches in tests the way the scheduler would: for every cell a record reaches."""

from matching.batches import BatchResult, run_batch
from matching.scheduling import cells_to_match


def run_for(*records) -> list[BatchResult]:
    """Run the batches the records' changes would schedule, each cell once."""
    cells = set()
    for record in records:
        kind, record_cells = cells_to_match(record)
        cells |= {(kind, cell) for cell in record_cells}
    return [run_batch(kind, cell) for kind, cell in sorted(cells)]


def created(results) -> list:
    return [match for result in results for match in result.created]
