"""How notifications hear of what happens below them (connected in `NotificationsConfig.ready`)."""

from notifications.services import notify_geocoding_failed


def tell_owner_place_not_found(sender, record, **kwargs) -> None:
    notify_geocoding_failed(record)
