"""The lockout's place among the authentication backends (AUTHENTICATION_BACKENDS)."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in line: a locked-out account or client is refused before
    any password is looked at, and the refusal is counted like a wrong password.

    Every sign-in over HTTP passes its request (Django's login forms, the admin's, DRF's
    token serializer). One without a request (the test client's login(), code in a shell)
    comes from someone who already runs code here: it is neither checked nor counted, where
    axes itself would raise."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
