from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class WriteRateThrottle(UserRateThrottle):
    """Throttles writes only; reading a list as often as one likes is fine."""

    scope = "writes"

    def allow_request(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class LoginRateThrottle(AnonRateThrottle):
    scope = "login"


class PasswordCheckRateThrottle(UserRateThrottle):
    """Endpoints that check the user's password again (erasure): few tries, so a stolen token
    cannot be used to guess the password."""

    scope = "password_check"
