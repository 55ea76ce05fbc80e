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


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


# States in which a match holds (reserves) capacity on both sides.
ACTIVE_STATES = (
    MatchState.PROPOSED,
    MatchState.APPROVED,
    MatchState.OFFERED,
    MatchState.ACCEPTED,
)
LIVE_STATE_VALUES = [str(state) for state in ACTIVE_STATES]


class Match(models.Model):
    """One offer serving one need with a quantity, a score with its breakdown and a state.

    Which pair of fields is set depends on the kind: a donation offer and a goods need, a
    volunteer profile and one shift of a volunteer need, or a flat and a household.
    """

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        VOLUNTEERS = "volunteers", _("Volunteers")
        HOUSING = "housing", _("Housing")
        JOBS = "jobs", _("Work")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.GOODS)
    donation_offer = models.ForeignKey(
        "donations.DonationOffer",
        on_delete=models.PROTECT,
        related_name="matches",
        null=True,
        blank=True,
    )
    goods_need = models.ForeignKey(
        "donations.GoodsNeed",
        on_delete=models.PROTECT,
        related_name="matches",
        null=True,
        blank=True,
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        on_delete=models.PROTECT,
        related_name="matches",
        null=True,
        blank=True,
    )
    shift = models.ForeignKey(
        "volunteers.Shift", on_delete=models.PROTECT, related_name="matches", null=True, blank=True
    )
    housing_offer = models.ForeignKey(
        "housing.HousingOffer",
        on_delete=models.PROTECT,
        related_name="matches",
        null=True,
        blank=True,
    )
    housing_need = models.ForeignKey(
        "housing.HousingNeed",
        on_delete=models.PROTECT,
        related_name="matches",
        null=True,
        blank=True,
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.PROTECT, related_name="matches", null=True, blank=True
    )
    job_seeker = models.ForeignKey(
        "jobs.JobSeeker", on_delete=models.PROTECT, related_name="matches", null=True, blank=True
    )
    quantity = models.PositiveIntegerField()
    distance_m = models.FloatField()
    score = models.FloatField()
    score_breakdown = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=MatchState.choices, default=MatchState.PROPOSED)
    # Each side's answer while the match is offered: "" (none yet), "yes" or "no".
    need_answer = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    offer_answer = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    # Unanswered by then: expired (one reminder goes out before).
    respond_by = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # When the need's side was asked whether the handover happened.
    handover_asked_at = models.DateTimeField(null=True, blank=True)
    # When the donor said the goods were picked up (the initiative still confirms how many).
    pickup_confirmed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_quantity = models.PositiveIntegerField(null=True, blank=True)
    # A coordinator who made the match by hand; empty for the engine's.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "matches"
        # The lists page through matches by age, all of them or of one state (the review
        # queue: proposals, oldest first; the API: newest first): without these, every page
        # sorted every match.
        indexes = [
            models.Index(fields=["created_at", "id"], name="match_created_idx"),
            models.Index(fields=["state", "created_at", "id"], name="match_state_created_idx"),
        ]
        constraints = [
            # One live match per pair: a task that runs twice cannot write a second one.
            models.UniqueConstraint(
                fields=["donation_offer", "goods_need"],
                condition=Q(state__in=LIVE_STATE_VALUES),
                name="one_active_match_per_pair",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "shift"],
                condition=Q(state__in=LIVE_STATE_VALUES),
                name="one_live_match_per_volunteer_shift",
            ),
            # A flat houses one household and a household needs one flat: the database,
            # not the care of the engine, keeps two workers from promising either twice.
            models.UniqueConstraint(
                fields=["housing_offer"],
                condition=Q(state__in=LIVE_STATE_VALUES),
                name="one_live_match_per_flat",
            ),
            models.UniqueConstraint(
                fields=["housing_need"],
                condition=Q(state__in=LIVE_STATE_VALUES),
                name="one_live_match_per_household",
            ),
            # A person takes one place at a time: one live match per job seeker.
            models.UniqueConstraint(
                fields=["job_seeker"],
                condition=Q(state__in=LIVE_STATE_VALUES),
                name="one_live_match_per_job_seeker",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="match_quantity_positive"),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="goods",
                        donation_offer__isnull=False,
                        goods_need__isnull=False,
                        volunteer__isnull=True,
                        shift__isnull=True,
                        housing_offer__isnull=True,
                        housing_need__isnull=True,
                        job__isnull=True,
                        job_seeker__isnull=True,
                    )
                    | Q(
                        kind="volunteers",
                        donation_offer__isnull=True,
                        goods_need__isnull=True,
                        volunteer__isnull=False,
                        shift__isnull=False,
                        housing_offer__isnull=True,
                        housing_need__isnull=True,
                        job__isnull=True,
                        job_seeker__isnull=True,
                        quantity=1,
                    )
                    | Q(
                        kind="housing",
                        donation_offer__isnull=True,
                        goods_need__isnull=True,
                        volunteer__isnull=True,
                        shift__isnull=True,
                        housing_offer__isnull=False,
                        housing_need__isnull=False,
                        job__isnull=True,
                        job_seeker__isnull=True,
                        quantity=1,
                    )
                    | Q(
                        kind="jobs",
                        donation_offer__isnull=True,
                        goods_need__isnull=True,
                        volunteer__isnull=True,
                        shift__isnull=True,
                        housing_offer__isnull=True,
                        housing_need__isnull=True,
                        job__isnull=False,
                        job_seeker__isnull=False,
                        quantity=1,
                    )
                ),
                name="match_sides_fit_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Match {self.pk}: {self.kind} × {self.quantity} ({self.state})"

    @property
    def need(self):
        """The record on the need's side: a goods need, a volunteer need, a household or a
        job."""
        if self.kind == self.Kind.VOLUNTEERS:
            return self.shift.need
        return getattr(self, _NEED_FIELD[self.kind])

    @property
    def offer(self):
        """The record on the offer's side: a donation, a volunteer profile, a flat or a
        person looking for work."""
        return getattr(self, _OFFER_FIELD[self.kind])


# The Match field of each side per kind (a volunteer need is reached through its shift).
_NEED_FIELD = {"goods": "goods_need", "housing": "housing_need", "jobs": "job"}
_OFFER_FIELD = {
    "goods": "donation_offer",
    "volunteers": "volunteer",
    "housing": "housing_offer",
    "jobs": "job_seeker",
}


# The longest reason a coordinator or a side may give for a step (a rejection, a "no", a
# cancellation, a handover); every form and service takes the limit from here.
REASON_MAX_LENGTH = 300


class MatchEvent(models.Model):
    """History of a match: who moved it from which state to which, when and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class MatchMessage(models.Model):
    """A message between the two sides of an offered or accepted match, relayed by the
    platform so that neither side learns the other's address or email by writing."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_side = models.CharField(max_length=5)  # "need" or "offer"
    body = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"message on match {self.match_id} from the {self.sender_side} side"


class ActionLink(models.Model):
    """A one-click link sent to one person for one action on a match or an offer.

    The URL carries a signed token naming this row and a random nonce whose hash is stored
    here; using it is claimed by a conditional update, so it works once.
    """

    class Action(models.TextChoices):
        ACCEPT = "accept", _("Accept the match")
        DECLINE = "decline", _("Decline the match")
        FULFILLED = "fulfilled", _("Confirm the handover")
        NOT_HAPPENED = "not_happened", _("Report that the handover did not happen")
        AVAILABLE = "available", _("Confirm the offer is still available")
        WITHDRAW = "withdraw", _("Withdraw the offer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_links"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    match = models.ForeignKey(
        Match, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    # For match actions: the side the user answers for ("need" or "offer").
    side = models.CharField(max_length=5, blank=True)
    # For offer actions: which offer ("donations.donationoffer", 12).
    record_model = models.CharField(max_length=64, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    nonce_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.action} for {self.user_id}"


class Handover(models.Model):
    """A coordinator handed a need over to another initiative: who, when and why."""

    need_model = models.CharField(max_length=64)  # "donations.goodsneed"
    need_id = models.BigIntegerField()
    from_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.need_model} {self.need_id}: {self.from_organisation} → {self.to_organisation}"
        )


class OwedBatch(models.Model):
    """A batch of one kind and cell is owed: a change that its batch must see was committed.

    Written in the same transaction as the change (`matching.scheduling`), deleted by the batch
    of that cell as it starts (`matching.owed`). Redis's debounce key and the queued task are
    only the fast path: when the task is lost (a worker killed while holding it, Redis
    restarted), the sweep enqueues the cells that are still owed. An offer's own flag is
    cleared by its own cell's batch; the cells of the needs it reaches are owed here until their
    batches have run, so no record is left unseen while its flag says otherwise.
    """

    kind = models.CharField(max_length=20)
    cell = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "cell"], name="owedbatch_cell_idx"),
            models.Index(fields=["created_at"], name="owedbatch_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.cell} since {self.created_at}"
