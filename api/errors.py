"""The one place where the application's error becomes an HTTP answer.

Services raise `base.errors.ApplicationError`; its code says which status: bad input 400
with field messages, not allowed 403, not found 404, moved on 409. Each refusal changed
nothing. A plain Django `ValidationError` (a model's own validators) is bad input too.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from base.errors import INVALID, NOT_ALLOWED, NOT_FOUND, WRONG_STATE, ApplicationError

STATUS_OF_CODE = {
    INVALID: status.HTTP_400_BAD_REQUEST,
    NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    NOT_FOUND: status.HTTP_404_NOT_FOUND,
    WRONG_STATE: status.HTTP_409_CONFLICT,
}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, which also knows the application's error (and a plain Django
    `ValidationError`, as bad input): its field messages with the status of its code."""
    if isinstance(exc, DjangoValidationError):
        error = ApplicationError.from_validation_error(exc)
        return Response(error.errors, status=STATUS_OF_CODE[error.code])
    return drf_exception_handler(exc, context)


# Where the API's URLs begin (config/urls.py).
API_PREFIX = "/api/"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL that no pattern matches (`/api/v1/matches/abc/`): under the API
    the same JSON body as every other refusal there, elsewhere Django's page."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
