"""Accounts: login, registration, one's own data (export, erasure), initiatives."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny

from api.common import path
from api.throttles import LoginRateThrottle


class TokenLoginApi(ObtainAuthToken):
    throttle_classes = [LoginRateThrottle]
    permission_classes = [AllowAny]


urlpatterns = [
    path("auth/token/", TokenLoginApi.as_view(), name="token"),
]
