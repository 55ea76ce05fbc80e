from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DONOR = "donor", _("Donor")
    LANDLORD = "landlord", _("Landlord")
    VOLUNTEER = "volunteer", _("Volunteer")
    INITIATIVE_MEMBER = "initiative_member", _("Initiative member")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Admin")


class User(AbstractUser):
    """A person using the platform. Email is the contact channel; it is personal data."""

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.DONOR)
    preferred_language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    phone = models.CharField(max_length=40, blank=True)
    # Set when the person erased their account: the row stays (records and statistics point
    # at it) but holds nothing that identifies them.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.ADMIN) or self.is_superuser


class OrganisationKind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative")
    WELCOME_CENTRE = "welcome_centre", _("Welcome centre")
    HOUSING_COMPANY = "housing_company", _("Housing company")
    EMPLOYER = "employer", _("Employer")


class Organisation(models.Model):
    """An initiative (shelter, self-organisation, neighbourhood group) or another organisation."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(
        max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.INITIATIVE
    )
    city = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    is_admin = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class CheckKind(models.TextChoices):
    """What a coordinator of the welcome centre saw of a person."""

    IDENTITY = "identity", _("Identity seen")
    OWNERSHIP_OR_TENANCY = "ownership_or_tenancy", _("Ownership or tenancy seen")
    HOME_VISIT = "home_visit", _("Home visit")
    # For volunteers working with children (§ 72a SGB VIII); `certificate_date` says how old
    # it is, and an old one stops counting (settings.CERTIFICATE_OF_CONDUCT_VALID_MONTHS).
    CERTIFICATE_OF_CONDUCT = (
        "certificate_of_conduct",
        _("Extended certificate of conduct seen"),
    )


class Check(models.Model):
    """A fact a coordinator recorded about a person: what was seen, by whom, when.

    Never the document itself: no file, no number from it, no copy. Platforms that earned
    trust checked hosts without keeping their papers; a leaked scan of a passport or a
    certificate of conduct is worse than none. A check recorded in error is withdrawn (who,
    when, why), not deleted, so that the history stays.
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CheckKind.choices)
    # The date the certificate of conduct was issued (only for that kind).
    certificate_date = models.DateField(_("date of the certificate"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("why it was withdrawn"), max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            # The candidate search asks "has this landlord a standing check of this kind?".
            models.Index(
                fields=["subject", "kind"],
                name="check_standing_idx",
                condition=models.Q(withdrawn_at__isnull=True),
            )
        ]
        constraints = [
            # A certificate's date decides whether it still counts; other checks have none.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="certificate_of_conduct", certificate_date__isnull=False)
                    | (
                        ~models.Q(kind="certificate_of_conduct")
                        & models.Q(certificate_date__isnull=True)
                    )
                ),
                name="check_certificate_date_iff_certificate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.subject_id})"
