from datetime import date, datetime, time

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, F, Func, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geo.models import GeocodeStatus, PlacedModel
from geo.privacy import AtLeastOneGridCell
from lifecycle.models import AvailabilityCheckedOffer, LifecycleModel
from lifecycle.states import MATCHABLE_STATUSES, Status

# The lifecycle is shared by every kind of need and offer; re-exported for the goods code.
__all__ = ["MATCHABLE_STATUSES", "Status"]

# Dates before this are typing mistakes (1900 from a spreadsheet, 0202 for 2020), not plans.
EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_DATE_MESSAGE = _("Check the year: dates before 2000 are not accepted.")

# Rows the matching engine may pair: open for matching and placed on the map. The candidate
# indexes are partial on this, so a search walks only rows it can use; matching.candidates
# repeats the same predicate literally, or PostgreSQL cannot prove that the index applies.
_MATCHABLE_PLACED = Q(status__in=MATCHABLE_STATUSES) & Q(
    geocode_status__in=[GeocodeStatus.PLACED, GeocodeStatus.REFINED]
)
# The public point on the Mercator plane, as the candidate indexes hold it (migration 0007).
_KNN_PLANE = Func(
    F("approx_point"), function="donations_knn_plane", output_field=models.PointField(srid=4326)
)


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
    # The values each attribute may take, e.g. {"size": ["XS", …, "176"]}; an attribute that
    # is not named here takes any value. Kept in sync with the file by donations.taxonomy.
    allowed_values = models.JSONField(default=dict, blank=True)

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
    deadline = models.DateField(
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_DATE, message=EARLIEST_DATE_MESSAGE)],
    )
    max_distance_km = models.FloatField(
        null=True, blank=True, validators=[AtLeastOneGridCell(), MaxValueValidator(200)]
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="goodsneed_dirty_idx",
                condition=Q(needs_matching=True),
            ),
            # Needs of one category nearest to an offer: category and place in one GiST
            # (btree_gist), so the walk by distance never visits other categories.
            GistIndex(
                fields=["category", "approx_point"],
                name="goodsneed_cat_approx_gist",
                condition=_MATCHABLE_PLACED & Q(quantity_open__gt=0),
            ),
        ]

    @classmethod
    def expiry_q(cls, today) -> Q:
        return Q(deadline__lt=today)


class Condition(models.TextChoices):
    NEW = "new", _("New")
    LIKE_NEW = "like_new", _("Like new")
    GOOD = "good", _("Good")
    USED = "used", _("Used")


class DonationOffer(AvailabilityCheckedOffer, GoodsBase):
    OWNER_FIELD = "donor"

    donor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="donation_offers"
    )
    condition = models.CharField(max_length=16, choices=Condition.choices, default=Condition.GOOD)
    delivery_radius_km = models.FloatField(
        null=True, blank=True, validators=[AtLeastOneGridCell(), MaxValueValidator(200)]
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="donationoffer_dirty_idx",
                condition=Q(needs_matching=True),
            ),
            # The candidate search (matching.candidates): offers of one category nearest to a
            # need, only those that can still give something. The place is indexed as a 2-D
            # point on the Mercator plane (`donations_knn_plane`, migration 0007), not as
            # geography: the planar tree stays tighter as it grows (p95 at a million offers
            # 1.2 -> 0.7 ms, bench/README.md), and the search keeps results exact by checking
            # the walk against true distances. Public points only (matching.candidates).
            GistIndex(
                F("category"),
                _KNN_PLANE,
                name="donationoffer_cat_approx_gist",
                condition=_MATCHABLE_PLACED & Q(quantity_open__gt=0),
            ),
            # The same, with the offers that proposals hold all of: a batch searches as if
            # the unseen proposals it may revise were free (matching.batches._search). Half
            # of a dense city's offers may be held so; the index above stays without them.
            GistIndex(
                F("category"),
                _KNN_PLANE,
                name="donationoffer_held_gist",
                condition=_MATCHABLE_PLACED,
            ),
        ]

    @classmethod
    def expiry_q(cls, today) -> Q:
        """Open offers whose pickup windows have all ended before `today` began (in the
        platform's time zone). An offer without windows can be picked up any time and does
        not expire by date."""
        start_of_today = timezone.make_aware(datetime.combine(today, time.min))
        windows = PickupWindow.objects.filter(offer=OuterRef("pk"))
        return Q(Exists(windows)) & ~Q(Exists(windows.filter(end__gte=start_of_today)))

    def export_data(self) -> dict:
        data = super().export_data()
        data["pickup_windows"] = [
            {"start": window.start.isoformat(), "end": window.end.isoformat()}
            for window in self.pickup_windows.all()
        ]
        return data


class PickupWindow(models.Model):
    """A time in which the donor can hand the goods over; an offer has none or several."""

    offer = models.ForeignKey(
        DonationOffer, on_delete=models.CASCADE, related_name="pickup_windows"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="pickupwindow_end_after_start"
            )
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
