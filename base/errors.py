"""The one error of the application.

A service that refuses raises `ApplicationError`: field messages (``{"field": ["message"]}``)
and a code that says what kind of refusal it is. The API maps the code to an HTTP status in
one place (`api.errors.exception_handler`); web views put the messages beside their fields.
It is a Django `ValidationError`, so forms and `full_clean` speak the same language.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.functional import Promise

INVALID = "invalid"  # bad input: 400
NOT_ALLOWED = "not_allowed"  # this person may not: 403
NOT_FOUND = "not_found"  # nothing of that name they may see: 404
WRONG_STATE = "wrong_state"  # the thing has moved on: 409
CODES = (INVALID, NOT_ALLOWED, NOT_FOUND, WRONG_STATE)

# The field of a message that belongs to no input field.
GENERAL = "detail"


class ApplicationError(ValidationError):
    """A refusal that changed nothing: `errors` are the messages per field, `code` one of
    CODES."""

    def __init__(
        self,
        errors: Mapping[str, str | Iterable[str]] | str,
        *,
        code: str = INVALID,
        field: str = GENERAL,
    ) -> None:
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        if not isinstance(errors, Mapping):
            errors = {field: errors}
        super().__init__(
            {
                name: [messages] if isinstance(messages, str | Promise) else list(messages)
                for name, messages in errors.items()
            }
        )
        self.code = code

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.message_dict

    @classmethod
    def from_validation_error(cls, error: ValidationError, *, code: str = INVALID):
        """The same messages as a Django validation error (from `full_clean`, a form …)."""
        if isinstance(error, cls):
            return error
        if hasattr(error, "error_dict"):
            return cls(error.message_dict, code=code)
        return cls({GENERAL: error.messages}, code=code)


def collect(errors: dict[str, list[str]], error: ValidationError) -> dict[str, list[str]]:
    """Add the messages of `error` to `errors` (field by field) and return them, so that one
    answer can name every field that needs a fix."""
    found = error.message_dict if hasattr(error, "error_dict") else {GENERAL: error.messages}
    for name, messages in found.items():
        errors.setdefault(name, []).extend(messages)
    return errors
