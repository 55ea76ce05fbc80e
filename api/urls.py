from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenLoginApi.as_view(), name="token"),
    path("categories/", views.CategoryListApi.as_view(), name="categories"),
    path("goods-needs/", views.GoodsNeedListCreateApi.as_view(), name="goods-needs"),
    path("donation-offers/", views.DonationOfferListCreateApi.as_view(), name="donation-offers"),
    path("matches/", views.MatchListApi.as_view(), name="matches"),
    path("matches/<int:pk>/", views.MatchDetailApi.as_view(), name="match-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
