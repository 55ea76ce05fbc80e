"""Request-wide behaviour of the web layer: the request id of the logs, the client's address,
the second factor of coordinators and admins, the Permissions-Policy header, and the person's
language."""

import ipaddress
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.second_factor import requires_second_factor
from base.logs import bind_request_id, request_id_from, reset_request_id

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _normalised(address: str) -> str | None:
    """One spelling per address ("::ffff:10.0.0.1" is 10.0.0.1, "0:0::1" is ::1), so that
    nobody gets a fresh counter by writing the same address differently; None if it is none."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return str(parsed)


def resolve_client_address(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The client's address. With no trusted proxy it is the connection's peer: anyone can
    write X-Forwarded-For. Behind N proxies of our own, each appends the address it was
    connected from, so the client is the N-th entry from the right; whatever stands further
    left was written by the client and is ignored. The same rule as DRF's NUM_PROXIES, but a
    value that is not an address falls back to the peer instead of becoming a counter key."""
    peer = _normalised(remote_addr) or remote_addr
    if trusted_proxies <= 0 or not forwarded_for.strip():
        return peer
    entries = [entry.strip() for entry in forwarded_for.split(",")]
    candidate = entries[-min(trusted_proxies, len(entries))]
    return _normalised(candidate) or peer


def client_address(request: HttpRequest) -> str:
    """django-axes asks this for the client (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR as
    ClientAddressMiddleware left it, the same value DRF's throttles use."""
    return request.META.get("REMOTE_ADDR", "")


REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """Early in MIDDLEWARE, before anything that logs: binds the request id (the proxy's
    X-Request-ID if it is a safe token, else a new one) for every log line of the request and
    every task it publishes (base.logs), and echoes it in the response so that a person
    reporting a problem can quote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = bind_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            # gunicorn reuses its threads: the next request must not inherit this id.
            reset_request_id(token)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


class ClientAddressMiddleware:
    """Early in MIDDLEWARE: puts the client's address (see resolve_client_address) into
    REMOTE_ADDR, so that throttles, the lockout and /healthz agree on who is asking."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = resolve_client_address(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            settings.TRUSTED_PROXY_COUNT,
        )
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Permissions-Policy from settings.PERMISSIONS_POLICY on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


# Pages behind the second factor; the API by session too (a token was issued against one).
SECOND_FACTOR_PAGES = ("/coordination/", "/admin/")
API_PREFIX = "/api/"
# Getting a token asks for the code itself (api/accounts.py, TokenLoginApi).
API_OPEN_PREFIX = "/api/v1/auth/"


class SecondFactorMiddleware:
    """Coordinators, admins and staff who signed in with a password only are sent to the
    second factor's page before /coordination/ or /admin/, and refused by the API when it
    would take them by their session. After OTPMiddleware, which says is_verified()."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.SECOND_FACTOR_REQUIRED:
            return None
        path = request.path_info
        guarded_page = path.startswith(SECOND_FACTOR_PAGES)
        guarded_api = path.startswith(API_PREFIX) and not path.startswith(API_OPEN_PREFIX)
        if not (guarded_page or guarded_api):
            return None
        user = request.user
        if not requires_second_factor(user) or user.is_verified():
            return None
        if guarded_api:
            # A token in the Authorization header is DRF's to check; it was issued against a
            # second factor. Anything else would fall through to the session.
            if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
                return None
            return JsonResponse(
                {"detail": _("Confirm your sign-in with your second factor first.")},
                status=403,
            )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('two-factor')}?{query}")


class UserLanguageMiddleware:
    """Runs after authentication: LocaleMiddleware guessed from the browser or the language
    cookie, but a signed-in person's `preferred_language` wins on the web pages (it is also
    the language of their emails, so the two agree). The API keeps Accept-Language, which
    clients set on purpose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "preferred_language", "") if user else ""
        if (
            user is not None
            and user.is_authenticated
            and language in SUPPORTED
            and not request.path.startswith("/api/")
        ):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
