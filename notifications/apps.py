from django.apps import AppConfig

from directory import signals as directory_signals
from events import signals as event_signals
from geo.signals import location_not_found


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Receivers use models, so they are imported once the app registry is ready.
        from notifications import receivers

        location_not_found.connect(receivers.tell_owner_place_not_found, dispatch_uid="notify")
        for signals in (event_signals, directory_signals):
            signals.submitted_for_review.connect(
                receivers.tell_coordinators_something_waits, dispatch_uid="notify"
            )
            signals.review_approved.connect(
                receivers.tell_keepers_it_was_approved, dispatch_uid="notify"
            )
