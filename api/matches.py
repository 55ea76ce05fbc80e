"""Matches: what a side or a coordinator sees of a proposed or accepted match."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from api.common import CONTACT_SCHEMA, PointField, UserLanguageMixin, path
from lifecycle.selectors import entitled_to_exact_data
from matching import selectors
from matching.models import Match


class MatchSideSerializer(serializers.Serializer):
    """One side of a match; its exact place and contact only once both sides said yes (or
    for the side's own people and coordinators)."""

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    district = serializers.CharField()
    approx_location = PointField(source="approx_point")
    address = serializers.CharField(allow_null=True)
    location = PointField(source="point", allow_null=True)
    contact = serializers.SerializerMethodField()

    def get_title(self, obj) -> str:
        # A volunteer profile has no title, and the volunteer's name is theirs to give.
        return getattr(obj, "title", None) or str(_("Volunteer"))

    @extend_schema_field(CONTACT_SCHEMA)
    def get_contact(self, obj) -> dict | None:
        return obj.contact_details()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        is_entitled = self.context.get("is_entitled")
        if not (is_entitled and is_entitled(instance)):
            data["address"] = data["location"] = data["contact"] = None
        return data


class ShiftTimesSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class MatchSerializer(serializers.ModelSerializer):
    """A match of any kind: `need` is a goods need, a volunteer need or a household, `offer`
    a donation, a volunteer profile or a flat; `shift` is set for volunteer matches."""

    need = MatchSideSerializer()
    offer = MatchSideSerializer()
    organisation = serializers.CharField(source="need.organisation.name")
    category = serializers.SerializerMethodField()
    shift = ShiftTimesSerializer(allow_null=True)

    def get_category(self, obj) -> str | None:
        return obj.goods_need.category.slug if obj.goods_need_id else None

    class Meta:
        model = Match
        fields = (
            "id",
            "kind",
            "state",
            "quantity",
            "category",
            "shift",
            "distance_m",
            "score",
            "score_breakdown",
            "organisation",
            "need",
            "offer",
            "created_at",
        )


class _MatchApi(UserLanguageMixin):
    serializer_class = MatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return selectors.matches_visible_to(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_entitled"] = entitled_to_exact_data(self.request.user)
        return context


class MatchListApi(_MatchApi, generics.ListAPIView):
    filterset_fields = ("state", "kind")


class MatchDetailApi(_MatchApi, generics.RetrieveAPIView):
    pass


urlpatterns = [
    path("matches/", MatchListApi.as_view(), name="matches"),
    path("matches/<int:pk>/", MatchDetailApi.as_view(), name="match-detail"),
]
