"""Geocoding's task: thin, idempotent, ids only."""

from celery import shared_task

from base.retry import RETRY
from geo.providers import RemoteGeocoderUnavailable
from geo.refinement import refine


@shared_task(acks_late=True, autoretry_for=(RemoteGeocoderUnavailable,), **RETRY)
def refine_location(model_label: str, record_id: int) -> str:
    """Place a street address with the remote geocoder (rate-limited across workers)."""
    return refine(model_label, record_id)
