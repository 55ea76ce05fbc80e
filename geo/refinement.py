"""Refining a street address with the remote geocoder, in a task."""

from django.apps import apps
from django.db import transaction

from geo.models import GeocodeStatus
from geo.providers import geocode_remote
from geo.services import apply_refinement
from geo.signals import location_not_found, location_refined


def refine(model_label: str, record_id: int) -> str:
    model = apps.get_model(model_label)
    record = model.objects.filter(pk=record_id).first()
    if record is None or record.geocode_status != GeocodeStatus.PENDING_REFINEMENT:
        return "nothing-to-do"
    # The network call happens outside the transaction so no row stays locked meanwhile.
    queried = record.address
    result = geocode_remote(queried)
    with transaction.atomic():
        record = model.objects.select_for_update(of=("self",)).filter(pk=record_id).first()
        if record is None or record.geocode_status != GeocodeStatus.PENDING_REFINEMENT:
            return "nothing-to-do"
        if record.address != queried:
            # The owner changed the address meanwhile; that change enqueued its own refinement.
            return "superseded"
        found = apply_refinement(record, result)
        record.save()
        if found:
            location_refined.send(sender=model, record=record)
            return "refined"
        # The record stays unmatched until its owner corrects the address or moves the pin.
        location_not_found.send(sender=model, record=record)
        return "not-found"
