"""The one place where the application's error becomes an HTTP answer.

Services raise `base.errors.ApplicationError`; its code says which status: bad input 400
with field messages, not allowed 403, not found 404, moved on 409. Each refusal changed
nothing. A plain Django `ValidationError` (a model's own validators) is bad input too.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
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
