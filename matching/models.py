from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MatchState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# States in which a match holds (reserves) capacity on both sides.
ACTIVE_STATES = (
    MatchState.PROPOSED,
    MatchState.APPROVED,
    MatchState.OFFERED,
    MatchState.ACCEPTED,
)


class Match(models.Model):
    """One offer serving one need with a quantity, a score with its breakdown and a state."""

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GOODS)
    donation_offer = models.ForeignKey(
        "donations.DonationOffer", on_delete=models.PROTECT, related_name="matches"
    )
    goods_need = models.ForeignKey(
        "donations.GoodsNeed", on_delete=models.PROTECT, related_name="matches"
    )
    quantity = models.PositiveIntegerField()
    distance_m = models.FloatField()
    score = models.FloatField()
    score_breakdown = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=MatchState.choices, default=MatchState.PROPOSED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "matches"
        constraints = [
            # One live match per pair: a task that runs twice cannot write a second one.
            models.UniqueConstraint(
                fields=["donation_offer", "goods_need"],
                condition=Q(state__in=["proposed", "approved", "offered", "accepted"]),
                name="one_active_match_per_pair",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="match_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"Match {self.pk}: {self.quantity} × {self.goods_need.category_id} ({self.state})"


class MatchEvent(models.Model):
    """History of a match: who moved it from which state to which, when and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"
