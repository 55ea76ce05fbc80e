from django.apps import AppConfig

from lifecycle.signals import matching_requested, record_closed


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Receivers use models, so they are imported once the app registry is ready.
        from matching import notices, receivers
        from notifications.rendering import add_context_provider

        matching_requested.connect(receivers.match_when_requested, dispatch_uid="matching")
        record_closed.connect(receivers.release_when_closed, dispatch_uid="matching")
        add_context_provider(notices.counterpart_context)
