"""Matches: what a side or a coordinator sees of a proposed or accepted match."""

from rest_framework import generics, serializers

from api.common import PointField, UserLanguageMixin, path
from matching import selectors
from matching.models import Match


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


class _MatchApi(UserLanguageMixin):
    serializer_class = MatchSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return selectors.matches_visible_to(self.request.user)


class MatchListApi(_MatchApi, generics.ListAPIView):
    filterset_fields = ("state", "kind")


class MatchDetailApi(_MatchApi, generics.RetrieveAPIView):
    pass


urlpatterns = [
    path("matches/", MatchListApi.as_view(), name="matches"),
    path("matches/<int:pk>/", MatchDetailApi.as_view(), name="match-detail"),
]
