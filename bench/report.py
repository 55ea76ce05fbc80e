"""Measuring helpers and the printed table of the benchmark."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100.0
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@dataclass
class Phase:
    """Wall time and the growth of the peak resident memory over one phase."""

    seconds: float = 0.0
    peak_mb: float = 0.0
    peak_growth_mb: float = 0.0


@contextmanager
def measured() -> Iterator[Phase]:
    phase = Phase()
    before = peak_rss_mb()
    start = time.perf_counter()
    try:
        yield phase
    finally:
        phase.seconds = time.perf_counter() - start
        phase.peak_mb = peak_rss_mb()
        phase.peak_growth_mb = phase.peak_mb - before


@dataclass
class Table:
    """Rows of (metric, value, goal, verdict), printed aligned under a title."""

    title: str
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, metric: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        self.rows.append((metric, value, goal, verdict))

    def render(self) -> str:
        header = ("metric", "value", "goal", "")
        rows = [header, *self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        line = "-+-".join("-" * w for w in widths)
        out = [f"== {self.title}", line]
        for i, row in enumerate(rows):
            out.append(" | ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
            if i == 0:
                out.append(line)
        return "\n".join(out)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s"
