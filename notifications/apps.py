from django.apps import AppConfig

from geo.signals import location_not_found


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Receivers use models, so they are imported once the app registry is ready.
        from notifications import receivers

        location_not_found.connect(receivers.tell_owner_place_not_found, dispatch_uid="notify")
