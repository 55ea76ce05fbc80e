"""Refining a street address with the remote geocoder, in a task."""

from django.apps import apps
from django.db import transaction

from geo.models import GeocodeStatus
from geo.providers import geocode_remote
from geo.services import apply_refinement


def refine(model_label: str, record_id: int) -> str:
    from donations.models import owner_of
    from donations.services import request_matching
    from notifications.services import notify_geocoding_failed

    model = apps.get_model(model_label)
    record = model.objects.filter(pk=record_id).first()
    if record is None or record.geocode_status != GeocodeStatus.PENDING_REFINEMENT:
        return "nothing-to-do"
    # The network call happens outside the transaction so no row stays locked meanwhile.
    result = geocode_remote(record.address)
    with transaction.atomic():
        record = model.objects.select_for_update().filter(pk=record_id).first()
        if record is None or record.geocode_status != GeocodeStatus.PENDING_REFINEMENT:
            return "nothing-to-do"
        found = apply_refinement(record, result)
        record.save()
        if found:
            request_matching(record)
            return "refined"
        # The record stays unmatched until its owner corrects the address or moves the pin.
        notify_geocoding_failed(record, owner_of(record))
        return "not-found"
