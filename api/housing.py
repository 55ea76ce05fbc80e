"""Housing: flats offered by landlords and households looking for one (see api/goods.py)."""

from decimal import Decimal

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers

from accounts.models import Organisation
from api import common
from housing import services
from housing.models import MAX_RENT_EUR, HousingNeed, HousingOffer

FLAT_OFFER = {
    "title": "3 rooms in Lindenau, step-free, near the tram",
    "description": "Bright flat on the ground floor, kitchen fitted, balcony.",
    "address": "Karl-Heine-Straße 12, 04229 Leipzig",
    "rooms": 3,
    "size_m2": 72,
    "warm_rent": 780,
    "max_occupants": 5,
    "floor": 0,
    "step_free": True,
    "pets_allowed": True,
    "available_from": "2026-12-01",
}
HOUSEHOLD_NEED = {
    "title": "Family of four from Kharkiv",
    "address": "04209 Leipzig",
    "adults": 2,
    "children": 2,
    "rent_ceiling": 850,
    "move_in_date": "2026-12-15",
    "max_distance_km": 8,
    "household_notes": "One child uses a wheelchair.",
    "needs_step_free": True,
}

RENT = {"max_digits": 7, "decimal_places": 2, "max_value": MAX_RENT_EUR}


# --- serializers -----------------------------------------------------------------------------


class HousingOfferInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    rooms = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("1"),
        max_value=Decimal("20"),
        help_text="Whole or half rooms, e.g. 2 or 2.5.",
    )
    size_m2 = serializers.IntegerField(min_value=10, max_value=500)
    warm_rent = serializers.DecimalField(
        **RENT, min_value=Decimal("0.01"), help_text="Warm rent in EUR per month."
    )
    max_occupants = serializers.IntegerField(min_value=1, max_value=30)
    floor = serializers.IntegerField(
        required=False, min_value=-1, max_value=60, help_text="0 ground floor, -1 basement."
    )
    step_free = serializers.BooleanField(required=False)
    lift = serializers.BooleanField(required=False)
    pets_allowed = serializers.BooleanField(required=False)
    furnished = serializers.BooleanField(required=False)
    available_from = serializers.DateField()
    available_until = serializers.DateField(required=False, allow_null=True)
    min_stay_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=120
    )


class HousingNeedInputSerializer(common.DraftInputMixin, common.PlacedInputSerializer):
    title = serializers.CharField(
        max_length=200, help_text="A label for the initiative's lists, without names."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    adults = serializers.IntegerField(max_value=20)
    children = serializers.IntegerField(required=False, min_value=0, max_value=20)
    rent_ceiling = serializers.DecimalField(**RENT, help_text="Highest warm rent in EUR.")
    needs_step_free = serializers.BooleanField(required=False)
    has_pets = serializers.BooleanField(required=False)
    move_in_date = serializers.DateField()
    max_distance_km = serializers.FloatField(required=False, min_value=1, max_value=100)
    min_stay_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=120
    )
    household_notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        help_text="Personal: shown only to the initiative, coordinators and an accepted match.",
    )
    organisation = serializers.IntegerField(required=False, help_text="Your initiative's id.")

    # Said in the household's terms rather than as a bare number range.
    def validate_adults(self, value: int) -> int:
        if value < 1:
            raise serializers.ValidationError(_("A household needs at least one adult."))
        return value

    def validate_rent_ceiling(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise serializers.ValidationError(_("The rent ceiling must be more than 0 EUR."))
        return value


class HousingOfferUpdateSerializer(HousingOfferInputSerializer):
    draft = None


class HousingNeedUpdateSerializer(HousingNeedInputSerializer):
    draft = None
    organisation = None


class HousingOfferSerializer(common.RecordOutputSerializer):
    # Numbers, not the strings DRF renders decimals as by default.
    rooms = serializers.DecimalField(
        max_digits=3, decimal_places=1, coerce_to_string=False, read_only=True
    )
    warm_rent = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = HousingOffer
        fields = (
            "id",
            "title",
            "description",
            "rooms",
            "size_m2",
            "warm_rent",
            "max_occupants",
            "floor",
            "step_free",
            "lift",
            "pets_allowed",
            "furnished",
            "available_from",
            "available_until",
            "min_stay_months",
            *common.RecordOutputSerializer.PUBLIC_PLACE,
            *common.RecordOutputSerializer.LIFECYCLE,
            "is_mine",
            *common.RecordOutputSerializer.PRIVATE,
        )


class HousingNeedSerializer(common.RecordOutputSerializer):
    organisation = serializers.StringRelatedField()
    rent_ceiling = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = HousingNeed
        fields = (
            "id",
            "title",
            "description",
            "organisation",
            "adults",
            "children",
            "rent_ceiling",
            "needs_step_free",
            "has_pets",
            "move_in_date",
            "max_distance_km",
            "min_stay_months",
            "household_notes",
            *common.RecordOutputSerializer.PUBLIC_PLACE,
            *common.RecordOutputSerializer.LIFECYCLE,
            "is_mine",
            *common.RecordOutputSerializer.PRIVATE,
        )
        # Today only people entitled to the exact data see a household at all; should it ever
        # be shown to others (e.g. a proposed match's landlord), its notes stay hidden too.
        private_fields = (
            *common.RecordOutputSerializer.PRIVATE,
            "household_notes",
            "description",
        )


class HousingOfferGeoSerializer(common.RecordGeoJsonSerializer):
    rooms = serializers.DecimalField(
        max_digits=3, decimal_places=1, coerce_to_string=False, read_only=True
    )
    warm_rent = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = HousingOffer
        fields = ("id", "title", "rooms", "warm_rent", "max_occupants", "status", "district")


class HousingNeedGeoSerializer(common.RecordGeoJsonSerializer):
    class Meta(common.RecordGeoJsonSerializer.Meta):
        model = HousingNeed
        fields = ("id", "title", "adults", "children", "status", "district")


# --- filters ---------------------------------------------------------------------------------


class HousingOfferFilterSet(common.RecordFilterSet):
    min_rooms = django_filters.NumberFilter(
        field_name="rooms", lookup_expr="gte", label="At least this many rooms", min_value=0
    )
    max_rent = django_filters.NumberFilter(
        field_name="warm_rent", lookup_expr="lte", label="Warm rent at most (EUR)", min_value=0
    )
    occupants = django_filters.NumberFilter(
        field_name="max_occupants",
        lookup_expr="gte",
        label="Takes at least this many people",
        min_value=1,
    )
    step_free = django_filters.BooleanFilter()
    pets_allowed = django_filters.BooleanFilter()

    class Meta(common.RecordFilterSet.Meta):
        model = HousingOffer


class HousingNeedFilterSet(common.RecordFilterSet):
    class Meta(common.RecordFilterSet.Meta):
        model = HousingNeed


# --- views -----------------------------------------------------------------------------------


class _HousingOfferApi:
    model = HousingOffer
    serializer_class = HousingOfferSerializer
    filterset_class = HousingOfferFilterSet
    select_related = ("landlord",)


class _HousingNeedApi:
    model = HousingNeed
    serializer_class = HousingNeedSerializer
    filterset_class = HousingNeedFilterSet
    select_related = ("organisation", "created_by")

    def prepare(self, fields: dict) -> dict:
        if "organisation" in fields:
            fields["organisation"] = get_object_or_404(Organisation, pk=fields["organisation"])
        return fields


class HousingOfferListCreateApi(_HousingOfferApi, common.RecordListCreateApi):
    input_serializer_class = HousingOfferInputSerializer
    create_service = services.create_housing_offer

    @extend_schema(
        request=HousingOfferInputSerializer,
        responses={201: HousingOfferSerializer},
        examples=[OpenApiExample("A step-free flat", value=FLAT_OFFER, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class HousingNeedListCreateApi(_HousingNeedApi, common.RecordListCreateApi):
    input_serializer_class = HousingNeedInputSerializer
    create_service = services.create_housing_need

    @extend_schema(
        request=HousingNeedInputSerializer,
        responses={201: HousingNeedSerializer},
        examples=[OpenApiExample("A family of four", value=HOUSEHOLD_NEED, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class HousingOfferDetailApi(_HousingOfferApi, common.RecordDetailApi):
    update_serializer_class = HousingOfferUpdateSerializer
    update_service = services.update_housing_offer

    @extend_schema(
        request=HousingOfferUpdateSerializer,
        responses={200: HousingOfferSerializer},
        examples=[OpenApiExample("Rent lowered", value={"warm_rent": 740})],
    )
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)


class HousingNeedDetailApi(_HousingNeedApi, common.RecordDetailApi):
    update_serializer_class = HousingNeedUpdateSerializer
    update_service = services.update_housing_need

    @extend_schema(
        request=HousingNeedUpdateSerializer,
        responses={200: HousingNeedSerializer},
        examples=[OpenApiExample("A baby was born", value={"children": 3})],
    )
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)


class HousingOfferMapApi(_HousingOfferApi, common.RecordGeoJsonApi):
    serializer_class = HousingOfferGeoSerializer


class HousingNeedMapApi(_HousingNeedApi, common.RecordGeoJsonApi):
    serializer_class = HousingNeedGeoSerializer


HousingOfferWithdrawApi, HousingOfferPublishApi = common.transition_views(_HousingOfferApi)
HousingNeedWithdrawApi, HousingNeedPublishApi = common.transition_views(_HousingNeedApi)


urlpatterns = [
    *common.record_urls(
        "housing-offers",
        "housing-offers",
        listing=HousingOfferListCreateApi,
        detail=HousingOfferDetailApi,
        withdraw=HousingOfferWithdrawApi,
        publish=HousingOfferPublishApi,
        geojson=HousingOfferMapApi,
    ),
    *common.record_urls(
        "housing-needs",
        "housing-needs",
        listing=HousingNeedListCreateApi,
        detail=HousingNeedDetailApi,
        withdraw=HousingNeedWithdrawApi,
        publish=HousingNeedPublishApi,
        geojson=HousingNeedMapApi,
    ),
]
