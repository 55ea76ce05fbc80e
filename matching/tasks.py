"""Matching's tasks: thin, idempotent, ids only. Each calls one service.

The periodic full run that schedules every area is in `workers.tasks`, beside the sweep.
"""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from base.retry import RETRY
from matching import batches, reminders
from matching.debounce import claim_cell
from matching.owed import owe


# A lost connection or a deadlock victim is worth another try; the dirty flag and the sweep
# cover whatever still fails after the last one.
@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def match_area(kind: str, cell: str) -> dict:
    """One batch: the open needs of one cell of one kind, allocated together."""
    result = batches.run_batch(kind, cell)
    # An offer that a change or another batch held is free again soon: try the cell once more
    # after the debounce rather than leaving the need to the sweep minutes later.
    if result.waiting:
        owe(kind, [cell])
        if claim_cell(kind, cell):
            match_area.apply_async((kind, cell), countdown=settings.MATCHING_DEBOUNCE_SECONDS)
    return result.as_dict()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def advance_matches() -> dict:
    """Auto-approval left over, reminders, expiry of unanswered offers, handover questions."""
    return reminders.advance_due()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def check_offers_still_available() -> dict:
    """Daily: old open offers are asked whether they still stand; silent ones withdrawn."""
    return reminders.check_offers_still_available()
