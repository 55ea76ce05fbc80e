from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import accounts, diagnostics, goods, housing, matches, notifications, volunteers

app_name = "api"

urlpatterns = [
    *accounts.urlpatterns,
    *goods.urlpatterns,
    *volunteers.urlpatterns,
    *housing.urlpatterns,
    *matches.urlpatterns,
    *diagnostics.urlpatterns,
    *notifications.urlpatterns,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
