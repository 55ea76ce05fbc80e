"""The directory of services and providers (issue 14): public reading without login, writes
for the organisation's members and coordinators (as on the pages).

Texts are answered in the language of Accept-Language (else the user's preferred language),
with `text_language` and `text_notice` ("missing" or "outdated": the source text is shown
instead). A service is a public place: its address, point and public contact are public.
The rules live in `directory.services`; the search in `directory.selectors`.
"""

import django_filters
from django import forms
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.models import Organisation
from api import common
from api.throttles import WriteRateThrottle
from directory import selectors, services
from directory.models import (
    Audience,
    Cost,
    ProviderKind,
    ProviderProfile,
    PublicationStatus,
    Service,
)
from directory.taxonomy import SPOKEN, TOPICS, spoken_name, topic_name
from editorial.languages import content_languages
from editorial.selectors import reading

SERVICE_EXAMPLE = {
    "provider": 1,
    "language": "de",
    "title": "Asylverfahrensberatung",
    "description": "Offene Sprechstunde zum Asylverfahren, auch auf Arabisch und Farsi.",
    "topics": ["asylum", "legal_advice"],
    "audience": ["everyone"],
    "languages": ["de", "ar", "fa"],
    "cost": "free",
    "appointment_only": False,
    "barrier_free": True,
    "address": "Eisenbahnstraße 40, 04315 Leipzig",
    "phone": "+49 341 1234567",
    "hours": [
        {"weekday": 0, "opens": "09:00", "closes": "13:00"},
        {"weekday": 4, "opens": "20:00", "closes": "02:00"},
    ],
    "exceptions": [{"date": "2026-12-25", "closed": True, "note": "Weihnachten"}],
}
PROVIDER_EXAMPLE = {
    "organisation": 1,
    "language": "de",
    "name": "Beratungsnetz Ost",
    "description": "Beratung für Geflüchtete in vielen Sprachen.",
    "kind": "counselling",
    "website": "https://beratungsnetz.example.org",
    "email": "info@beratungsnetz.example.org",
}
LANGUAGE_CHOICES = [(code, code) for code in content_languages()]


def _inline_choices(choices, **kwargs) -> serializers.ChoiceField:
    """A choice field documented in place: "kind" and "status" name other choice sets in
    other parts of the API, and one component name per set would need a settings entry."""

    # Wrapped in allOf, so that the schema's enum naming (one component per field name)
    # leaves it in place.
    @extend_schema_field({"allOf": [{"type": "string", "enum": [v for v, _label in choices]}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


# --- input ---------------------------------------------------------------------------------------


class ServiceHoursInputSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="Monday 0 … Sunday 6")
    opens = serializers.TimeField()
    closes = serializers.TimeField(
        help_text="Before `opens`: past midnight, up to 06:00 (20:00–02:00). "
        "18:00–09:00 is refused as ending before it starts."
    )


class ServiceExceptionInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    closed = serializers.BooleanField(default=True)
    opens = serializers.TimeField(required=False, allow_null=True)
    closes = serializers.TimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=120)


class ServiceInputSerializer(common.PlacedInputSerializer):
    provider = serializers.IntegerField(help_text="The provider profile's id.")
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES, default="de", help_text="The language the texts are in."
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    cost_note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    topics = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=12, help_text="See topics/."
    )
    audience = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=12, required=False
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8),
        max_length=40,
        help_text="ISO 639 codes of the languages the staff speak; see languages/.",
    )
    cost = serializers.ChoiceField(choices=Cost.choices, required=False)
    appointment_only = serializers.BooleanField(required=False)
    barrier_free = serializers.BooleanField(required=False)
    website = serializers.CharField(required=False, allow_blank=True, max_length=300)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    hours = ServiceHoursInputSerializer(many=True, required=False, max_length=28)
    exceptions = ServiceExceptionInputSerializer(many=True, required=False, max_length=60)


class ServiceUpdateSerializer(ServiceInputSerializer):
    provider = None
    address = serializers.CharField(max_length=300, required=False)
    language = serializers.ChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text="The language of the texts given; another than the source is a translation.",
    )
    title = serializers.CharField(max_length=200, required=False)
    topics = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=12, required=False
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), max_length=40, required=False
    )
    hours = ServiceHoursInputSerializer(
        many=True, required=False, max_length=28, help_text="Replaces all weekly hours."
    )
    exceptions = ServiceExceptionInputSerializer(
        many=True, required=False, max_length=60, help_text="Replaces all dates."
    )


class ProviderInputSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="The organisation's id.")
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, default="de")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    kind = _inline_choices(ProviderKind.choices, required=False, help_text="What kind of provider.")
    website = serializers.CharField(required=False, allow_blank=True, max_length=300)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    needs_review = serializers.BooleanField(
        required=False, help_text="Coordinators only: publish after review."
    )


class ProviderUpdateSerializer(ProviderInputSerializer):
    organisation = None
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    name = serializers.CharField(max_length=200, required=False)


# --- output --------------------------------------------------------------------------------------


class ServiceHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField()
    opens = serializers.TimeField(format="%H:%M")
    closes = serializers.TimeField(format="%H:%M")
    overnight = serializers.BooleanField(help_text="Ends the next day.")


class ServiceExceptionSerializer(serializers.Serializer):
    date = serializers.DateField()
    closed = serializers.BooleanField()
    opens = serializers.TimeField(format="%H:%M", allow_null=True)
    closes = serializers.TimeField(format="%H:%M", allow_null=True)
    note = serializers.CharField()


class DirectoryNamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


def _language() -> str:
    return (get_language() or "de").split("-")[0]


class TextMixin(serializers.Serializer):
    text_language = serializers.SerializerMethodField()
    text_notice = serializers.SerializerMethodField(
        help_text='"" when in the wanted language; "missing" or "outdated": the source is shown.'
    )

    def _reading(self, obj):
        cache = self.context.setdefault("readings", {})
        if obj.text_id not in cache:
            cache[obj.text_id] = reading(obj.text, _language())
        return cache[obj.text_id]

    def get_text_language(self, obj) -> str:
        return self._reading(obj).language

    def get_text_notice(self, obj) -> str:
        return self._reading(obj).notice


class ProviderSerializer(TextMixin, serializers.ModelSerializer):
    kind = _inline_choices(ProviderKind.choices, read_only=True)
    status = _inline_choices(PublicationStatus.choices, read_only=True)
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = ProviderProfile
        fields = (
            "id",
            "organisation",
            "name",
            "description",
            "text_language",
            "text_notice",
            "kind",
            "website",
            "phone",
            "email",
            "needs_review",
            "status",
            "last_confirmed_on",
        )

    def get_name(self, obj) -> str:
        return self._reading(obj)["name"]

    def get_description(self, obj) -> str:
        return self._reading(obj)["description"]


class ServiceSerializer(TextMixin, serializers.ModelSerializer):
    status = _inline_choices(PublicationStatus.choices, read_only=True)
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    cost_note = serializers.SerializerMethodField()
    provider_name = serializers.SerializerMethodField()
    topic_names = serializers.SerializerMethodField()
    language_names = serializers.SerializerMethodField()
    location = common.PointField(source="point", read_only=True)
    hours = ServiceHoursSerializer(many=True, read_only=True)
    exceptions = ServiceExceptionSerializer(many=True, read_only=True)
    open_now = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = (
            "id",
            "provider",
            "provider_name",
            "title",
            "description",
            "cost_note",
            "text_language",
            "text_notice",
            "topics",
            "topic_names",
            "audience",
            "languages",
            "language_names",
            "cost",
            "appointment_only",
            "barrier_free",
            "address",
            "postal_code",
            "place",
            "district",
            "location",
            "website",
            "phone",
            "email",
            "hours",
            "exceptions",
            "open_now",
            "distance_km",
            "status",
            "last_confirmed_on",
        )

    def get_title(self, obj) -> str:
        return self._reading(obj)["title"]

    def get_description(self, obj) -> str:
        return self._reading(obj)["description"]

    def get_cost_note(self, obj) -> str:
        return self._reading(obj)["cost_note"]

    def get_provider_name(self, obj) -> str:
        return selectors.provider_name(obj, _language())

    @extend_schema_field(DirectoryNamedSerializer(many=True))
    def get_topic_names(self, obj) -> list[dict]:
        return [{"code": slug, "name": topic_name(slug)} for slug in obj.topics]

    @extend_schema_field(DirectoryNamedSerializer(many=True))
    def get_language_names(self, obj) -> list[dict]:
        return [{"code": code, "name": spoken_name(code)} for code in obj.languages]

    def get_open_now(self, obj) -> bool:
        return selectors.is_open(obj, self.context.get("now") or timezone.now())

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance.km, 2)


class ServiceGeoSerializer(GeoFeatureModelSerializer):
    title = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The service's web page.")

    class Meta:
        model = Service
        geo_field = "point"
        fields = ("id", "title", "district", "appointment_only", "barrier_free", "url")

    def get_title(self, obj) -> str:
        return reading(obj.text, _language())["title"]

    def get_url(self, obj) -> str:
        return reverse("directory-service", args=[obj.pk])


class DirectoryTopicSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(help_text="In the language asked for.")
    names = serializers.DictField(child=serializers.CharField(), help_text="By language.")


# --- filters -------------------------------------------------------------------------------------


class SearchForm(forms.Form):
    def clean(self):
        data = super().clean()
        given = [name for name in ("lat", "lon") if data.get(name) is not None]
        if len(given) == 1:
            for name in {"lat", "lon"} - set(given):
                self.add_error(name, _("Give lat and lon together to search near a point."))
        if data.get("within_km") is not None and len(given) < 2:
            self.add_error("within_km", _("Give lat and lon with within_km."))
        return data


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="noop", label="Words, matched in every language's own configuration"
    )
    topic = django_filters.ChoiceFilter(
        choices=[(slug, slug) for slug in TOPICS], method="noop", label="A topic (see topics/)"
    )
    language = django_filters.ChoiceFilter(
        choices=[(code, code) for code in SPOKEN],
        method="noop",
        label="A language the staff speak (ISO 639)",
    )
    open_now = django_filters.BooleanFilter(method="noop", label="Open right now (Berlin time)")
    open_at = django_filters.IsoDateTimeFilter(
        method="noop", label="Open at this moment (ISO 8601 with offset)"
    )
    lat = django_filters.NumberFilter(method="noop", min_value=-90, max_value=90)
    lon = django_filters.NumberFilter(method="noop", min_value=-180, max_value=180)
    within_km = django_filters.NumberFilter(method="noop", min_value=0.1, max_value=200)
    barrier_free = django_filters.BooleanFilter(method="noop")
    appointment_only = django_filters.BooleanFilter(
        method="noop", label="true: by appointment only; false: open consultation"
    )
    provider = django_filters.NumberFilter(method="noop", min_value=1)
    audience = django_filters.ChoiceFilter(choices=Audience.choices, method="noop")

    class Meta:
        model = Service
        form = SearchForm
        fields: tuple = ()

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        moment = data.get("open_at") or (timezone.now() if data.get("open_now") else None)
        near = None
        if data.get("lat") is not None and data.get("lon") is not None:
            near = (float(data["lat"]), float(data["lon"]))
        search = selectors.Search(
            query=data.get("q") or "",
            topic=data.get("topic") or "",
            language=data.get("language") or "",
            open_at=moment,
            near=near,
            within_km=float(data["within_km"]) if data.get("within_km") else None,
            barrier_free=data.get("barrier_free"),
            appointment_only=data.get("appointment_only"),
            provider=int(data["provider"]) if data.get("provider") else None,
        )
        queryset = selectors.search_services(search, queryset)
        if data.get("audience"):
            queryset = queryset.filter(audience__contains=[data["audience"]])
        return queryset


# --- views ---------------------------------------------------------------------------------------


class DirectoryApi(common.UserLanguageMixin, generics.GenericAPIView):
    """Public reads, writes for members and coordinators; writes are throttled."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [WriteRateThrottle]

    def parse(self, input_serializer_class, **kwargs) -> dict:
        data = input_serializer_class(
            data=self.request.data, context={"request": self.request}, **kwargs
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


class ServiceApi(DirectoryApi):
    serializer_class = ServiceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Service.objects.none()
        user = self.request.user
        return selectors.for_listing(selectors.visible_services(user)).order_by("district", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def respond(self, service, code=status.HTTP_200_OK) -> Response:
        service = self.get_queryset().get(pk=service.pk)
        return Response(self.get_serializer(service).data, status=code)

    def get_editable_object(self) -> Service:
        """404 if the user cannot see it; the service decides whether they may change it."""
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


def _service_fields(fields: dict) -> dict:
    for name in ("hours", "exceptions"):
        if name in fields:
            fields[name] = [dict(row) for row in fields[name]]
    return fields


class ServiceListCreateApi(ServiceApi, generics.ListAPIView):
    """GET: the directory's services, searched and filtered (no login needed; nearest first
    with lat/lon). POST: a new service of your organisation's provider profile, as a draft."""

    filterset_class = ServiceFilterSet
    error_statuses = (403, 404)

    @extend_schema(
        request=ServiceInputSerializer,
        responses={201: ServiceSerializer},
        examples=[OpenApiExample("An evening counselling hour", value=SERVICE_EXAMPLE)],
    )
    def post(self, request, *args, **kwargs):
        fields = _service_fields(self.parse(ServiceInputSerializer))
        provider = get_object_or_404(
            selectors.visible_profiles(request.user), pk=fields.pop("provider")
        )
        service = services.create_service(provider=provider, actor=request.user, **fields)
        return self.respond(service, status.HTTP_201_CREATED)


class ServiceDetailApi(ServiceApi):
    """GET one service; PATCH changes what is given (the organisation's members and
    coordinators)."""

    error_statuses = (403,)

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_editable_object()).data)

    @extend_schema(
        request=ServiceUpdateSerializer,
        responses={200: ServiceSerializer},
        examples=[OpenApiExample("Now barrier-free", value={"barrier_free": True})],
    )
    def patch(self, request, *args, **kwargs):
        service = self.get_editable_object()
        fields = _service_fields(self.parse(ServiceUpdateSerializer, partial=True))
        service = services.update_service(service=service, actor=request.user, **fields)
        return self.respond(service)


class ServicePublishApi(ServiceApi):
    """Publish a draft: public at once, or waiting for review if the organisation's profile
    says so."""

    error_statuses = (403, 409)

    @extend_schema(request=None, responses={200: ServiceSerializer})
    def post(self, request, *args, **kwargs):
        service = services.publish_service(service=self.get_editable_object(), actor=request.user)
        return self.respond(service)


class ServiceApproveApi(ServiceApi):
    """Coordinators: publish a service that waits for review."""

    error_statuses = (403, 409)

    @extend_schema(request=None, responses={200: ServiceSerializer})
    def post(self, request, *args, **kwargs):
        service = services.approve_service(service=self.get_editable_object(), actor=request.user)
        return self.respond(service)


class ServiceMapApi(ServiceApi, generics.ListAPIView):
    """The services found by the same filters as the list, as one GeoJSON FeatureCollection
    at their own points (public places)."""

    serializer_class = ServiceGeoSerializer
    filterset_class = ServiceFilterSet
    pagination_class = common.MapPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Service.objects.none()
        return (
            selectors.visible_services(None)
            .select_related("text")
            .prefetch_related("text__translations")
            .order_by("district", "pk")
        )


class ProviderApi(DirectoryApi):
    serializer_class = ProviderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProviderProfile.objects.none()
        return (
            selectors.visible_profiles(self.request.user)
            .select_related("text", "organisation")
            .prefetch_related("text__translations")
            .order_by("organisation__name", "pk")
        )

    def respond(self, profile, code=status.HTTP_200_OK) -> Response:
        profile = self.get_queryset().get(pk=profile.pk)
        return Response(self.get_serializer(profile).data, status=code)

    def get_editable_object(self) -> ProviderProfile:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class ProviderListCreateApi(ProviderApi, generics.ListAPIView):
    """GET: the providers' public profiles. POST: your organisation's profile (one each)."""

    error_statuses = (403, 404)

    @extend_schema(
        request=ProviderInputSerializer,
        responses={201: ProviderSerializer},
        examples=[OpenApiExample("A counselling service", value=PROVIDER_EXAMPLE)],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(ProviderInputSerializer)
        organisation = get_object_or_404(Organisation, pk=fields.pop("organisation"))
        if ProviderProfile.objects.filter(organisation=organisation).exists():
            return Response(
                {"organisation": [_("This organisation has a profile already; change it.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        profile = services.save_provider_profile(
            organisation=organisation, actor=request.user, **fields
        )
        return self.respond(profile, status.HTTP_201_CREATED)


class ProviderDetailApi(ProviderApi):
    """GET one profile; PATCH changes what is given (members and coordinators)."""

    error_statuses = (403,)

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_editable_object()).data)

    @extend_schema(
        request=ProviderUpdateSerializer,
        responses={200: ProviderSerializer},
        examples=[OpenApiExample("A new website", value={"website": "https://example.org"})],
    )
    def patch(self, request, *args, **kwargs):
        profile = self.get_editable_object()
        fields = self.parse(ProviderUpdateSerializer, partial=True)
        profile = services.save_provider_profile(
            organisation=profile.organisation, actor=request.user, **fields
        )
        return self.respond(profile)


class ProviderPublishApi(ProviderApi):
    """Publish the profile: at once, or after review."""

    error_statuses = (403, 409)

    @extend_schema(request=None, responses={200: ProviderSerializer})
    def post(self, request, *args, **kwargs):
        profile = services.publish_profile(profile=self.get_editable_object(), actor=request.user)
        return self.respond(profile)


class ProviderApproveApi(ProviderApi):
    """Coordinators: publish a profile that waits for review."""

    error_statuses = (403, 409)

    @extend_schema(request=None, responses={200: ProviderSerializer})
    def post(self, request, *args, **kwargs):
        profile = services.approve_profile(profile=self.get_editable_object(), actor=request.user)
        return self.respond(profile)


class TopicListApi(common.UserLanguageMixin, APIView):
    """The directory's fixed topics, named in the language asked for and in every language."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: DirectoryTopicSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        rows = [
            {"slug": slug, "name": topic_name(slug, _language()), "names": names}
            for slug, names in TOPICS.items()
        ]
        return Response(DirectoryTopicSerializer(rows, many=True).data)


class SpokenLanguageListApi(APIView):
    """The languages a service may name as spoken: ISO 639 codes, each in its own name."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: DirectoryNamedSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        rows = [{"code": code, "name": name} for code, name in SPOKEN.items()]
        return Response(DirectoryNamedSerializer(rows, many=True).data)
