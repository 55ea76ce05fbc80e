"""Events and courses of the information hub: one-off and recurring series, their categories,
and the external calendars (a city's calendar) they may be imported from.

A series is one `EventSeries`: its first start, its duration and, if it repeats, an RFC 5545
recurrence rule (RRULE) with dates left out (EXDATE) and extra dates (RDATE). Occurrences are
never stored: they are expanded by python-dateutil in the series' own time zone (a weekly
course at 18:00 stays at 18:00 local time across the change to summer time) and converted to
UTC (`events.recurrence`). `last_ends_at` is the end of the last occurrence, kept on the row
so that a date range is narrowed by an index before anything is expanded.

Events are public places: the venue's address is shown to everyone; only the organiser's
personal contacts are not. The point is the gazetteer's (a postal code or district centre, or
a pin), `approx_point` its public grid cell as for every record on a map.

Publication (`status`): a series is a draft, waits for review, is published or was taken
down (unpublished). Only published series are public. `published` is computed by the
database from `status` (a generated column), so the readers that ask for `published=True`
(the public list, the feed, the map, the importer) can never disagree with the status, and
nobody writes it by hand. Who publishes directly and who after review: `events.services`.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import ExpressionWrapper, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.models import Kept


class Audience(models.TextChoices):
    NEWCOMERS = "newcomers", _("Newcomers")
    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children")
    FAMILIES = "families", _("Families")
    YOUTH = "youth", _("Young people")
    HELPERS = "helpers", _("Helpers and volunteers")
    EVERYONE = "everyone", _("Everyone")


class EventLanguage(models.TextChoices):
    """Languages an event is held in (more than the content languages of the site: a course
    may be held in Farsi although no page is translated into it)."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    UKRAINIAN = "uk", _("Ukrainian")
    ARABIC = "ar", _("Arabic")
    RUSSIAN = "ru", _("Russian")
    FARSI = "fa", _("Farsi")
    DARI = "prs", _("Dari")
    TURKISH = "tr", _("Turkish")
    KURDISH = "ku", _("Kurdish")
    TIGRINYA = "ti", _("Tigrinya")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    SIGN = "gsg", _("German Sign Language")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class EventCategory(models.Model):
    """A category such as "language course" with its name in the content languages (a small
    fixed list the welcome centre keeps; the migration writes the first ones)."""

    slug = models.SlugField(max_length=60, unique=True)
    name_de = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    name_uk = models.CharField(max_length=120, blank=True)
    name_ar = models.CharField(max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "event categories"

    def __str__(self) -> str:
        return self.slug

    def name(self, language: str) -> str:
        """The name in `language`, else in English (the source of the interface)."""
        return getattr(self, f"name_{language}", "") or self.name_en


class EventSeries(Kept):
    """One event or a repeating series (a course every Tuesday), kept by its organisation."""

    text = models.OneToOneField("editorial.Text", on_delete=models.PROTECT, related_name="+")
    categories = models.ManyToManyField(EventCategory, related_name="series", blank=True)
    audiences = ArrayField(
        models.CharField(max_length=16, choices=Audience.choices), default=list, blank=True
    )
    languages = ArrayField(
        models.CharField(max_length=8, choices=EventLanguage.choices), default=list, blank=True
    )
    # The place: a venue (address placed by the gazetteer) or online (a URL), or both.
    online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(_("link to join online"), max_length=500, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    venue = models.CharField(_("name of the place"), max_length=200, blank=True)
    point = models.PointField(geography=True, srid=4326, null=True, blank=True)
    approx_point = models.PointField(geography=True, srid=4326, null=True, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    place = models.CharField(max_length=120, blank=True)
    district = models.CharField(max_length=120, blank=True, db_index=True)
    precision = models.CharField(max_length=16, blank=True)
    # Cost: free, or what it costs in words ("5 €, reduced 2 €").
    free = models.BooleanField(_("free of charge"), default=True)
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    registration_url = models.URLField(_("link to register"), max_length=500, blank=True)
    registration_required = models.BooleanField(_("registration needed"), default=False)
    places = models.PositiveIntegerField(_("number of places"), null=True, blank=True)
    # The time: the first start (UTC in the database), how long each date lasts, the zone the
    # rule is read in, and the rule itself with its exceptions and extra dates (UTC).
    starts_at = models.DateTimeField(_("first start"))
    duration = models.DurationField(_("duration"))
    time_zone = models.CharField(max_length=64, default="Europe/Berlin")
    rrule = models.CharField(_("recurrence rule"), max_length=500, blank=True)
    exdates = ArrayField(models.DateTimeField(), default=list, blank=True)
    rdates = ArrayField(models.DateTimeField(), default=list, blank=True)
    last_ends_at = models.DateTimeField(db_index=True)
    # Imported events: which calendar and which UID there, and what the feed said last time.
    source = models.CharField(max_length=500, blank=True)
    external_uid = models.CharField(max_length=500, blank=True)
    external_fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    published = models.GeneratedField(
        expression=ExpressionWrapper(
            Q(status=EventStatus.PUBLISHED), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("published"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = "event series"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_uid"],
                condition=~Q(source=""),
                name="events_one_series_per_external_uid",
            ),
            models.CheckConstraint(
                condition=Q(duration__gt="0 seconds"), name="events_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(last_ends_at__gt=models.F("starts_at")),
                name="events_last_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Event series {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("event-detail", args=[self.pk])


class ExternalCalendar(models.Model):
    """An iCalendar feed (a city's event calendar) imported now and then: its events become
    series of `owner`, their texts written in `language`."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address of the feed"), max_length=500, unique=True)
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language of its texts"), max_length=10, default="de")
    categories = models.ManyToManyField(EventCategory, related_name="+", blank=True)
    active = models.BooleanField(default=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self) -> str:
        """What the imported series are keyed by, with their UID."""
        return self.url
