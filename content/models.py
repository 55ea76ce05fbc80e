"""Information pages in a topic tree, and handouts for schools, Kitas and clubs.

Their words live in an `editorial.Text` (a source language, a version, translations that
record the version they were made from), so what is missing or outdated in a language is
computed, never typed. Both are `Kept`: someone confirms now and then that they are right.

A page's body is plain text in a very small markup (content/markup.py): a blank line starts
a paragraph, lines starting with "- " are list items. Editors never write HTML."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from editorial.models import Kept

SLUG_MAX_LENGTH = 80
TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 500


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Audience(models.TextChoices):
    SCHOOLS = "schools", _("Schools")
    KITAS = "kitas", _("Kitas")
    CLUBS = "clubs", _("Sports clubs")
    EVERYONE = "everyone", _("Everyone")


class Page(Kept):
    """One information page; pages without a parent are the topics ("Arriving", "Work" …)."""

    text = models.OneToOneField("editorial.Text", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("position", "slug")
        constraints = [
            # One slug per level: the path of slugs names a page. Top pages (no parent) too:
            # NULLs are not distinct here.
            models.UniqueConstraint(
                fields=["parent", "slug"], name="page_slug_per_parent", nulls_distinct=False
            ),
            # The smallest cycle; longer ones are refused by content.services under a lock.
            models.CheckConstraint(condition=~Q(parent=F("id")), name="page_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return self.slug


class Handout(Kept):
    """Information material to print and hand out, as a PDF in every content language."""

    text = models.OneToOneField("editorial.Text", on_delete=models.PROTECT, related_name="+")
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="handouts"
    )
    status = models.CharField(
        max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.slug
