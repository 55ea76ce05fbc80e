"""What every need and offer endpoint shares: language, fields, privacy, filters, views.

A domain module (goods, volunteers, housing) declares its serializers and services and
subclasses the views here; the rules for who reads, changes and sees exact data live in one
place (`lifecycle.selectors`).
"""

from collections.abc import Callable

import django_filters
from django import forms
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from api.errors import call_service
from api.throttles import WriteRateThrottle
from lifecycle import selectors as lifecycle_selectors
from lifecycle import services as lifecycle_services
from lifecycle.states import Status

POINT_SCHEMA = {
    "type": "object",
    "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
}
CONTACT_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string"},
        "phone": {"type": "string"},
        "organisation": {"type": "string"},
    },
}


class UserLanguageMixin:
    """Answer in the language the request asks for, else in the user's preferred language."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and request.user.is_authenticated:
            translation.activate(request.user.preferred_language)
            request.LANGUAGE_CODE = request.user.preferred_language


@extend_schema_field(POINT_SCHEMA)
class PointField(serializers.Field):
    """A point as {"lat": …, "lon": …}, easier to read than GeoJSON for one record."""

    def to_representation(self, value):
        return {"lat": round(value.y, 6), "lon": round(value.x, 6)}


# --- input ---------------------------------------------------------------------------------


class PlacedInputSerializer(serializers.Serializer):
    address = serializers.CharField(
        max_length=300,
        help_text="A postal code, town or district, optionally with a street: "
        "'04229 Leipzig', 'Leipzig-Grünau', 'Karl-Heine-Straße 12, 04229 Leipzig'.",
    )
    latitude = serializers.FloatField(
        required=False, min_value=-90, max_value=90, help_text="Pin set by the user (optional)."
    )
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if ("latitude" in attrs) != ("longitude" in attrs):
            missing = "longitude" if "latitude" in attrs else "latitude"
            raise serializers.ValidationError(
                {missing: _("Give both latitude and longitude, or neither.")}
            )
        moves_pin = "latitude" in attrs or "longitude" in attrs
        if moves_pin and self.partial and "address" not in attrs:
            raise serializers.ValidationError(
                {"address": _("Give the address together with the pin.")}
            )
        return attrs


class DraftInputMixin(serializers.Serializer):
    draft = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Save without publishing; publish later with POST …/publish/.",
    )


# --- output --------------------------------------------------------------------------------


class RecordOutputSerializer(serializers.ModelSerializer):
    """Output of a need or an offer. Fields named in `Meta.private_fields` are null for anyone
    who is not entitled to the record's exact data (see lifecycle.selectors)."""

    approx_location = PointField(source="approx_point", read_only=True)
    address = serializers.CharField(read_only=True, allow_null=True)
    location = PointField(source="point", read_only=True, allow_null=True)
    contact = serializers.SerializerMethodField()
    is_mine = serializers.SerializerMethodField()

    PUBLIC_PLACE = ("district", "place", "approx_location", "geocode_status")
    LIFECYCLE = ("status", "created_at", "updated_at", "closed_at")
    PRIVATE = ("address", "location", "contact")

    def _entitled(self, obj) -> bool:
        is_entitled: Callable | None = self.context.get("is_entitled")
        return bool(is_entitled and is_entitled(obj))

    @extend_schema_field(CONTACT_SCHEMA)
    def get_contact(self, obj) -> dict | None:
        return obj.contact_details()

    def get_is_mine(self, obj) -> bool:
        managed: Callable | None = self.context.get("is_managed")
        return bool(managed and managed(obj))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._entitled(instance):
            for name in getattr(self.Meta, "private_fields", self.PRIVATE):
                if name in data:
                    data[name] = None
        return data


class RecordGeoJsonSerializer(GeoFeatureModelSerializer):
    """A map feature: the approximate point only, never the exact one, for every viewer."""

    class Meta:
        geo_field = "approx_point"
        fields = ("id", "status", "district")


# --- filters -------------------------------------------------------------------------------


class NearForm(forms.Form):
    def clean(self):
        data = super().clean()
        given = [name for name in ("lat", "lon", "within_km") if data.get(name) is not None]
        if given and len(given) < 3:
            for name in {"lat", "lon", "within_km"} - set(given):
                if name not in self.errors:
                    self.add_error(
                        name, _("Give lat, lon and within_km together to search near a point.")
                    )
        return data


class RecordFilterSet(django_filters.FilterSet):
    """status, mine and "within N km of a point" for every list of needs or offers."""

    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    mine = django_filters.BooleanFilter(
        method="filter_mine", label=gettext_lazy("Only records you answer for")
    )
    lat = django_filters.NumberFilter(
        method="filter_near", label="Latitude of the centre", min_value=-90, max_value=90
    )
    lon = django_filters.NumberFilter(
        method="filter_near", label="Longitude of the centre", min_value=-180, max_value=180
    )
    within_km = django_filters.NumberFilter(
        method="filter_near",
        label="Radius around lat/lon in kilometres",
        min_value=0.01,
        max_value=500,
    )

    class Meta:
        form = NearForm
        fields: tuple = ()

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        q = lifecycle_selectors.managed_q(queryset.model, self.request.user)
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_near(self, queryset, name, value):
        # All three arrive together (the form checks that); filter once, on within_km.
        if name != "within_km":
            return queryset
        data = self.form.cleaned_data
        centre = Point(float(data["lon"]), float(data["lat"]), srid=4326)
        return queryset.filter(point__dwithin=(centre, D(km=float(value))))


# --- views ---------------------------------------------------------------------------------


class RecordApiMixin(UserLanguageMixin):
    """Model, serializer and the visibility rules of one kind of need or offer."""

    model = None
    serializer_class = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no real user
            return self.model.objects.none()
        qs = lifecycle_selectors.visible_to(self.model, self.request.user)
        return (
            qs.select_related(*self.select_related)
            .prefetch_related(*self.prefetch_related)
            .order_by("-created_at", "-id")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["is_entitled"] = lifecycle_selectors.entitled_to_exact_data(user)
        manageable = (
            set(lifecycle_selectors.manageable_by(self.model, user).values_list("pk", flat=True))
            if user.is_authenticated and not getattr(self, "swagger_fake_view", False)
            else set()
        )
        context["is_managed"] = lambda record: record.pk in manageable
        return context

    def get_managed_object(self):
        """The record in the URL if the user may change it: 404 if they cannot even see it,
        403 if they can see it but it is not theirs."""
        record = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if (
            not lifecycle_selectors.manageable_by(self.model, self.request.user)
            .filter(pk=record.pk)
            .exists()
        ):
            raise PermissionDenied(_("Only its owner can change this record."))
        return record

    def respond(self, record, code=status.HTTP_200_OK) -> Response:
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=code)


class RecordListCreateApi(RecordApiMixin, generics.ListCreateAPIView):
    """GET: the records the user may see, filtered and paginated. POST: create one."""

    throttle_classes = [WriteRateThrottle]
    input_serializer_class = None
    create_service: Callable = None

    def prepare(self, fields: dict) -> dict:
        """Turn validated input into service arguments (override to resolve ids)."""
        return fields

    def post(self, request, *args, **kwargs):
        data = self.input_serializer_class(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = self.prepare(dict(data.validated_data))
        record = call_service(type(self).create_service, user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class RecordDetailApi(RecordApiMixin, generics.GenericAPIView):
    """GET one record; PATCH changes what is given (owner only)."""

    throttle_classes = [WriteRateThrottle]
    update_serializer_class = None
    update_service: Callable = None

    def prepare(self, fields: dict) -> dict:
        return fields

    def get(self, request, *args, **kwargs):
        record = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return Response(self.get_serializer(record).data)

    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        data = self.update_serializer_class(
            data=request.data, partial=True, context={"request": request, "record": record}
        )
        data.is_valid(raise_exception=True)
        fields = self.prepare(dict(data.validated_data))
        record = call_service(type(self).update_service, record=record, user=request.user, **fields)
        return self.respond(record)


class _TransitionApi(RecordApiMixin, generics.GenericAPIView):
    throttle_classes = [WriteRateThrottle]
    transition_service: Callable = None

    def post(self, request, *args, **kwargs):
        record = self.get_managed_object()
        record = call_service(type(self).transition_service, record=record, actor=request.user)
        return self.respond(record)


class RecordWithdrawApi(_TransitionApi):
    """Withdraw a record: it is no longer matched and its live matches are cancelled."""

    transition_service = lifecycle_services.withdraw


class RecordPublishApi(_TransitionApi):
    """Publish a draft: it becomes open and is matched."""

    transition_service = lifecycle_services.publish


class RecordGeoJsonApi(RecordApiMixin, generics.ListAPIView):
    """The records the user may see as a GeoJSON FeatureCollection of approximate points."""

    pagination_class = GeoJsonPagination


def transition_views(kind: type) -> tuple[type, type]:
    """The withdraw and publish views of one kind, given the class that names its model,
    serializer and related rows (the same one its list and detail views use)."""
    documented = extend_schema(request=None, responses={200: kind.serializer_class})
    name = kind.model.__name__
    withdraw = type(f"{name}WithdrawApi", (kind, RecordWithdrawApi), {})
    publish = type(f"{name}PublishApi", (kind, RecordPublishApi), {})
    withdraw.post = documented(withdraw.post)
    publish.post = documented(publish.post)
    return withdraw, publish


def record_urls(prefix: str, name: str, *, listing, detail, withdraw, publish, geojson) -> list:
    """The five endpoints of one kind of need or offer, named `<name>`, `<name>-detail` …"""
    return [
        path(f"{prefix}/", listing.as_view(), name=name),
        path(f"{prefix}/map/", geojson.as_view(), name=f"{name}-map"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{name}-detail"),
        path(f"{prefix}/<int:pk>/withdraw/", withdraw.as_view(), name=f"{name}-withdraw"),
        path(f"{prefix}/<int:pk>/publish/", publish.as_view(), name=f"{name}-publish"),
    ]
