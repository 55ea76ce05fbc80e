from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geo.models import PlacedModel
from lifecycle.models import LifecycleModel
from lifecycle.states import MATCHABLE_STATUSES, Status

# The lifecycle is shared by every kind of need and offer; re-exported for the goods code.
__all__ = ["MATCHABLE_STATUSES", "Status"]


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


class GoodsBase(PlacedModel, LifecycleModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    attributes = models.JSONField(default=dict, blank=True)
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    quantity_open = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def request_matching(self) -> None:
        from donations.services import request_matching

        request_matching(self)

    def __str__(self) -> str:
        return f"{self.title} ({self.quantity_open}/{self.quantity})"


class GoodsNeed(GoodsBase):
    ORGANISATION_FIELD = "organisation"

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

    @classmethod
    def expiry_q(cls, today) -> Q:
        return Q(deadline__lt=today)


class Condition(models.TextChoices):
    NEW = "new", _("New")
    LIKE_NEW = "like_new", _("Like new")
    GOOD = "good", _("Good")
    USED = "used", _("Used")


class DonationOffer(GoodsBase):
    OWNER_FIELD = "donor"

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
