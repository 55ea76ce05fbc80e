"""How notifications hear of what happens below them (connected in `NotificationsConfig.ready`)."""

from notifications.reviews import tell_coordinators_of_waiting_review, tell_organisation_of_approval
from notifications.services import notify_geocoding_failed


def tell_owner_place_not_found(sender, record, **kwargs) -> None:
    notify_geocoding_failed(record)


def tell_coordinators_something_waits(sender, record, **kwargs) -> None:
    tell_coordinators_of_waiting_review()


def tell_keepers_it_was_approved(sender, record, **kwargs) -> None:
    tell_organisation_of_approval(record)
