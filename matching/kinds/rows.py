"""Rows as every adapter reads and writes them: which records may be matched, how they are
locked, which matches hold them, and how a record goes back to open.

Locks: a batch takes every row with SKIP LOCKED and never waits (`lock`), so two batches
cannot deadlock and a row another transaction holds is left to it. Outside a batch (a match
ends, a coordinator matches by hand) the record is locked and waited for (`lock_row`,
`relock`): the order is the record, then its matches, then the other side.
"""

from django.conf import settings
from django.db.models import F, Model, QuerySet, Value
from django.db.models.functions import Coalesce

from geo.models import PLACED_STATUSES
from lifecycle.models import LifecycleModel
from lifecycle.services import status_after
from lifecycle.states import MATCHABLE_STATUSES
from matching.models import ACTIVE_STATES, Match


def matchable(queryset: QuerySet) -> QuerySet:
    """Records the engine may match: open or partly matched, and placed well enough."""
    return queryset.filter(status__in=MATCHABLE_STATUSES, geocode_status__in=PLACED_STATUSES)


def lock(queryset: QuerySet) -> QuerySet:
    """Rows no other transaction holds, locked for this one; shared rows joined for reading
    (categories, users, organisations) are not locked."""
    return queryset.select_for_update(skip_locked=True, of=("self",))


def lock_row(model: type[Model], pk: int) -> Model | None:
    """The row, locked (waiting for it), or None if it is gone."""
    return model.objects.select_for_update(of=("self",)).filter(pk=pk).first()


def relock(record: Model) -> Model:
    """A fresh copy of `record`, locked (waiting for it)."""
    return type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)


def live_matches(**fields) -> QuerySet[Match]:
    """Matches that hold capacity (proposed, approved, offered, accepted)."""
    return Match.objects.filter(state__in=ACTIVE_STATES, **fields)


def need_radius_m():
    """Each need's own search radius in metres (an expression), with the default where it
    sets none."""
    return Coalesce(F("max_distance_km"), Value(settings.DEFAULT_NEED_MAX_DISTANCE_KM)) * 1000.0


def need_radius_km(need: Model) -> float:
    """A need's own search radius, with the default where it sets none."""
    km = getattr(need, "max_distance_km", None)
    return float(km if km is not None else settings.DEFAULT_NEED_MAX_DISTANCE_KM)


def reopen(record: LifecycleModel | None, *, holds: bool) -> None:
    """Back to open (or partly matched while something still holds it) and ask for matching
    again; a record that closed meanwhile is left as it is. The caller holds its lock."""
    if record is None or record.status not in MATCHABLE_STATUSES:
        return
    status_after(record, holds=holds)
    record.needs_matching = True
    record.save(update_fields=["status", "needs_matching", "updated_at"])
    record.request_matching()
