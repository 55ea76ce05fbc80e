"""One small view per endpoint; the work is done by services and selectors."""

from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.models import Organisation
from api import serializers as s
from api.errors import call_service
from api.permissions import entitled_to_exact_data
from api.throttles import LoginRateThrottle, WriteRateThrottle
from donations import selectors as donation_selectors
from donations import services as donation_services
from donations.models import Category, DonationOffer, GoodsNeed
from matching import selectors as matching_selectors
from matching.models import Match

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


class UserLanguageMixin:
    """Answer in the language the request asks for, else in the user's preferred language."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and request.user.is_authenticated:
            translation.activate(request.user.preferred_language)
            request.LANGUAGE_CODE = request.user.preferred_language


class TokenLoginApi(ObtainAuthToken):
    throttle_classes = [LoginRateThrottle]
    permission_classes = [AllowAny]


class CategoryListApi(generics.ListAPIView):
    serializer_class = s.CategorySerializer
    queryset = Category.objects.select_related("parent")
    permission_classes = [AllowAny]
    pagination_class = None


class _GoodsListCreateApi(UserLanguageMixin, generics.ListCreateAPIView):
    throttle_classes = [WriteRateThrottle]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_entitled"] = entitled_to_exact_data(self.request.user)
        return context

    def _created(self, record) -> Response:
        output = self.get_serializer(record)
        return Response(output.data, status=status.HTTP_201_CREATED)


class GoodsNeedListCreateApi(_GoodsListCreateApi):
    serializer_class = s.GoodsNeedSerializer
    filterset_fields = ("status", "category__slug")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no real user
            return GoodsNeed.objects.none()
        return donation_selectors.goods_needs_visible_to(self.request.user).order_by("-id")

    @extend_schema(
        request=s.GoodsNeedInputSerializer,
        responses={201: s.GoodsNeedSerializer},
        examples=[OpenApiExample("20 winter jackets", value=JACKETS_NEED, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        data = s.GoodsNeedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "organisation" in fields:
            fields["organisation"] = get_object_or_404(Organisation, pk=fields["organisation"])
        need = call_service(donation_services.create_goods_need, user=request.user, **fields)
        return self._created(need)


class DonationOfferListCreateApi(_GoodsListCreateApi):
    serializer_class = s.DonationOfferSerializer
    filterset_fields = ("status", "category__slug")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DonationOffer.objects.none()
        return donation_selectors.donation_offers_visible_to(self.request.user).order_by("-id")

    @extend_schema(
        request=s.DonationOfferInputSerializer,
        responses={201: s.DonationOfferSerializer},
        examples=[OpenApiExample("12 winter jackets", value=JACKETS_OFFER, request_only=True)],
    )
    def post(self, request, *args, **kwargs):
        data = s.DonationOfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = call_service(
            donation_services.create_donation_offer, user=request.user, **data.validated_data
        )
        return self._created(offer)


class MatchListApi(UserLanguageMixin, generics.ListAPIView):
    serializer_class = s.MatchSerializer
    filterset_fields = ("state", "kind")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        return matching_selectors.matches_visible_to(self.request.user)


class MatchDetailApi(UserLanguageMixin, generics.RetrieveAPIView):
    serializer_class = s.MatchSerializer

    def get_queryset(self):
        return matching_selectors.matches_visible_to(self.request.user)
