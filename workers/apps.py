from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = "Background work"

    def ready(self) -> None:
        # The platform's gauges for /metrics and the timing of matching batches, once per
        # process (web and worker alike).
        from workers import metrics

        metrics.register()
