"""Events and courses (issue 14): public reading without login — the dates of the events a
filter finds, one series, its iCalendar file, an iCalendar feed per filter, a map, the
categories — and writes for the members of the organisation that keeps a series and for
coordinators (post, change, leave a date out, add a date, confirm it is still right, submit
it for publication) and the review of coordinators (approve what organisations submitted).
Only published series are in the public list, feed and map; a draft or a series waiting for
review is seen only by its keepers and coordinators (404 for everyone else).

Texts are answered in the language of Accept-Language (else the user's preferred language),
with `text_language` and `text_notice` ("missing" or "outdated": the source text is shown).
Events are public places: the venue's address is public; the organiser's personal contacts
are never in an answer. The rules live in `events.services`, the reads in `events.selectors`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.models import Organisation
from api import common
from api.throttles import WriteRateThrottle
from base.errors import ApplicationError
from editorial.languages import content_languages
from editorial.selectors import reading
from events import calendar, selectors, services
from events.models import Audience, EventCategory, EventLanguage, EventSeries, EventStatus
from events.recurrence import Occurrence
from events.selectors import EventFilter

SERIES_EXAMPLE = {
    "owner": 1,
    "language": "de",
    "title": "Deutschkurs A1 am Abend",
    "description": "Für Anfängerinnen und Anfänger, mit Kinderbetreuung.",
    "categories": ["language-course"],
    "audiences": ["newcomers", "women"],
    "languages": ["de", "ar"],
    "address": "Eisenbahnstraße 40, 04315 Leipzig",
    "venue": "Stadtteilladen Ost",
    "free": True,
    "starts_at": "2026-12-01T18:00:00+01:00",
    "duration_minutes": 120,
    "rrule": "FREQ=WEEKLY;UNTIL=20270330",
    "exdates": ["2026-12-22T18:00:00+01:00", "2026-12-29T18:00:00+01:00"],
    "rdates": [],
}
CALENDAR_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR, description="An iCalendar file (RFC 5545)."
)
LANGUAGE_CHOICES = [(code, code) for code in content_languages()]
# The API's names of the service's fields, where they differ.
API_NAMES = {"duration": "duration_minutes", "owner": "owner"}


def _language() -> str:
    return (get_language() or "de").split("-")[0]


@dataclass(frozen=True)
class Listed:
    occurrence: Occurrence
    series: EventSeries


class CalendarApiMixin:
    """A view that answers an iCalendar file (an HttpResponse of its own) and, when it
    refuses, JSON like every other endpoint, whatever the client accepts: a calendar app
    asks for text/calendar only, and must not get 406 for it."""

    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


def _calendar_response(content: bytes, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _renamed(error: ApplicationError) -> ApplicationError:
    """The service's messages under the API's field names."""
    return ApplicationError(
        {API_NAMES.get(name, name): messages for name, messages in error.errors.items()},
        code=error.code,
    )


# --- input ---------------------------------------------------------------------------------------


class EventFilterSerializer(serializers.Serializer):
    """The filters of the list, the map and the feed (query parameters)."""

    category = serializers.SlugField(required=False, max_length=60, help_text="A category's slug.")
    language = serializers.ChoiceField(
        choices=EventLanguage.choices, required=False, help_text="Held in this language."
    )
    district = serializers.CharField(required=False, max_length=120)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the title or description, any language."
    )
    online = serializers.BooleanField(required=False, allow_null=True, default=None)
    date_from = serializers.DateField(required=False, help_text="First day (Europe/Berlin).")
    date_to = serializers.DateField(required=False, help_text="Last day (Europe/Berlin).")

    def validate(self, attrs):
        first, last = attrs.get("date_from"), attrs.get("date_to")
        if first and last:
            if last < first:
                raise serializers.ValidationError(
                    {"date_to": _("The last day must not be before the first day.")}
                )
            if (last - first).days > selectors.MAX_RANGE_DAYS:
                raise serializers.ValidationError(
                    {
                        "date_to": _("Ask for at most %(days)s days at once.")
                        % {"days": selectors.MAX_RANGE_DAYS}
                    }
                )
        return attrs


def parse_filter(query) -> EventFilter:
    data = EventFilterSerializer(data={k: v for k, v in query.items() if v != ""})
    data.is_valid(raise_exception=True)
    return EventFilter(**data.validated_data)


class EventSeriesInputSerializer(common.PlacedInputSerializer):
    owner = serializers.IntegerField(
        required=False, help_text="Your organisation's id (by default your first)."
    )
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES, default="de", help_text="The language of title and description."
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    categories = common.SlugLookupField(
        many=True, required=False, slug_field="slug", queryset=EventCategory.objects.all()
    )
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False, max_length=7
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=EventLanguage.choices),
        required=False,
        max_length=13,
        help_text="The languages the event is held in.",
    )
    address = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="The venue: '04315 Leipzig', 'Eisenbahnstraße 40, 04315 Leipzig'. Public. "
        "Leave empty for an event online only.",
    )
    venue = serializers.CharField(required=False, allow_blank=True, max_length=200)
    online = serializers.BooleanField(required=False)
    online_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    free = serializers.BooleanField(required=False, default=True)
    cost = serializers.CharField(required=False, allow_blank=True, max_length=200)
    registration_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    registration_required = serializers.BooleanField(required=False)
    places = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10000)
    starts_at = serializers.DateTimeField(
        help_text="The first start; without an offset it is local time (Europe/Berlin)."
    )
    duration_minutes = serializers.IntegerField(
        max_value=31 * 24 * 60, help_text="How long each date lasts."
    )
    rrule = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="RFC 5545 rule with COUNT or UNTIL, e.g. FREQ=WEEKLY;COUNT=10.",
    )
    exdates = serializers.ListField(
        child=serializers.DateTimeField(),
        required=False,
        max_length=500,
        help_text="Dates left out (their start times).",
    )
    rdates = serializers.ListField(
        child=serializers.DateTimeField(),
        required=False,
        max_length=500,
        help_text="Extra dates (their start times).",
    )
    published = serializers.BooleanField(
        required=False,
        default=True,
        help_text="True: publish it (at once, or after review where the organisation's "
        "events are reviewed); false: keep it a draft, or take it down.",
    )


class EventSeriesUpdateSerializer(EventSeriesInputSerializer):
    owner = None
    language = None
    starts_at = serializers.DateTimeField(required=False)
    duration_minutes = serializers.IntegerField(required=False, max_value=31 * 24 * 60)


class EventCancelDateSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The day (Europe/Berlin) whose date is left out.")


class EventAddDateSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The extra date's start.")


def _service_fields(fields: dict) -> dict:
    if "duration_minutes" in fields:
        fields["duration"] = timedelta(minutes=fields.pop("duration_minutes"))
    if "categories" in fields:
        fields["categories"] = list(fields["categories"])
    return fields


# --- output --------------------------------------------------------------------------------------


class EventCategorySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = EventCategory
        fields = ("slug", "name")

    def get_name(self, obj) -> str:
        return obj.name(_language())


class TextMixin(serializers.Serializer):
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    text_language = serializers.SerializerMethodField()
    text_notice = serializers.SerializerMethodField(
        help_text='"" when in the wanted language; "missing" or "outdated": the source is shown.'
    )

    def _series(self, obj) -> EventSeries:
        return obj

    def _reading(self, obj):
        series = self._series(obj)
        cache = self.context.setdefault("readings", {})
        if series.text_id not in cache:
            cache[series.text_id] = reading(series.text, _language())
        return cache[series.text_id]

    def get_title(self, obj) -> str:
        return self._reading(obj)["title"]

    def get_description(self, obj) -> str:
        return self._reading(obj)["description"]

    def get_text_language(self, obj) -> str:
        return self._reading(obj).language

    def get_text_notice(self, obj) -> str:
        return self._reading(obj).notice


# Wrapped in allOf: "status" names other choice sets elsewhere in the API, and the schema's
# enum naming (one component per field name) would make their names collide.
@extend_schema_field(
    {
        "allOf": [{"type": "string", "enum": list(EventStatus.values)}],
        "description": "draft, in_review (waits for a coordinator), published, unpublished.",
    }
)
class StatusField(serializers.CharField):
    """The publication status."""


class EventSeriesSerializer(TextMixin, serializers.ModelSerializer):
    owner = serializers.StringRelatedField()
    status = StatusField(read_only=True)
    categories = EventCategorySerializer(many=True, read_only=True)
    location = common.PointField(source="point", read_only=True, allow_null=True)
    duration_minutes = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()
    is_mine = serializers.SerializerMethodField()

    class Meta:
        model = EventSeries
        fields = (
            "id",
            "title",
            "description",
            "text_language",
            "text_notice",
            "owner",
            "categories",
            "audiences",
            "languages",
            "online",
            "online_url",
            "venue",
            "address",
            "district",
            "location",
            "free",
            "cost",
            "registration_url",
            "registration_required",
            "places",
            "starts_at",
            "duration_minutes",
            "time_zone",
            "rrule",
            "exdates",
            "rdates",
            "last_ends_at",
            "status",
            "published",
            "last_confirmed_on",
            "ics_url",
            "is_mine",
        )

    def get_duration_minutes(self, obj) -> int:
        return int(obj.duration.total_seconds() // 60)

    def get_ics_url(self, obj) -> str:
        return reverse("api:event-series-ics", args=[obj.pk])

    def get_is_mine(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and selectors.may_manage(request.user, obj))


class EventOccurrenceSerializer(TextMixin, serializers.Serializer):
    """One date of a series, with what a list shows of the series."""

    series = serializers.IntegerField(source="occurrence.series_id")
    start = serializers.DateTimeField(source="occurrence.start")
    end = serializers.DateTimeField(source="occurrence.end")
    categories = EventCategorySerializer(source="series.categories", many=True, read_only=True)
    languages = serializers.ListField(source="series.languages", child=serializers.CharField())
    audiences = serializers.ListField(source="series.audiences", child=serializers.CharField())
    online = serializers.BooleanField(source="series.online")
    venue = serializers.CharField(source="series.venue")
    address = serializers.CharField(source="series.address")
    district = serializers.CharField(source="series.district")
    free = serializers.BooleanField(source="series.free")
    cost = serializers.CharField(source="series.cost")
    registration_url = serializers.CharField(source="series.registration_url")

    def _series(self, obj) -> EventSeries:
        return obj.series


class EventSeriesGeoSerializer(TextMixin, GeoFeatureModelSerializer):
    """A map feature at the series' public point (the grid cell of its venue)."""

    class Meta:
        model = EventSeries
        geo_field = "approx_point"
        fields = ("id", "title", "text_language", "text_notice", "venue", "address", "district")


# --- views ---------------------------------------------------------------------------------------


class EventsApi(common.UserLanguageMixin, generics.GenericAPIView):
    """Public reads, writes for the keepers and coordinators; writes are throttled."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [WriteRateThrottle]
    serializer_class = EventSeriesSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EventSeries.objects.none()
        return selectors.visible_to(self.request.user).order_by("starts_at", "pk")

    def get_visible_object(self) -> EventSeries:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def parse(self, input_serializer_class, **kwargs) -> dict:
        data = input_serializer_class(
            data=self.request.data, context={"request": self.request}, **kwargs
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def respond(self, series, code=status.HTTP_200_OK) -> Response:
        series = self.get_queryset().get(pk=series.pk)
        return Response(self.get_serializer(series).data, status=code)

    def page_url(self, series: EventSeries) -> str:
        return self.request.build_absolute_uri(reverse("event-detail", args=[series.pk]))


class OccurrenceListApi(EventsApi):
    """GET: the dates of the published events that the filters find, by start (no login
    needed). Without dates: from now for DEFAULT_DAYS_AHEAD days."""

    permission_classes = [AllowAny]
    serializer_class = EventOccurrenceSerializer

    @extend_schema(
        parameters=[EventFilterSerializer], responses={200: EventOccurrenceSerializer(many=True)}
    )
    def get(self, request, *args, **kwargs):
        f = parse_filter(request.query_params)
        after, before = selectors.window(f)
        found = selectors.occurrences(selectors.filtered(selectors.published(), f), after, before)
        page = self.paginate_queryset([Listed(*pair) for pair in found])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class SeriesCreateApi(EventsApi):
    """POST: a new event or series of your organisation (members and coordinators)."""

    error_statuses = (403, 404)

    @extend_schema(
        request=EventSeriesInputSerializer,
        responses={201: EventSeriesSerializer},
        examples=[OpenApiExample("A weekly evening course", value=SERIES_EXAMPLE)],
    )
    def post(self, request, *args, **kwargs):
        fields = _service_fields(self.parse(EventSeriesInputSerializer))
        if "owner" in fields:
            fields["owner"] = get_object_or_404(Organisation, pk=fields["owner"])
        try:
            series = services.create_series(user=request.user, **fields)
        except ApplicationError as error:
            raise _renamed(error) from error
        return self.respond(series, status.HTTP_201_CREATED)


class SeriesDetailApi(EventsApi):
    """GET one series (published, or one you keep); PATCH changes what is given (its
    keepers and coordinators)."""

    error_statuses = (403,)

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=EventSeriesUpdateSerializer,
        responses={200: EventSeriesSerializer},
        examples=[OpenApiExample("A new end", value={"rrule": "FREQ=WEEKLY;COUNT=12"})],
    )
    def patch(self, request, *args, **kwargs):
        series = self.get_visible_object()
        fields = _service_fields(self.parse(EventSeriesUpdateSerializer, partial=True))
        try:
            series = services.update_series(series=series, user=request.user, **fields)
        except ApplicationError as error:
            raise _renamed(error) from error
        return self.respond(series)


class SeriesCalendarApi(CalendarApiMixin, EventsApi):
    """GET the series as an iCalendar file, with its rule, dates left out and extra dates
    ("add to my calendar")."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "text/calendar"): CALENDAR_RESPONSE})
    def get(self, request, *args, **kwargs):
        series = self.get_visible_object()
        content = calendar.series_calendar(series, _language(), url=self.page_url(series))
        return _calendar_response(content, calendar.filename(series), download=True)


class FeedApi(CalendarApiMixin, EventsApi):
    """GET an iCalendar feed of the published events the filters find (the same query
    parameters as the list): one VEVENT per series with a date in the range. Subscribe to
    its URL; it stays the same for the same filters."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[EventFilterSerializer], responses={(200, "text/calendar"): CALENDAR_RESPONSE}
    )
    def get(self, request, *args, **kwargs):
        f = parse_filter(request.query_params)
        chosen = selectors.in_feed(selectors.filtered(selectors.published(), f), f)
        name = _("Events – Willkommen")
        content = calendar.feed(chosen, _language(), name=name, url_of=self.page_url)
        return _calendar_response(content, "events.ics", download=False)


class MapApi(EventsApi, generics.ListAPIView):
    """The published events the filters find that have a place, as one GeoJSON
    FeatureCollection at their public points."""

    permission_classes = [AllowAny]
    serializer_class = EventSeriesGeoSerializer
    pagination_class = common.MapPagination

    @extend_schema(parameters=[EventFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EventSeries.objects.none()
        f = parse_filter(self.request.query_params)
        found = selectors.in_feed(selectors.filtered(selectors.published(), f), f)
        return (
            found.filter(approx_point__isnull=False)
            .select_related("text")
            .prefetch_related("text__translations")
        )


class SeriesCancelDateApi(EventsApi):
    """POST: leave one date out (an EXDATE), e.g. a course in the school holidays."""

    error_statuses = (403,)

    @extend_schema(
        request=EventCancelDateSerializer,
        responses={200: EventSeriesSerializer},
        examples=[OpenApiExample("A holiday", value={"date": "2026-12-22"})],
    )
    def post(self, request, *args, **kwargs):
        series = self.get_visible_object()
        on = self.parse(EventCancelDateSerializer)["date"]
        series = services.cancel_date(series=series, user=request.user, on=on)
        return self.respond(series)


class SeriesAddDateApi(EventsApi):
    """POST: an extra date (an RDATE) as long as the others."""

    error_statuses = (403,)

    @extend_schema(
        request=EventAddDateSerializer,
        responses={200: EventSeriesSerializer},
        examples=[OpenApiExample("A make-up date", value={"start": "2027-01-07T18:00:00+01:00"})],
    )
    def post(self, request, *args, **kwargs):
        series = self.get_visible_object()
        start = self.parse(EventAddDateSerializer)["start"]
        series = services.add_date(series=series, user=request.user, start=start)
        return self.respond(series)


class SeriesConfirmApi(EventsApi):
    """POST: the series is still right (its keepers and coordinators); it is not overdue."""

    error_statuses = (403,)

    @extend_schema(request=None, responses={200: EventSeriesSerializer})
    def post(self, request, *args, **kwargs):
        series = services.confirm(series=self.get_visible_object(), user=request.user)
        return self.respond(series)


class SeriesSubmitApi(EventsApi):
    """POST: the keepers want the series public: published at once for coordinators and for
    organisations the welcome centre lets publish without review, otherwise it waits for a
    coordinator ("in_review")."""

    error_statuses = (403, 409)

    @extend_schema(request=None, responses={200: EventSeriesSerializer})
    def post(self, request, *args, **kwargs):
        series = services.submit(series=self.get_visible_object(), user=request.user)
        return self.respond(series)


class SeriesApproveApi(EventsApi):
    """POST (coordinators): publish a series that waits for review."""

    error_statuses = (403, 409)

    @extend_schema(request=None, responses={200: EventSeriesSerializer})
    def post(self, request, *args, **kwargs):
        series = services.approve(series=self.get_visible_object(), user=request.user)
        return self.respond(series)


class CategoryListApi(common.UserLanguageMixin, generics.GenericAPIView):
    """GET the event categories, named in the answer's language."""

    permission_classes = [AllowAny]
    serializer_class = EventCategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.categories()

    @extend_schema(responses={200: EventCategorySerializer(many=True)})
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)
