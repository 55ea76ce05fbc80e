from django.contrib import admin
from django.urls import include, path

from notifications import views as notification_views
from web import metrics as web_metrics
from web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("readyz", web_views.readyz, name="readyz"),
    path("metrics", web_metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("", include("web.urls")),
]

# A URL no pattern matches: JSON under /api/, like every other answer of the API.
handler404 = "api.errors.page_not_found"
