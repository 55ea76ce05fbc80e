from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Providers' public profiles and their services: topics, languages, hours, place."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = "Directory of services and providers"
