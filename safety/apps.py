from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = "Safety: reports and suspensions"

    def ready(self) -> None:
        # Connected here, where Django wants receivers (README, "Upward news").
        from accounts.signals import checks_changed
        from notifications.rendering import add_context_provider
        from safety import emails, receivers

        checks_changed.connect(receivers.match_again_after_checks, dispatch_uid="safety.checks")
        add_context_provider(emails.email_context)
