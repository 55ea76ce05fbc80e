"""Housing: flats offered by landlords and households looking for one (see api/goods.py)."""

from decimal import Decimal

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from api import common
from base.db_routing import ReadsFromReplica
from housing import services
from housing.models import MAX_RENT_EUR, HousingNeed, HousingOffer
from lifecycle import services as lifecycle_services

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


class HousingOfferApi(common.RecordApi):
    """The flats a user may see and change."""

    model = HousingOffer
    serializer_class = HousingOfferSerializer
    filterset_class = HousingOfferFilterSet
    select_related = ("landlord",)


class HousingNeedApi(common.RecordApi):
    """The households looking for a flat that a user may see and change."""

    model = HousingNeed
    serializer_class = HousingNeedSerializer
    filterset_class = HousingNeedFilterSet
    select_related = ("organisation", "created_by")


class HousingOfferListCreateApi(ReadsFromReplica, HousingOfferApi, generics.ListAPIView):
    """GET: the flats you may see, filtered and paginated. POST: offer a flat."""

    @extend_schema(
        request=HousingOfferInputSerializer,
        responses={201: HousingOfferSerializer},
        examples=[OpenApiExample("A step-free flat", value=FLAT_OFFER, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = self.parse(HousingOfferInputSerializer)
        record = services.create_housing_offer(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class HousingNeedListCreateApi(ReadsFromReplica, HousingNeedApi, generics.ListAPIView):
    """GET: the households you may see, filtered and paginated. POST: a household your
    initiative looks for a flat for."""

    error_statuses = (404,)  # an unknown "organisation" (common.with_organisation)

    @extend_schema(
        request=HousingNeedInputSerializer,
        responses={201: HousingNeedSerializer},
        examples=[OpenApiExample("A family of four", value=HOUSEHOLD_NEED, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        fields = common.with_organisation(self.parse(HousingNeedInputSerializer))
        record = services.create_housing_need(user=request.user, **fields)
        return self.respond(record, status.HTTP_201_CREATED)


class HousingOfferDetailApi(HousingOfferApi):
    """GET one flat; PATCH changes what is given (its landlord only)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=HousingOfferUpdateSerializer,
        responses={200: HousingOfferSerializer},
        examples=[OpenApiExample("Rent lowered", value={"warm_rent": 740})],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(HousingOfferUpdateSerializer, partial=True)
        record = services.update_housing_offer(record=record, user=request.user, **fields)
        return self.respond(record)


class HousingNeedDetailApi(HousingNeedApi):
    """GET one household; PATCH changes what is given (its initiative only)."""

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_visible_object()).data)

    @extend_schema(
        request=HousingNeedUpdateSerializer,
        responses={200: HousingNeedSerializer},
        examples=[OpenApiExample("A baby was born", value={"children": 3})],
    )
    def patch(self, request, *args, **kwargs):
        record = self.get_managed_object()
        fields = self.parse(HousingNeedUpdateSerializer, partial=True)
        record = services.update_housing_need(record=record, user=request.user, **fields)
        return self.respond(record)


class HousingOfferWithdrawApi(HousingOfferApi):
    """Withdraw a flat: it is no longer matched and its live matches are cancelled."""

    @extend_schema(request=None, responses={200: HousingOfferSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class HousingOfferPublishApi(HousingOfferApi):
    """Publish a draft flat: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: HousingOfferSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class HousingNeedWithdrawApi(HousingNeedApi):
    """Withdraw a household: it is no longer matched and its live matches are cancelled."""

    @extend_schema(request=None, responses={200: HousingNeedSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.withdraw(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class HousingNeedPublishApi(HousingNeedApi):
    """Publish a draft household: it becomes open and is matched."""

    @extend_schema(request=None, responses={200: HousingNeedSerializer})
    def post(self, request, *args, **kwargs):
        record = lifecycle_services.publish(self.get_managed_object(), actor=request.user)
        return self.respond(record)


class HousingOfferMapApi(ReadsFromReplica, HousingOfferApi, common.RecordMapApi):
    """The flats you may see, as map features at their approximate points."""

    serializer_class = HousingOfferGeoSerializer
    select_related = ()
    columns = ("title", "rooms", "warm_rent", "max_occupants", "status", "district", "approx_point")


class HousingNeedMapApi(ReadsFromReplica, HousingNeedApi, common.RecordMapApi):
    """The households you may see, as map features at their approximate points."""

    serializer_class = HousingNeedGeoSerializer
    select_related = ()
    columns = ("title", "adults", "children", "status", "district", "approx_point")
