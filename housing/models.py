"""Flats that landlords offer, and households that initiatives look for a flat for."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from geo.models import GeocodeStatus, PlacedModel
from geo.privacy import AtLeastOneGridCell
from lifecycle.models import AvailabilityCheckedOffer, LifecycleModel
from lifecycle.states import MATCHABLE_STATUSES

# No real offer or need is dated before the platform existed; an earlier year is a typo
# ("1924" for "2024") that would make an offer expire at once or a need look ancient.
EARLIEST_DATE = date(2000, 1, 1)
MAX_RENT_EUR = Decimal("10000")

# Rows the matching engine may pair: open for matching and placed on the map. The candidate
# indexes are partial on this, so a search walks only rows it can use; matching.candidates
# repeats the same predicate literally, or PostgreSQL cannot prove that the index applies.
_MATCHABLE_PLACED = Q(status__in=MATCHABLE_STATUSES) & Q(
    geocode_status__in=[GeocodeStatus.PLACED, GeocodeStatus.REFINED]
)


def validate_half_rooms(value: Decimal) -> None:
    # German listings count half rooms ("2,5 Zimmer": a room under about 10 m²), nothing finer.
    if value is not None and (value * 2) % 1:
        raise ValidationError(_("Give the rooms in whole or half rooms, e.g. 2 or 2.5."))


def _not_before_2000():
    return MinValueValidator(
        EARLIEST_DATE, message=_("Please check the year: the date lies before 2000.")
    )


class HousingOffer(AvailabilityCheckedOffer, PlacedModel, LifecycleModel):
    """A flat offered by a landlord (a private person or a housing company's staff).

    Listed publicly in its approximate place; the exact address and the landlord's contact
    details are shown only to the landlord, coordinators and an accepted match's other side.
    """

    OWNER_FIELD = "landlord"
    BROWSABLE = True

    landlord = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="housing_offers"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A decimal, not an integer: half rooms are how German flats are advertised ("2,5 Zimmer")
    # and a household's fit depends on them; one decimal place compares exactly, unlike a float.
    rooms = models.DecimalField(
        _("rooms"),
        max_digits=3,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("1")),
            MaxValueValidator(Decimal("20")),
            validate_half_rooms,
        ],
    )
    size_m2 = models.PositiveSmallIntegerField(
        _("size in m²"), validators=[MinValueValidator(10), MaxValueValidator(500)]
    )
    # Warm rent (rent with heating and service charges) is what the job centre and the
    # households compare against their ceiling, so it is the one rent we keep.
    warm_rent = models.DecimalField(
        _("warm rent (EUR per month)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_RENT_EUR)],
    )
    max_occupants = models.PositiveSmallIntegerField(
        _("maximum number of occupants"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    floor = models.SmallIntegerField(
        _("floor"),
        default=0,
        validators=[MinValueValidator(-1), MaxValueValidator(60)],
        help_text=_("0 is the ground floor, -1 the basement."),
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    lift = models.BooleanField(_("lift"), default=False)
    pets_allowed = models.BooleanField(_("pets allowed"), default=False)
    furnished = models.BooleanField(_("furnished"), default=False)
    available_from = models.DateField(_("available from"), validators=[_not_before_2000()])
    available_until = models.DateField(
        _("available until"), null=True, blank=True, validators=[_not_before_2000()]
    )
    min_stay_months = models.PositiveSmallIntegerField(
        _("minimum stay in months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="housingoffer_dirty_idx",
                condition=Q(needs_matching=True),
            ),
            # The candidate search (matching.candidates) walks only rows it may pair, by
            # their public points.
            GistIndex(
                fields=["approx_point"],
                name="housingoffer_approx_gist",
                condition=_MATCHABLE_PLACED,
            ),
        ]
        constraints = [
            # The database keeps what clean() explains to people, in case a write bypasses it.
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="housingoffer_until_after_from",
            ),
            models.CheckConstraint(condition=Q(warm_rent__gt=0), name="housingoffer_rent_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.rooms} rooms, {self.warm_rent} EUR)"

    @classmethod
    def expiry_q(cls, today) -> Q:
        return Q(available_until__lt=today)

    def clean(self) -> None:
        super().clean()
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            raise ValidationError(
                {"available_until": _("The flat cannot be free until before it is free from.")}
            )


class HousingNeed(PlacedModel, LifecycleModel):
    """A household looking for a flat, posted by an initiative on the household's behalf.

    The place is the preferred area (a district or postal code, the household's current
    shelter, …), searched within `max_distance_km`. Never listed to other people: the size,
    income limit, pets and notes of a household are personal data.

    It does not expire by date: the move-in date says from when the household could move, not
    until when it needs a flat; once it has passed the household still needs one, so only its
    initiative may withdraw the need (or a match fulfil it).
    """

    ORGANISATION_FIELD = "organisation"
    BROWSABLE = False

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="housing_needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="housing_needs"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    adults = models.PositiveSmallIntegerField(
        _("adults"),
        validators=[
            MinValueValidator(1, message=_("A household needs at least one adult.")),
            MaxValueValidator(20),
        ],
    )
    children = models.PositiveSmallIntegerField(
        _("children"), default=0, validators=[MaxValueValidator(20)]
    )
    rent_ceiling = models.DecimalField(
        _("highest warm rent (EUR per month)"),
        max_digits=7,
        decimal_places=2,
        validators=[
            MinValueValidator(
                Decimal("0.01"), message=_("The rent ceiling must be more than 0 EUR.")
            ),
            MaxValueValidator(MAX_RENT_EUR),
        ],
    )
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    has_pets = models.BooleanField(_("has pets"), default=False)
    move_in_date = models.DateField(_("earliest move-in date"), validators=[_not_before_2000()])
    max_distance_km = models.FloatField(
        _("maximum distance from the preferred area (km)"),
        default=10,
        validators=[MinValueValidator(1), AtLeastOneGridCell(), MaxValueValidator(100)],
    )
    min_stay_months = models.PositiveSmallIntegerField(
        _("shortest stay in months"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # Free text about the household (health, family situation …): personal, shown only to
    # whoever may see the exact address, and removed on erasure.
    household_notes = models.TextField(_("notes on the household"), blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="housingneed_dirty_idx",
                condition=Q(needs_matching=True),
            ),
            # The candidate search (matching.candidates) walks only rows it may pair, by
            # their public points.
            GistIndex(
                fields=["approx_point"], name="housingneed_approx_gist", condition=_MATCHABLE_PLACED
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(adults__gte=1), name="housingneed_an_adult"),
            models.CheckConstraint(
                condition=Q(rent_ceiling__gt=0), name="housingneed_rent_ceiling_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.adults}+{self.children})"

    @property
    def occupants(self) -> int:
        return self.adults + self.children

    def scrubbed_values(self) -> dict:
        return {**super().scrubbed_values(), "household_notes": ""}

    def export_data(self) -> dict:
        # The export is the poster's own data; the notes describe the household, other people
        # whose data a copy must not hand out (GDPR Art. 15(4)). The initiative still reads
        # them in the need itself.
        data = super().export_data()
        data.pop("household_notes", None)
        return data
