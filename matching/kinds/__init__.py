"""The kinds of help the engine matches: one adapter each (`base.KindAdapter`), registered
here. A new kind is a new adapter module plus its models and pages; the engine (batches,
scheduling, diagnostics, services) asks `KINDS` and the adapter, never the kind's name."""

from django.db.models import QuerySet

from matching.kinds.base import KindAdapter
from matching.kinds.goods import GoodsAdapter
from matching.kinds.housing import HousingAdapter
from matching.kinds.jobs import JobsAdapter
from matching.kinds.rows import matchable
from matching.kinds.volunteers import VolunteersAdapter

__all__ = [
    "GOODS",
    "HOUSING",
    "JOBS",
    "KINDS",
    "VOLUNTEERS",
    "KindAdapter",
    "find_kind",
    "kind_of",
    "matchable",
    "open_needs",
]

GOODS = GoodsAdapter()
VOLUNTEERS = VolunteersAdapter()
HOUSING = HousingAdapter()
JOBS = JobsAdapter()
KINDS: dict[str, KindAdapter] = {
    adapter.kind: adapter for adapter in (GOODS, VOLUNTEERS, HOUSING, JOBS)
}


def find_kind(model: type) -> tuple[KindAdapter, str] | None:
    """(adapter, "need" or "offer") for a model the engine matches; None for any other."""
    for adapter in KINDS.values():
        if issubclass(model, adapter.need_model):
            return adapter, "need"
        if issubclass(model, adapter.offer_model):
            return adapter, "offer"
    return None


def kind_of(model: type) -> tuple[KindAdapter, str]:
    """(adapter, "need" or "offer") for a model the engine matches; KeyError otherwise."""
    found = find_kind(model)
    if found is None:
        raise KeyError(model.__name__)
    return found


def open_needs(adapter: KindAdapter) -> QuerySet:
    """The needs of a kind the engine may match (placed, open or partly matched)."""
    return matchable(adapter.need_model.objects)
