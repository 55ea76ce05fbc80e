"""What every need and offer endpoint shares: language, fields, privacy, filters, and the
base view that says which records a kind's endpoints may read and change.

A kind's module (goods, volunteers, housing) writes one class per endpoint, naming its input
and output serializers and the service it calls; `api/urls.py` gives each its path. Who reads,
changes and sees exact data is decided below the API (`matching.selectors`,
`lifecycle.selectors`); the base view only asks.
"""

import re
from collections.abc import Callable

import django_filters
from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import FloatField, Func
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.pagination import GeoJsonPagination
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.models import Organisation
from api.pagination import CountedWithRowsPaginator
from api.throttles import WriteRateThrottle
from base.signals import personal_data_shown
from geo.privacy import minimum_search_radius_km
from lifecycle import selectors as lifecycle_selectors
from lifecycle.states import Status
from matching import selectors as matching_selectors

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


class SlugLookupField(serializers.SlugRelatedField):
    """A related row named by its slug (a category, a skill). A value that cannot be a slug
    (a null byte, a control character, a page of text) is "invalid" without asking the
    database, which would fail on a null byte, and without repeating it back: JSON bodies are
    checked by the parser already, but CSV cells and future form input come here too."""

    SLUG = re.compile(r"^[-\w]{1,120}\Z")  # as long as a SlugField of ours may be

    def to_internal_value(self, data):
        if isinstance(data, str) and not self.SLUG.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)


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
        data = show_as_told(instance, super().to_representation(instance))
        if not self._entitled(instance):
            for name in getattr(self.Meta, "private_fields", self.PRIVATE):
                if name in data:
                    data[name] = None
        elif not self.get_is_mine(instance):
            tell_exact_data_shown(self.context.get("request"), instance)
        return data


def show_as_told(instance, data: dict) -> dict:
    """Status and open quantity as `matching.selectors.as_shown` annotated them for a viewer
    who is not a coordinator: unreviewed proposals stay internal."""
    if "status" in data:
        data["status"] = matching_selectors.status_told(instance)
    if data.get("quantity_open") is not None:
        data["quantity_open"] = matching_selectors.open_told(instance)
    return data


def tell_exact_data_shown(request, record) -> None:
    """The exact address or contact of a record the viewer does not answer for was shown:
    noted on the request; `ExactDataAuditMixin` hands the request's records to the audit
    (privacy) once the answer is ready, in one write however long the page."""
    if request is not None and request.user.is_authenticated:
        request.exact_data_shown = [*getattr(request, "exact_data_shown", ()), record]


class ExactDataAuditMixin:
    """Views whose serializers show exact data: after the answer, the audit hears who saw
    whose data and why."""

    def finalize_response(self, request, response, *args, **kwargs):
        shown = getattr(request, "exact_data_shown", ())
        if shown:
            viewer = request.user
            why = "coordinator" if viewer.is_coordinator else "the other side of an accepted match"
            personal_data_shown.send(sender=__name__, viewer=viewer, records=shown, why=why)
        return super().finalize_response(request, response, *args, **kwargs)


POINT = "approx_point"


class _Coordinate(Func):
    """One coordinate of a geography point, as PostgreSQL's double precision."""

    output_field = FloatField()

    def __init__(self, function: str, point: str):
        super().__init__(
            point, function=function, template="%(function)s(%(expressions)s::geometry)"
        )


def only_columns(queryset, columns: tuple[str, ...]):
    """The rows with only `columns` read. The public point, where it is among them, comes as
    its two coordinates (`approx_lon`, `approx_lat`) that `PointAsGeoJsonField` writes:
    reading each point into GEOS only to take its coordinates out again was a fifth of a
    500-feature map's time (bench/load)."""
    if POINT not in columns:
        return queryset.only(*columns)
    return queryset.only(*(c for c in columns if c != POINT)).annotate(
        approx_lon=_Coordinate("ST_X", POINT), approx_lat=_Coordinate("ST_Y", POINT)
    )


class PointAsGeoJsonField(GeometryField):
    """The public point as a GeoJSON geometry, written from its coordinates: those PostgreSQL
    gave (`only_columns`) where the row has them, else the point's. The library's field goes
    through GDAL's JSON writer twice per point."""

    def get_attribute(self, instance):
        if hasattr(instance, "approx_lon"):
            return (instance.approx_lon, instance.approx_lat)
        return super().get_attribute(instance)

    def to_representation(self, value):
        if isinstance(value, tuple):
            lon, lat = value
            return None if lon is None else {"type": "Point", "coordinates": [lon, lat]}
        if value is None or value.empty:
            return super().to_representation(value)
        return {"type": "Point", "coordinates": [value.x, value.y]}


class RecordGeoJsonSerializer(GeoFeatureModelSerializer):
    """A map feature: the approximate point only, never the exact one, for every viewer."""

    approx_point = PointAsGeoJsonField(read_only=True)

    class Meta:
        geo_field = "approx_point"
        fields = ("id", "status", "district")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        show_as_told(instance, data["properties"])
        return data


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
        radius, smallest = data.get("within_km"), minimum_search_radius_km()
        if radius is not None and radius < smallest:
            # Refused rather than rounded up: a client that asked for 100 m should learn that
            # the answer cannot be that precise, not receive it as if it were.
            self.add_error(
                "within_km",
                _(
                    "Places are public only to about %(metres)s m, so search at least "
                    "%(km)s km around the point."
                )
                % {"metres": settings.APPROXIMATE_GRID_METRES, "km": smallest},
            )
        return data


class RecordFilterSet(django_filters.FilterSet):
    """status, mine and "within N km of a point" for every list of needs or offers."""

    status = django_filters.MultipleChoiceFilter(choices=Status.choices, method="filter_status")
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
        label="Radius around lat/lon in kilometres, at least one cell of the public grid "
        "(APPROXIMATE_GRID_METRES, 0.5 km by default); records count by their approximate "
        "points",
        max_value=500,
    )

    class Meta:
        form = NearForm
        fields: tuple = ()

    def filter_status(self, queryset, name, value):
        # The status the viewer is shown (matching.selectors.as_shown), so that a filter cannot
        # tell what the answer hides.
        if not value:
            return queryset
        field = "shown_status" if "shown_status" in queryset.query.annotations else "status"
        return queryset.filter(**{f"{field}__in": value})

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
        # The public point, for everyone: who is in a circle is visible to whoever asks, and
        # shrinking circles around the exact point would find it to a metre. Owners and
        # coordinators too, so that a list never disagrees with the approximate places it
        # shows and nobody's filter depends on who they are.
        return queryset.filter(approx_point__dwithin=(centre, D(km=float(value))))


# --- views ---------------------------------------------------------------------------------


def with_organisation(fields: dict) -> dict:
    """Parsed input with the initiative's id replaced by the initiative (404 if unknown), as
    the create services take it; whether the user may post for it is the service's question."""
    if "organisation" in fields:
        fields["organisation"] = get_object_or_404(Organisation, pk=fields["organisation"])
    return fields


class RecordApi(ExactDataAuditMixin, UserLanguageMixin, generics.GenericAPIView):
    """The records of one kind of need or offer a user may see (the queryset), the one they
    may change (`get_managed_object`), and what the output serializer needs to hide exact
    data. A kind's base class names `model`, `serializer_class` and its related rows."""

    model = None
    serializer_class = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # The columns an endpoint shows, where it shows few of them (maps): the rest of each row,
    # the exact point and address among them, is not even read. Empty: every column.
    columns: tuple[str, ...] = ()
    # Reads are not throttled by it; creating and changing records are.
    throttle_classes = [WriteRateThrottle]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no real user
            return self.model.objects.none()
        qs = matching_selectors.visible_to(self.model, self.request.user)
        qs = matching_selectors.as_shown(qs, self.request.user)
        # Never select_related() without names: that follows every foreign key, the owner's
        # account with its password hash among them.
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        qs = qs.prefetch_related(*self.prefetch_related)
        if self.columns:
            qs = only_columns(qs, self.columns)
        return qs.order_by("-created_at", "-id")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["is_entitled"] = matching_selectors.entitled_to_exact_data(user)
        manageable = (
            set(lifecycle_selectors.manageable_by(self.model, user).values_list("pk", flat=True))
            if user.is_authenticated and not getattr(self, "swagger_fake_view", False)
            else set()
        )
        context["is_managed"] = lambda record: record.pk in manageable
        return context

    def get_visible_object(self):
        """The record in the URL if the user may see it, else 404 (list filters do not apply)."""
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_managed_object(self):
        """The record in the URL if the user may change it: 404 if they cannot even see it,
        403 if they can see it but it is not theirs."""
        record = self.get_visible_object()
        if (
            not lifecycle_selectors.manageable_by(self.model, self.request.user)
            .filter(pk=record.pk)
            .exists()
        ):
            raise PermissionDenied(_("Only its owner can change this record."))
        return record

    def parse(self, input_serializer_class: type[serializers.Serializer], **kwargs) -> dict:
        """The request body parsed by the endpoint's input serializer (400 if it cannot be)."""
        data = input_serializer_class(
            data=self.request.data, context={"request": self.request}, **kwargs
        )
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def respond(self, record, code: int = status.HTTP_200_OK) -> Response:
        """The record as the output serializer shows it to this user, read again through the
        queryset so that related rows and privacy are the same as in a GET."""
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=code)


class IdsFirstPagination(PageNumberPagination):
    """Pages of a queryset that joins many tables: the count and the page's ids come from the
    filtered, ordered queryset without its joins, and only the page's rows are read with them.
    Sorting every joined row to keep 50 of them took the coordinator's match list most of its
    time (0.3–0.6 s in PostgreSQL over 1,500–24,000 matches)."""

    def paginate_queryset(self, queryset, request, view=None):
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True), request, view)
        if ids is None:
            return None
        # The rows are read through the same queryset: its filters hold again for each.
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]


class MapPagination(GeoJsonPagination):
    """A page of map features: one GeoJSON FeatureCollection with the page's count and links
    beside its features (foreign members, which GeoJSON allows)."""

    django_paginator_class = CountedWithRowsPaginator
    # A map may ask for many points at once, but not for a whole table in one answer.
    max_page_size = 1000

    def get_paginated_response_schema(self, schema: dict) -> dict:
        # `schema` is the kind's FeatureCollection (drf-spectacular's GeoJSON extension);
        # rest_framework_gis's own schema nests it under "features" and requires "results".
        page = PageNumberPagination.get_paginated_response_schema(self, schema)["properties"]
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["type", "count", "next", "previous", "features"],
                    "properties": {name: page[name] for name in ("count", "next", "previous")},
                },
            ]
        }


class RecordMapApi(generics.ListAPIView):
    """A kind's map endpoint lists like its list endpoint, as one GeoJSON FeatureCollection."""

    pagination_class = MapPagination
