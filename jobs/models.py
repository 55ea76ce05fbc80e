"""Work as a fourth kind of help: employers' job and training places, and people looking for
work.

In the engine's terms a `Job` is the need (places an employer wants filled, placed where the
work is) and a `JobSeeker` the offer (a person offering their work, placed by their home
area). A job's places are matched only once a coordinator has checked its employer.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from base.languages import validate_language_codes
from geo.models import GeocodeStatus, PlacedModel
from geo.privacy import AtLeastOneGridCell
from lifecycle.models import AvailabilityCheckedOffer, LifecycleModel
from lifecycle.states import MATCHABLE_STATUSES

# No job starts, and nobody became available, before the platform existed: an earlier year
# is a typo ("1926" for "2026").
EARLIEST_DATE = date(2000, 1, 1)
MAX_PAY_EUR = Decimal("100000")

# The predicate the candidate indexes are partial on (as for the other kinds).
_MATCHABLE_PLACED = Q(status__in=MATCHABLE_STATUSES) & Q(
    geocode_status__in=[GeocodeStatus.PLACED, GeocodeStatus.REFINED]
)


def _not_before_2000():
    return MinValueValidator(
        EARLIEST_DATE, message=_("Please check the year: the date lies before 2000.")
    )


class Hours(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    MINI_JOB = "mini_job", _("Mini-job")
    TRAINING = "training", _("Training (Ausbildung)")
    INTERNSHIP = "internship", _("Internship")


class GermanLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class Residence(models.TextChoices):
    """What a person may do, as they state it: never legal advice."""

    PERMIT = "permit", _("Work permit in hand")
    APPROVAL = "approval", _("Employment possible with the authorities' approval")


class Recognition(models.TextChoices):
    NONE = "none", _("No recognised qualification")
    IN_RECOGNITION = "in_recognition", _("Qualification in recognition")
    RECOGNISED = "recognised", _("Qualification recognised")


class PayPeriod(models.TextChoices):
    HOUR = "hour", _("per hour")
    MONTH = "month", _("per month")


class Occupation(models.Model):
    """An occupation of the shared taxonomy (jobs/data/occupations.tsv), keyed by its ISCO-08
    code: a sub-major group ("51") or a unit group ("5120") whose parent is its group."""

    code = models.CharField(max_length=4, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_de = models.CharField(max_length=160)
    name_en = models.CharField(max_length=160)
    name_uk = models.CharField(max_length=160)
    name_ar = models.CharField(max_length=160)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    @property
    def is_group(self) -> bool:
        return self.parent_id is None

    def name(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class Employer(models.Model):
    """An organisation that offers work. Its jobs are matched only after a coordinator of the
    welcome centre checked it (`checked_at`); a check can be withdrawn."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="employer"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class Job(PlacedModel, LifecycleModel):
    """A job or training offer of an employer: `places` people wanted, placed where the work
    is (a remote job is placed at the employer and reaches anyone)."""

    ORGANISATION_FIELD = "organisation"
    BROWSABLE = True

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("occupation")
    )
    places = models.PositiveSmallIntegerField(
        _("places"),
        validators=[
            MinValueValidator(1, message=_("A job needs at least one place.")),
            MaxValueValidator(500),
        ],
    )
    places_open = models.PositiveSmallIntegerField()
    remote = models.BooleanField(_("remote work"), default=False)
    hours = models.CharField(_("hours"), max_length=16, choices=Hours.choices)
    start_date = models.DateField(_("start date"), validators=[_not_before_2000()])
    pay_min = models.DecimalField(
        _("pay from (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PAY_EUR)],
    )
    pay_max = models.DecimalField(
        _("pay up to (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PAY_EUR)],
    )
    pay_period = models.CharField(
        _("pay period"), max_length=8, choices=PayPeriod.choices, default=PayPeriod.MONTH
    )
    german_min = models.CharField(
        _("German at least"), max_length=2, choices=GermanLevel.choices, blank=True
    )
    # ISO 639-1 codes; a person must speak one of them (empty: none required).
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_language_codes]
    )
    skills = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    requires_recognition = models.BooleanField(
        _("a recognised qualification is required"), default=False
    )
    # What the job is open to, as the employer states it and a coordinator may correct.
    open_to = ArrayField(
        models.CharField(max_length=16, choices=Residence.choices), default=list, blank=True
    )
    # Training places where the residence situation is not the employer's question.
    residence_irrelevant = models.BooleanField(_("residence not relevant"), default=False)
    max_distance_km = models.FloatField(
        _("applicants from up to (km)"),
        default=30,
        validators=[AtLeastOneGridCell(), MaxValueValidator(200)],
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"], name="job_dirty_idx", condition=Q(needs_matching=True)
            ),
            GistIndex(fields=["approx_point"], name="job_approx_gist", condition=_MATCHABLE_PLACED),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="job_a_place"),
            models.CheckConstraint(
                condition=Q(places_open__lte=F("places")), name="job_open_within_places"
            ),
            models.CheckConstraint(
                condition=Q(pay_min__isnull=True)
                | Q(pay_max__isnull=True)
                | Q(pay_max__gte=F("pay_min")),
                name="job_pay_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.places_open}/{self.places})"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.pay_min is not None and self.pay_max is not None and self.pay_max < self.pay_min:
            errors["pay_max"] = _("The highest pay cannot be lower than the lowest.")
        if not self.residence_irrelevant and not self.open_to:
            errors["open_to"] = _(
                "Say whom the job is open to: a work permit in hand, employment with the "
                "authorities' approval, or both (or that it does not matter for a training place)."
            )
        if errors:
            raise ValidationError(errors)


class JobSeeker(AvailabilityCheckedOffer, PlacedModel, LifecycleModel):
    """A person looking for work: made by the person, or by a counsellor of a registered
    service with the person's recorded consent (`counsellor_organisation`, `consent_on`).

    Private: an employer sees only an anonymous summary (occupations, experience, languages,
    German level, district) until both sides of a match said yes.
    """

    OWNER_FIELD = "created_by"
    BROWSABLE = False

    # The person's own account, or the counsellor who keeps the profile for them.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="job_seekers"
    )
    counsellor_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="job_seekers",
    )
    consent_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    # The person's name where a counsellor keeps the profile (their own account's otherwise).
    # Named `description`-like personal data: never in the history, removed on erasure.
    person_name = models.CharField(_("name"), max_length=200, blank=True)
    person_phone = models.CharField(_("phone"), max_length=40, blank=True)
    occupations = models.ManyToManyField(
        Occupation, through="Experience", related_name="job_seekers"
    )
    german_level = models.CharField(
        _("German level"), max_length=2, choices=GermanLevel.choices, blank=True
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_language_codes]
    )
    skills = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    hours_wanted = ArrayField(models.CharField(max_length=16, choices=Hours.choices))
    travel_radius_km = models.FloatField(
        _("travel radius (km)"),
        default=15,
        validators=[AtLeastOneGridCell(), MaxValueValidator(200)],
    )
    available_from = models.DateField(_("available from"), validators=[_not_before_2000()])
    recognition = models.CharField(
        _("qualification"), max_length=16, choices=Recognition.choices, default=Recognition.NONE
    )
    residence = models.CharField(_("may work"), max_length=16, choices=Residence.choices)
    description = models.TextField(_("about me"), blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"], name="jobseeker_dirty_idx", condition=Q(needs_matching=True)
            ),
            GistIndex(
                fields=["approx_point"], name="jobseeker_approx_gist", condition=_MATCHABLE_PLACED
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(counsellor_organisation__isnull=True) | Q(consent_on__isnull=False),
                name="jobseeker_counsellor_has_consent",
            )
        ]

    def __str__(self) -> str:
        return f"Job seeker {self.pk}"

    def contact_details(self) -> dict:
        contact = super().contact_details()
        if self.person_name:
            contact["name"] = self.person_name
        if self.person_phone:
            contact["phone"] = self.person_phone
        return contact

    def scrubbed_values(self) -> dict:
        return {**super().scrubbed_values(), "person_name": "", "person_phone": ""}


class Experience(models.Model):
    """Years a person has worked in one occupation (a unit group, not a group)."""

    job_seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="experience")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+")
    years = models.DecimalField(
        _("years of experience"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job_seeker", "occupation"], name="one_experience_per_occupation"
            )
        ]
