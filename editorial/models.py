"""A translatable text with an honest status per language, and what keeps records current.

A `Text` is one bundle of named fields (a title, a summary, a body …) written first in its
source language. Every change of the source raises its `version`. A `Translation` records the
source version it was made from, so "outdated" is computed (its version is behind), never typed
by hand. The source itself is stored as the translation in the source language, always at the
current version. Each translation keeps a search vector in its own language's configuration.

`Kept` is the part of a directory entry, event series or page that says who keeps it and when
it was last confirmed to be right: what is not confirmed in time is listed as overdue."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Text(models.Model):
    source_language = models.CharField(max_length=10)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(version__gte=1), name="text_version_positive")
        ]

    def __str__(self) -> str:
        return f"Text {self.pk} ({self.source_language}, v{self.version})"


class Translation(models.Model):
    text = models.ForeignKey(Text, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    fields = models.JSONField(default=dict)
    source_version = models.PositiveIntegerField()
    search_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["text", "language"], name="one_translation_per_language"
            )
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="translation_search"),
            models.Index(fields=["language", "text"], name="translation_language"),
        ]

    def __str__(self) -> str:
        return f"{self.text_id}/{self.language} (from v{self.source_version})"


class TranslationStatus(models.TextChoices):
    SOURCE = "source", _("Source text")
    CURRENT = "current", _("Up to date")
    OUTDATED = "outdated", _("Outdated")
    MISSING = "missing", _("Missing")


class Kept(models.Model):
    """Who keeps a record current and when it was last confirmed to be right."""

    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    last_confirmed_on = models.DateField()
    last_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the keeper was last asked to confirm, so that they are asked once per period.
    confirm_asked_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
