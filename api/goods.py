"""Goods: the taxonomy, goods needs and donation offers."""

import re

import django_filters
from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import common, imports
from base.db_routing import ReadsFromReplica
from donations import services
from donations.imports import import_goods_needs
from donations.models import Category, Condition, DonationOffer, GoodsNeed, PickupWindow
from donations.selectors import descendant_ids
from lifecycle import services as lifecycle_services

JACKETS_NEED = {
    "title": "Winter jackets for the shelter in Grünau",
    "category": "clothing-winter-jacket",
    "attributes": {"size": "M"},
    "quantity": 20,
    "address": "Leipzig-Grünau",
}
JACKETS_OFFER = {
    "title": "Winter jackets, hardly worn",
    "category": "clothing-winter-jacket",
    "attributes": {"size": "M"},
    "quantity": 12,
    "address": "Leipzig-Lindenau",
    "condition": "like_new",
}
JACKETS_OFFER_WITH_WINDOWS = {
    **JACKETS_OFFER,
    "pickup_windows": [
        {"start": "2030-12-05T16:00:00+01:00", "end": "2030-12-05T19:00:00+01:00"},
        {"start": "2030-12-07T10:00:00+01:00", "end": "2030-12-07T13:00:00+01:00"},
    ],
}
NEEDS_CSV = (
    "title;category;quantity;address;size;deadline\n"
    "Winterjacken M;clothing-winter-jacket;20;Leipzig-Grünau;M;31.12.2030\n"
    "Kinderwagen;baby-stroller;2;04315 Leipzig;;\n"
)


# --- serializers -----------------------------------------------------------------------------


class CategoryField(common.SlugLookupField):
    default_error_messages = {
        "does_not_exist": _("Unknown category “{value}”. See /api/v1/categories/."),
        "invalid": _("Give the category as its name, for example clothing-winter-jacket."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Category.objects.all(), **kwargs)


class GoodsInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    category = CategoryField()
    attributes = serializers.DictField(child=serializers.CharField(max_length=40), required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=100_000)


class GoodsNeedInputSerializer(GoodsInputSerializer):
    deadline = serializers.DateField(required=False, allow_null=True)
    max_distance_km = serializers.FloatField(
        required=False, allow_null=True, min_value=0.1, max_value=200
    )
    organisation = serializers.IntegerField(required=False, help_text="Your initiative's id.")


class PickupWindowInputSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class PickupWindowsField(serializers.ListField):
    """A list of {start, end}. Its errors are plain messages naming the window ("Window 2:
    end: …"), like every other field's, rather than a structure per item."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", PickupWindowInputSerializer())
        kwargs.setdefault("max_length", services.MAX_PICKUP_WINDOWS)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict):  # {index: {field: [messages]}}
                detail = [
                    _("Window %(number)s: %(message)s")
                    % {"number": int(index) + 1, "message": message}
                    for index, errors in detail.items()
                    for message in imports.flatten_messages(errors)
                ]
            raise serializers.ValidationError(detail) from exc


class DonationOfferInputSerializer(GoodsInputSerializer):
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    delivery_radius_km = serializers.FloatField(
        required=False, allow_null=True, min_value=0.1, max_value=200
    )
    pickup_windows = PickupWindowsField(
        required=False,
        help_text="When the goods can be picked up; on update the list replaces all windows. "
        "Without windows the offer stays open until it is withdrawn.",
    )


class GoodsNeedUpdateSerializer(GoodsNeedInputSerializer):
    draft = None
    organisation = None


class DonationOfferUpdateSerializer(DonationOfferInputSerializer):
    draft = None


class GoodsOutputSerializer(common.RecordOutputSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    GOODS = ("id", "title", "description", "category", "attributes", "quantity", "quantity_open")


class GoodsNeedSerializer(GoodsOutputSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = GoodsNeed
        fields = (
            *GoodsOutputSerializer.GOODS,
            "organisation",
            "deadline",
            "max_distance_km",
            *GoodsOutputSerializer.PUBLIC_PLACE,
            *GoodsOutputSerializer.LIFECYCLE,
            "is_mine",
            *GoodsOutputSerializer.PRIVATE,
        )


class PickupWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PickupWindow
        fields = ("start", "end")


class DonationOfferSerializer(GoodsOutputSerializer):
    pickup_windows = PickupWindowSerializer(many=True, read_only=True)

    class Meta:
        model = DonationOffer
        fields = (
            *GoodsOutputSerializer.GOODS,
            "condition",
            "delivery_radius_km",
            "pickup_windows",
            *GoodsOutputSerializer.PUBLIC_PLACE,
            *GoodsOutputSerializer.LIFECYCLE,
            "is_mine",
            *GoodsOutputSerializer.PRIVATE,
        )


class CategorySerializer(serializers.ModelSerializer):
    # A top-level category has none.
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = (
            "slug",
            "parent",
            "name_de",
            "name_en",
            "name_uk",
            "name_ar",
            "attributes",
            "allowed_values",
        )


class GoodsNeedGeoSerializer(common.RecordGeoJsonSerializer):
    # A column of the row (`GoodsMapRows`), not a related Category read per feature.
    category = serializers.CharField(source="category_slug", read_only=True)

    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = GoodsNeed
        fields = ("id", "title", "category", "quantity_open", "status", "district")


class DonationOfferGeoSerializer(GoodsNeedGeoSerializer):
    class Meta(GoodsNeedGeoSerializer.Meta):
        model = DonationOffer


# What a goods map feature reads of each row (its category's slug: `GoodsMapRows`).
GOODS_MAP_COLUMNS = (
    "title",
    "quantity_open",
    "status",
    "district",
    "approx_point",
)


# --- filters ---------------------------------------------------------------------------------


class GoodsFilterSet(common.RecordFilterSet):
    category = django_filters.CharFilter(
        method="filter_category", label="Category slug; includes its subcategories"
    )

    def filter_category(self, queryset, name, value):
        category = Category.objects.filter(slug=value).first()
        if category is None:
            return queryset.none()
        return queryset.filter(category_id__in=descendant_ids(category.pk))


class GoodsNeedFilterSet(GoodsFilterSet):
    class Meta(GoodsFilterSet.Meta):
        model = GoodsNeed


class DonationOfferFilterSet(GoodsFilterSet):
    class Meta(GoodsFilterSet.Meta):
        model = DonationOffer


# --- views -----------------------------------------------------------------------------------


class CategoryListApi(generics.ListAPIView):
    serializer_class = CategorySerializer
    queryset = Category.objects.select_related("parent")
    permission_classes = [AllowAny]
    pagination_class = None


class GoodsNeedApi(common.RecordApi):
    """The goods needs a user may see and change."""

    model = GoodsNeed
    serializer_class = GoodsNeedSerializer
    filterset_class = GoodsNeedFilterSet
    select_related = ("category", "organisation", "created_by")


class DonationOfferApi(common.RecordApi):
    """The donation offers a user may see and change."""

    model = DonationOffer
    serializer_class = DonationOfferSerializer
    filterset_class = DonationOfferFilterSet
    select_related = ("category", "donor")
    prefetch_related = ("pickup_windows",)


class GoodsNeedListCreateApi(ReadsFromReplica, GoodsNeedApi, generics.ListAPIView):
    """GET: the goods needs you may see, filtered and paginated. POST: post a need for your
    initiative."""

    error_statuses = (404,)  # an unknown "organisation" (common.with_organisation)

    @extend_schema(
        request=GoodsNeedInputSerializer,
        responses={201: GoodsNeedSerializer},
        examples=[OpenApiExample("20 winter jackets", value=JACKETS_NEED, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = common.with_organisation(self.parse(GoodsNeedInputSerializer))
        record = services.create_goods_need(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class DonationOfferListCreateApi(ReadsFromReplica, DonationOfferApi, generics.ListAPIView):
    """GET: the donation offers you may see, filtered and paginated. POST: offer goods."""

    @extend_schema(
        request=DonationOfferInputSerializer,
        responses={201: DonationOfferSerializer},
        examples=[
            OpenApiExample("12 winter jackets", value=JACKETS_OFFER, request_only=True),
            OpenApiExample(
                "With pickup windows", value=JACKETS_OFFER_WITH_WINDOWS, request_only=True
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(DonationOfferInputSerializer)
        record = services.create_donation_offer(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class GoodsNeedDetailApi(GoodsNeedApi):
    """GET one goods need; PATCH changes what is given (its initiative only)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=GoodsNeedUpdateSerializer,
        responses={200: GoodsNeedSerializer},
        examples=[OpenApiExample("Only 8 still needed", value={"quantity": 8})],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(GoodsNeedUpdateSerializer, partial=True)
        record = services.update_goods_need(record=record, user=request.user, **fields)
        return self.respond(record)


class DonationOfferDetailApi(DonationOfferApi):
    """GET one donation offer; PATCH changes what is given (its donor only)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=DonationOfferUpdateSerializer,
        responses={200: DonationOfferSerializer},
        examples=[
            OpenApiExample(
                "New pickup times",
                value={"pickup_windows": JACKETS_OFFER_WITH_WINDOWS["pickup_windows"]},
            )
        ],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(DonationOfferUpdateSerializer, partial=True)
        record = services.update_donation_offer(record=record, user=request.user, **fields)
        return self.respond(record)


class GoodsNeedWithdrawApi(GoodsNeedApi):
    """Withdraw a goods need: it is no longer matched and its live matches are cancelled."""

    @extend_schema(request=None, responses={200: GoodsNeedSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class GoodsNeedPublishApi(GoodsNeedApi):
    """Publish a draft goods need: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: GoodsNeedSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class DonationOfferWithdrawApi(DonationOfferApi):
    """Withdraw a donation offer: it is no longer matched and its live matches are cancelled."""

    @extend_schema(request=None, responses={200: DonationOfferSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class DonationOfferPublishApi(DonationOfferApi):
    """Publish a draft donation offer: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: DonationOfferSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class GoodsMapRows:
    """A goods map's rows carry their category's slug as a column: one model per feature
    instead of two (a 500-feature map built 1,000)."""

    select_related = ()

    def get_queryset(self):
        return super().get_queryset().annotate(category_slug=F("category__slug"))


class GoodsNeedMapApi(GoodsMapRows, ReadsFromReplica, GoodsNeedApi, common.RecordMapApi):
    """The goods needs you may see, as map features at their approximate points."""

    serializer_class = GoodsNeedGeoSerializer
    columns = GOODS_MAP_COLUMNS


class DonationOfferMapApi(GoodsMapRows, ReadsFromReplica, DonationOfferApi, common.RecordMapApi):
    """The donation offers you may see, as map features at their approximate points."""

    serializer_class = DonationOfferGeoSerializer
    prefetch_related = ()  # map features carry no pickup windows
    columns = GOODS_MAP_COLUMNS


# --- CSV import of needs -----------------------------------------------------------------------

NEED_COLUMNS = (
    "title",
    "category",
    "quantity",
    "address",
    "attributes",
    "deadline",
    "max_distance_km",
    "description",
    "latitude",
    "longitude",
)
# Header spellings of German spreadsheets.
NEED_COLUMN_ALIASES = {
    "titel": "title",
    "kategorie": "category",
    "menge": "quantity",
    "anzahl": "quantity",
    "adresse": "address",
    "ort": "address",
    "merkmale": "attributes",
    "größe": "size",
    "groesse": "size",
    "schuhgröße": "shoe_size",
    "schuhgroesse": "shoe_size",
    "alter": "age",
    "frist": "deadline",
    "bis": "deadline",
    "max_entfernung_km": "max_distance_km",
    "beschreibung": "description",
}
_ATTRIBUTE_PAIR = re.compile(r"^\s*([\w-]+)\s*[=:]\s*(.+?)\s*$")


class GoodsNeedImportFormSerializer(imports.ImportFormSerializer):
    organisation = serializers.IntegerField(
        required=False, help_text="Your initiative's id; without it, your first initiative."
    )


class GoodsNeedImportApi(imports.CsvImportApi):
    """Many goods needs at once from a spreadsheet (CSV).

    Columns: title, category, quantity, address (required); attributes ("size=M|age=3-6"), or
    one column per attribute (size, shoe_size, age …); deadline (2030-12-31 or 31.12.2030),
    max_distance_km, description, latitude, longitude. Each row is checked like a need posted
    alone; if any row is bad, none is saved and the answer lists every bad row by its line.
    """

    form_serializer_class = GoodsNeedImportFormSerializer
    input_serializer_class = GoodsNeedInputSerializer
    import_service = import_goods_needs

    def attribute_names(self) -> list[str]:
        per_category = Category.objects.values_list("attributes", flat=True)
        return sorted({name for names in per_category for name in names})

    def get_columns(self) -> imports.CsvColumns:
        return imports.CsvColumns(
            known=(*NEED_COLUMNS, *self.attribute_names()),
            required=("title", "category", "quantity", "address"),
            aliases=NEED_COLUMN_ALIASES,
            numeric=("quantity", "max_distance_km", "latitude", "longitude"),
        )

    def service_kwargs(self, form: dict) -> dict:
        return {"organisation_id": form.get("organisation")}

    def row_data(self, values: dict[str, str]) -> dict:
        data = {k: v for k, v in values.items() if k in NEED_COLUMNS and k != "attributes"}
        attributes = self._attribute_cell(values.get("attributes", ""))
        for name in set(values) - set(NEED_COLUMNS):
            if name in attributes and attributes[name] != values[name]:
                raise serializers.ValidationError(
                    {"attributes": [_("%(name)s is given twice.") % {"name": name}]}
                )
            attributes[name] = values[name]
        if attributes:
            data["attributes"] = attributes
        if "deadline" in data:
            data["deadline"] = imports.iso_date(data["deadline"])
        for name in ("quantity", "max_distance_km", "latitude", "longitude"):
            if name in data:
                data[name] = imports.decimal_point(data[name])
        return data

    @staticmethod
    def _attribute_cell(cell: str) -> dict[str, str]:
        attributes = {}
        for pair in re.split(r"[|,]", cell):
            if not pair.strip():
                continue
            match = _ATTRIBUTE_PAIR.match(pair)
            if match is None:
                raise serializers.ValidationError(
                    {"attributes": [_("Write attributes as name=value, e.g. size=M|age=3-6.")]}
                )
            attributes[match.group(1)] = match.group(2)
        return attributes

    @extend_schema(
        request={
            "multipart/form-data": OpenApiRequest(
                GoodsNeedImportFormSerializer,
                examples=[
                    OpenApiExample(
                        "A file with two needs", value={"file": NEEDS_CSV}, request_only=True
                    )
                ],
            )
        },
        responses={
            201: imports.ImportResultSerializer,
            400: OpenApiResponse(
                imports.ImportErrorSerializer,
                description="Bad rows by line (nothing was saved), or a problem with the file.",
                examples=[
                    OpenApiExample(
                        "Two bad rows",
                        value={
                            "rows": [
                                {"line": 3, "errors": {"category": ["Unknown category …"]}},
                                {"line": 5, "errors": {"quantity": ["Ensure this value …"]}},
                            ]
                        },
                    )
                ],
            ),
        },
        examples=[
            OpenApiExample("Created", value={"created": 2, "ids": [41, 42]}, response_only=True),
        ],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
