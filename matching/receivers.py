"""How matching hears of what happens below it (connected in `MatchingConfig.ready`)."""

from django.db import transaction

from geo.models import GeocodeStatus
from geo.tasks import refine_location
from matching import scheduling, services


def match_when_requested(sender, record, **kwargs) -> None:
    """A record wants matching: schedule its area after commit. A street address still
    waiting for the remote geocoder is refined first; refinement asks again when done."""
    if getattr(record, "geocode_status", None) == GeocodeStatus.PENDING_REFINEMENT:
        label, pk = record._meta.label_lower, record.pk
        transaction.on_commit(lambda: refine_location.delay(label, pk))
        return
    scheduling.schedule_record(record)


def release_when_closed(sender, record, actor=None, reason: str = "", **kwargs) -> None:
    """A record closed: its live matches are cancelled in the same transaction, and what they
    held goes back to the other side, which is matched again."""
    services.release_matches_of(record, actor=actor, reason=reason)
