from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from donations.models import Category, Condition, DonationOffer, GoodsNeed
from matching.models import Match

POINT_SCHEMA = {
    "type": "object",
    "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
}


@extend_schema_field(POINT_SCHEMA)
class PointField(serializers.Field):
    """A point as {"lat": …, "lon": …}, easier to read than GeoJSON for one record."""

    def to_representation(self, value):
        return {"lat": round(value.y, 6), "lon": round(value.x, 6)}


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
        if ("latitude" in attrs) != ("longitude" in attrs):
            missing = "longitude" if "latitude" in attrs else "latitude"
            raise serializers.ValidationError(
                {missing: _("Give both latitude and longitude, or neither.")}
            )
        return attrs


class CategoryField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("Unknown category “{value}”. See /api/v1/categories/."),
        "invalid": _("Give the category as its name, for example clothing-winter-jacket."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Category.objects.all(), **kwargs)


class GoodsInputSerializer(PlacedInputSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = CategoryField()
    attributes = serializers.DictField(
        child=serializers.CharField(max_length=40), required=False, default=dict
    )
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
    condition = serializers.ChoiceField(choices=Condition.choices, default=Condition.GOOD)
    delivery_radius_km = serializers.FloatField(
        required=False, allow_null=True, min_value=0.1, max_value=200
    )


class GoodsOutputSerializer(serializers.ModelSerializer):
    """Public fields for everyone; the exact address and point only for those entitled."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    approx_location = PointField(source="approx_point", read_only=True)
    address = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()

    PUBLIC = (
        "id",
        "title",
        "description",
        "category",
        "attributes",
        "quantity",
        "quantity_open",
        "status",
        "district",
        "place",
        "approx_location",
        "geocode_status",
        "created_at",
    )

    def _entitled(self, obj) -> bool:
        is_entitled = self.context.get("is_entitled")
        return bool(is_entitled and is_entitled(obj))

    def get_address(self, obj) -> str | None:
        return obj.address if self._entitled(obj) else None

    @extend_schema_field({**POINT_SCHEMA, "nullable": True})
    def get_location(self, obj):
        return PointField().to_representation(obj.point) if self._entitled(obj) else None


class GoodsNeedSerializer(GoodsOutputSerializer):
    organisation = serializers.StringRelatedField()

    class Meta:
        model = GoodsNeed
        fields = (
            *GoodsOutputSerializer.PUBLIC,
            "organisation",
            "deadline",
            "max_distance_km",
            "address",
            "location",
        )


class DonationOfferSerializer(GoodsOutputSerializer):
    class Meta:
        model = DonationOffer
        fields = (
            *GoodsOutputSerializer.PUBLIC,
            "condition",
            "delivery_radius_km",
            "address",
            "location",
        )


class MatchSideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    district = serializers.CharField()
    approx_location = PointField(source="approx_point")


class MatchSerializer(serializers.ModelSerializer):
    need = MatchSideSerializer(source="goods_need")
    offer = MatchSideSerializer(source="donation_offer")
    organisation = serializers.CharField(source="goods_need.organisation.name")
    category = serializers.CharField(source="goods_need.category.slug")

    class Meta:
        model = Match
        fields = (
            "id",
            "kind",
            "state",
            "quantity",
            "category",
            "distance_m",
            "score",
            "score_breakdown",
            "organisation",
            "need",
            "offer",
            "created_at",
        )


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ("slug", "parent", "name_de", "name_en", "name_uk", "name_ar", "attributes")
