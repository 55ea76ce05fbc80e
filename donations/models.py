from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geo.models import PlacedModel


class Status(models.TextChoices):
    """One lifecycle for every need and offer."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PARTLY_MATCHED = "partly_matched", _("Partly matched")
    FULFILLED = "fulfilled", _("Fulfilled")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


MATCHABLE_STATUSES = (Status.OPEN, Status.PARTLY_MATCHED)


class Category(models.Model):
    """A node of the shared goods taxonomy, addressed by its path, e.g. clothing/winter-jacket."""

    slug = models.SlugField(max_length=120, unique=True, allow_unicode=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_de = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    name_uk = models.CharField(max_length=120, blank=True)
    name_ar = models.CharField(max_length=120, blank=True)
    # Attributes that matter for this category, e.g. ["size"] for clothing.
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.slug

    def name(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class GoodsBase(PlacedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    attributes = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    quantity_open = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # Dirty flag: set in the transaction that creates or changes the record, cleared by the
    # matching task. The periodic sweep re-enqueues whatever still carries it, so a broker that
    # lost its queue loses nothing.
    needs_matching = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.title} ({self.quantity_open}/{self.quantity})"


class GoodsNeed(GoodsBase):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="goods_needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="goods_needs"
    )
    deadline = models.DateField(null=True, blank=True)
    max_distance_km = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(200)]
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="goodsneed_dirty_idx",
                condition=Q(needs_matching=True),
            )
        ]


class Condition(models.TextChoices):
    NEW = "new", _("New")
    LIKE_NEW = "like_new", _("Like new")
    GOOD = "good", _("Good")
    USED = "used", _("Used")


class DonationOffer(GoodsBase):
    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="donation_offers"
    )
    condition = models.CharField(max_length=16, choices=Condition.choices, default=Condition.GOOD)
    delivery_radius_km = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.1), MaxValueValidator(200)]
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="donationoffer_dirty_idx",
                condition=Q(needs_matching=True),
            )
        ]


def owner_of(record: GoodsNeed | DonationOffer):
    """The person who answers for a record and receives its notifications."""
    return record.created_by if isinstance(record, GoodsNeed) else record.donor
