from django.apps import AppConfig

from base.signals import personal_data_shown


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy: export, erasure, retention, audit"

    def ready(self) -> None:
        # Receivers use models, so they are imported once the app registry is ready.
        from privacy import receivers

        personal_data_shown.connect(receivers.keep_audit, dispatch_uid="privacy-audit")
