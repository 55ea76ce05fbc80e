"""Volunteers: the shared skill list, volunteer profiles and the needs initiatives post."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geo.models import GeocodeStatus, PlacedModel
from geo.privacy import AtLeastOneGridCell
from lifecycle.models import AvailabilityCheckedOffer, LifecycleModel
from lifecycle.states import MATCHABLE_STATUSES
from volunteers.languages import validate_language_codes, validate_language_levels

MAX_PEOPLE_PER_SHIFT = 200

# Rows the matching engine may pair: open for matching and placed on the map. The candidate
# indexes are partial on this, so a search walks only rows it can use; matching.candidates
# repeats the same predicate literally, or PostgreSQL cannot prove that the index applies.
_MATCHABLE_PLACED = Q(status__in=MATCHABLE_STATUSES) & Q(
    geocode_status__in=[GeocodeStatus.PLACED, GeocodeStatus.REFINED]
)


class Skill(models.Model):
    """One entry of the shared, translated skill list (volunteers/data/skills.tsv)."""

    slug = models.SlugField(max_length=80, unique=True)
    name_de = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    name_uk = models.CharField(max_length=120, blank=True)
    name_ar = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def name(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class VolunteerProfile(AvailabilityCheckedOffer, PlacedModel, LifecycleModel):
    """What one person offers: skills, languages, when and how far.

    Placed by the volunteer's home area. Not browsable: only its owner, coordinators and (once
    matching exists for volunteers) the other side of an accepted match see it.
    """

    OWNER_FIELD = "user"
    BROWSABLE = False

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_profile"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="volunteer_profiles")
    # [{"code": "uk", "level": "native"}, …]; codes are ISO 639-1.
    languages = models.JSONField(default=list, blank=True, validators=[validate_language_levels])
    travel_radius_km = models.FloatField(
        _("travel radius (km)"),
        default=5,
        validators=[AtLeastOneGridCell(), MaxValueValidator(100)],
    )
    max_hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week at most"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Personal notes of the volunteer about themself. Named `description` on purpose: the
    # shared history leaves that field out, so these words never land in the change history.
    description = models.TextField(_("about me"), blank=True)
    # The version of the secret address of the volunteer's calendar feed (a signed token
    # naming the profile and this number, web/volunteer_calendar.py): renewing the address
    # counts it up, and every address signed with an older number stops working.
    calendar_feed_version = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="volunteerprofile_dirty_idx",
                condition=Q(needs_matching=True),
            ),
            # The candidate search (matching.candidates) walks only rows it may pair, by
            # their public points.
            GistIndex(
                fields=["approx_point"],
                name="volunteerprofile_approx_gist",
                condition=_MATCHABLE_PLACED,
            ),
        ]

    def __str__(self) -> str:
        return f"Volunteer profile of user {self.user_id}"

    def scrub_related(self) -> None:
        # When someone is away says when their home is empty; the weekly slots, skills and
        # languages stay for statistics of what kind of help is available.
        self.away_periods.all().delete()

    def export_data(self) -> dict:
        data = super().export_data()
        data["skills"] = [skill.slug for skill in self.skills.all()]
        data["availability"] = [slot.export_data() for slot in self.availability.all()]
        data["away_periods"] = [period.export_data() for period in self.away_periods.all()]
        return data


class AvailabilitySlot(models.Model):
    """A weekly time window in which the volunteer can help (local time)."""

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="availability"
    )
    # 0 = Monday … 6 = Sunday, as in datetime.date.weekday().
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="availability_weekday_range"
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="availability_end_after"),
        ]

    def export_data(self) -> dict:
        return {
            "weekday": self.weekday,
            "start": self.start.isoformat(timespec="minutes"),
            "end": self.end.isoformat(timespec="minutes"),
        }


class AwayPeriod(models.Model):
    """Days on which the volunteer cannot help (holidays, exams …), both ends included."""

    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="away_periods"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="away_end_not_before")
        ]

    def export_data(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


class VolunteerNeed(PlacedModel, LifecycleModel):
    """An initiative asks for people for a task, in one or more shifts."""

    ORGANISATION_FIELD = "organisation"
    BROWSABLE = True

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="volunteer_needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer_needs"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("task"), blank=True)
    required_skills = models.ManyToManyField(Skill, blank=True, related_name="volunteer_needs")
    # ["de", "ar"]: a volunteer who speaks any one of them will do; empty means any language.
    languages = models.JSONField(default=list, blank=True, validators=[validate_language_codes])
    max_distance_km = models.FloatField(
        null=True, blank=True, validators=[AtLeastOneGridCell(), MaxValueValidator(200)]
    )
    # Only volunteers whose extended certificate of conduct a coordinator has seen, and not
    # longer ago than CERTIFICATE_OF_CONDUCT_VALID_MONTHS, are matched to such a need
    # (accounts.checks); the certificate must still stand on the day of the shift.
    works_with_children = models.BooleanField(
        _("works with children"),
        default=False,
        db_default=False,
        help_text=_(
            "Only volunteers whose extended certificate of conduct the welcome centre has "
            "seen are matched."
        ),
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["updated_at"],
                name="volunteerneed_dirty_idx",
                condition=Q(needs_matching=True),
            ),
            # The candidate search (matching.candidates) walks only rows it may pair, by
            # their public points.
            GistIndex(
                fields=["approx_point"],
                name="volunteerneed_approx_gist",
                condition=_MATCHABLE_PLACED,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def expiry_q(cls, today) -> Q:
        """Needs whose every shift ended before the start of `today` (local time).

        Written with EXISTS rather than a join so that each need appears once, however many
        shifts it has; a need without shifts never expires by date.
        """
        start_of_today = timezone.make_aware(datetime.combine(today, time.min))
        shifts = Shift.objects.filter(need=OuterRef("pk"))
        return Q(Exists(shifts)) & ~Q(Exists(shifts.filter(end__gte=start_of_today)))

    def export_data(self) -> dict:
        data = super().export_data()
        data["required_skills"] = [skill.slug for skill in self.required_skills.all()]
        data["shifts"] = [shift.export_data() for shift in self.shifts.all()]
        return data


class Shift(models.Model):
    """One time slot of a need and how many people it takes."""

    need = models.ForeignKey(VolunteerNeed, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    people = models.PositiveSmallIntegerField(
        _("people"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE_PER_SHIFT)]
    )
    # How many of those places no accepted or pending match covers yet.
    people_open = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="shift_end_after_start"),
            models.CheckConstraint(
                condition=Q(people__gte=1, people_open__lte=F("people")),
                name="shift_people_open_within_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} ({self.people_open}/{self.people})"

    def export_data(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "people": self.people,
            "people_open": self.people_open,
        }
