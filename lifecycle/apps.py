from django.apps import AppConfig

from geo.signals import location_refined
from lifecycle import receivers


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = "Lifecycle of needs and offers"

    def ready(self) -> None:
        location_refined.connect(receivers.match_once_placed, dispatch_uid="lifecycle")
