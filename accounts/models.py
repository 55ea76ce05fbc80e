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
