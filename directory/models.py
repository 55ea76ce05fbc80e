"""The directory of services and providers (issue 14).

- `ProviderProfile`: the public face of an organisation (a provider, a counselling service, a
  migrant self-organisation, an initiative): its name and description as an editorial `Text`
  in many languages, its website and its public contact. An organisation's public phone and
  email are public on purpose, unlike a person's; they are kept here, not taken from
  `Organisation.email`, which stays the welcome centre's private line to the organisation.
  `needs_review` (set by the welcome centre) says whether what the organisation publishes
  goes out at once or waits for an editor.
- `Service`: one offer of a provider (a counselling hour, a language course, a women's café)
  with its topics, audience, languages spoken, cost, access, place and hours. A service is a
  public place: its exact point and address are public, unlike a person's.
- `OpeningHours`: one interval of a weekday, in local time (Europe/Berlin). The rule, checked
  by `directory.services`: `closes` differs from `opens`; a `closes` before `opens` means the
  interval runs past midnight into the next day, which is allowed up to
  `OVERNIGHT_LIMIT` (06:00): 20:00–02:00 is an evening that ends at 2 at night, 18:00–09:00
  is a mistake ("ends before it starts"). 22:00–00:00 ends at midnight.
- `HoursException`: one date whose hours differ from the week's (a public holiday, a team
  day): closed all day, or open with other hours. It replaces the intervals that *start* on
  that date; a night that began the day before runs to its end.
"""

from datetime import time

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from editorial.models import Kept
from geo.models import PlacedModel

# The latest time an interval that runs past midnight may end (see the module's docstring).
OVERNIGHT_LIMIT = time(6, 0)


class ProviderKind(models.TextChoices):
    PROVIDER = "provider", _("Provider")
    COUNSELLING = "counselling", _("Counselling service")
    SELF_ORGANISATION = "self_organisation", _("Migrant self-organisation")
    INITIATIVE = "initiative", _("Initiative")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    PUBLISHED = "published", _("Published")


class Cost(models.TextChoices):
    FREE = "free", _("Free of charge")
    FEE = "fee", _("With a fee")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    FAMILIES = "families", _("Families")
    CHILDREN_YOUTH = "children_youth", _("Children and young people")
    YOUNG_ADULTS = "young_adults", _("Young adults")
    SENIORS = "seniors", _("Older people")
    LGBTIQ = "lgbtiq", _("LGBTIQ* people")
    DISABILITIES = "disabilities", _("People with disabilities")
    PROFESSIONALS = "professionals", _("Volunteers and professionals")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ProviderProfile(Kept):
    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="provider_profile"
    )
    # Fields "name" and "description", in the language they were written in first.
    text = models.OneToOneField("editorial.Text", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=24, choices=ProviderKind.choices, default=ProviderKind.PROVIDER
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    # Set by the welcome centre: True, and what the organisation publishes waits for an editor.
    needs_review = models.BooleanField(_("publishes after review"), default=True)
    status = models.CharField(
        max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Provider {self.organisation_id}"


class Service(Kept, PlacedModel):
    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="services")
    # Fields "title", "description" and "cost_note".
    text = models.OneToOneField("editorial.Text", on_delete=models.PROTECT, related_name="+")
    # Slugs of directory.topics.TOPICS; checked by the service layer.
    topics = ArrayField(models.CharField(max_length=32), default=list)
    audience = ArrayField(
        models.CharField(max_length=24, choices=Audience.choices), default=list, blank=True
    )
    # ISO 639 codes of directory.languages.SPOKEN (the staff's languages, not the text's).
    languages = ArrayField(models.CharField(max_length=8), default=list)
    cost = models.CharField(_("cost"), max_length=8, choices=Cost.choices, default=Cost.FREE)
    appointment_only = models.BooleanField(_("by appointment only"), default=False)
    barrier_free = models.BooleanField(_("barrier-free access"), default=False)
    website = models.URLField(_("website"), max_length=300, blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    email = models.EmailField(_("public email"), blank=True)
    status = models.CharField(
        max_length=16, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "provider"], name="service_status"),
            # Filters of the public search: a topic, a language spoken (array containment).
            GinIndex(fields=["topics"], name="service_topics"),
            GinIndex(fields=["languages"], name="service_languages"),
        ]

    def __str__(self) -> str:
        return f"Service {self.pk}"


class OpeningHours(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    # Before `opens`: the next day (see the module's docstring).
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        indexes = [models.Index(fields=["weekday", "service"], name="hours_weekday")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(opens=models.F("closes")), name="hours_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens


class HoursException(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    closed = models.BooleanField(default=True)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    # Why ("Public holiday", "Team day"): a short note in the provider's words.
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["service", "date"], name="one_exception_per_date"),
            models.CheckConstraint(
                condition=(
                    models.Q(closed=True, opens__isnull=True, closes__isnull=True)
                    | (
                        models.Q(closed=False, opens__isnull=False, closes__isnull=False)
                        & ~models.Q(opens=models.F("closes"))
                    )
                ),
                name="exception_closed_or_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.date}"

    @property
    def overnight(self) -> bool:
        return bool(self.closes and self.opens and self.closes <= self.opens)
