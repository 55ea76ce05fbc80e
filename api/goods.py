"""Goods: the taxonomy, goods needs and donation offers."""

from datetime import date

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from accounts.models import Organisation
from api import common
from donations import services
from donations.models import Category, Condition, DonationOffer, GoodsNeed
from donations.selectors import descendant_ids

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


# --- serializers -----------------------------------------------------------------------------


class CategoryField(serializers.SlugRelatedField):
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

    def validate_deadline(self, value: date | None) -> date | None:
        if value is not None and value < date.today():
            raise serializers.ValidationError(_("The deadline lies in the past."))
        return value


class DonationOfferInputSerializer(GoodsInputSerializer):
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    delivery_radius_km = serializers.FloatField(
        required=False, allow_null=True, min_value=0.1, max_value=200
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


class DonationOfferSerializer(GoodsOutputSerializer):
    class Meta:
        model = DonationOffer
        fields = (
            *GoodsOutputSerializer.GOODS,
            "condition",
            "delivery_radius_km",
            *GoodsOutputSerializer.PUBLIC_PLACE,
            *GoodsOutputSerializer.LIFECYCLE,
            "is_mine",
            *GoodsOutputSerializer.PRIVATE,
        )


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ("slug", "parent", "name_de", "name_en", "name_uk", "name_ar", "attributes")


class GoodsNeedGeoSerializer(common.RecordGeoJsonSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = GoodsNeed
        fields = ("id", "title", "category", "quantity_open", "status", "district")


class DonationOfferGeoSerializer(GoodsNeedGeoSerializer):
    class Meta(GoodsNeedGeoSerializer.Meta):
        model = DonationOffer


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


class _GoodsNeedApi:
    model = GoodsNeed
    serializer_class = GoodsNeedSerializer
    filterset_class = GoodsNeedFilterSet
    select_related = ("category", "organisation", "created_by")

    def prepare(self, fields: dict) -> dict:
        if "organisation" in fields:
            fields["organisation"] = get_object_or_404(Organisation, pk=fields["organisation"])
        return fields


class _DonationOfferApi:
    model = DonationOffer
    serializer_class = DonationOfferSerializer
    filterset_class = DonationOfferFilterSet
    select_related = ("category", "donor")


@extend_schema(
    examples=[OpenApiExample("20 winter jackets", value=JACKETS_NEED, request_only=True)],
)
class GoodsNeedListCreateApi(_GoodsNeedApi, common.RecordListCreateApi):
    input_serializer_class = GoodsNeedInputSerializer
    create_service = services.create_goods_need

    @extend_schema(request=GoodsNeedInputSerializer, responses={201: GoodsNeedSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class DonationOfferListCreateApi(_DonationOfferApi, common.RecordListCreateApi):
    input_serializer_class = DonationOfferInputSerializer
    create_service = services.create_donation_offer

    @extend_schema(
        request=DonationOfferInputSerializer,
        responses={201: DonationOfferSerializer},
        examples=[OpenApiExample("12 winter jackets", value=JACKETS_OFFER, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class GoodsNeedDetailApi(_GoodsNeedApi, common.RecordDetailApi):
    update_serializer_class = GoodsNeedUpdateSerializer
    update_service = services.update_goods_need

    @extend_schema(
        request=GoodsNeedUpdateSerializer,
        responses={200: GoodsNeedSerializer},
        examples=[OpenApiExample("Only 8 still needed", value={"quantity": 8})],
    )
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)


class DonationOfferDetailApi(_DonationOfferApi, common.RecordDetailApi):
    update_serializer_class = DonationOfferUpdateSerializer
    update_service = services.update_donation_offer

    @extend_schema(request=DonationOfferUpdateSerializer, responses={200: DonationOfferSerializer})
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)


class GoodsNeedMapApi(_GoodsNeedApi, common.RecordGeoJsonApi):
    serializer_class = GoodsNeedGeoSerializer


class DonationOfferMapApi(_DonationOfferApi, common.RecordGeoJsonApi):
    serializer_class = DonationOfferGeoSerializer


GoodsNeedWithdrawApi, GoodsNeedPublishApi = common.transition_views(
    GoodsNeed, GoodsNeedSerializer, select_related=_GoodsNeedApi.select_related
)
DonationOfferWithdrawApi, DonationOfferPublishApi = common.transition_views(
    DonationOffer, DonationOfferSerializer, select_related=_DonationOfferApi.select_related
)


urlpatterns = [
    common.path("categories/", CategoryListApi.as_view(), name="categories"),
    *common.record_urls(
        "goods-needs",
        "goods-needs",
        listing=GoodsNeedListCreateApi,
        detail=GoodsNeedDetailApi,
        withdraw=GoodsNeedWithdrawApi,
        publish=GoodsNeedPublishApi,
        geojson=GoodsNeedMapApi,
    ),
    *common.record_urls(
        "donation-offers",
        "donation-offers",
        listing=DonationOfferListCreateApi,
        detail=DonationOfferDetailApi,
        withdraw=DonationOfferWithdrawApi,
        publish=DonationOfferPublishApi,
        geojson=DonationOfferMapApi,
    ),
]
