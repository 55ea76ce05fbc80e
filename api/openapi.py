"""The errors in the OpenAPI schema: which statuses an operation can answer besides its
success, and the one body they share.

Every refusal is answered by `api.errors.exception_handler`: messages by field,
`{"field": ["message", …]}`, with `detail` for what belongs to no field (DRF's own refusals,
such as a missing login or a throttle, give `detail` as one string). Rather than a decorator
on every endpoint, `ApiSchema` (the API's `DEFAULT_SCHEMA_CLASS`) adds to each operation the
statuses that follow from what the view declares:

- 400 for every write (input, or a service's rule) and for a read with query filters;
- 401 wherever a token or session is read (an invalid token is refused even where no login
  is needed);
- 403 for writes with a session (CSRF), besides every role check a view names;
- 404 for a path with an id, and for a paginated list (a page past the end);
- 415 for an operation with a body (another content type);
- 429 for a throttled method.

What only the view's logic knows (a read for coordinators only: 403; a step on something
that may have moved on: 409) it names in `error_statuses`. An error response an endpoint
documents itself keeps its description and gets the shared body if it has none.

Also here, as they hold for any endpoint: a time of day (a volunteer's weekly slot) is
written "17:00:00", a local time without an offset, which OpenAPI's `format: time` (RFC 3339,
with an offset) does not describe; and `AnyOf` documents an answer whose shape depends on
who asks (a report as coordinators see it, or as whoever filed it).
"""

from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS

from api.throttles import WriteRateThrottle

# Query parameters of the pagination, which a view does not validate: a page past the end is
# a 404, a bad page size falls back to the default.
PAGE_PARAMETERS = frozenset({"page", "page_size"})

DESCRIPTIONS = {
    400: "Bad input: messages by field, `detail` for what belongs to no field (also a body "
    "that is not JSON, nests too deep or is larger than the limit); nothing was changed.",
    401: "Not signed in, or the token or session is not valid (any more).",
    403: "Signed in, but not allowed to do this (a step of another role or of the record's "
    "owner; or a session without its CSRF token).",
    404: "Nothing of that id that you may see, or a page past the end of the list.",
    409: "It has moved on (another step came first); nothing was changed.",
    415: "The body is in a media type this endpoint does not read.",
    429: "Too many requests: try again after the seconds that `Retry-After` says.",
}

ERROR_MESSAGES = ResolvedComponent(
    name="ErrorMessages",
    type=ResolvedComponent.SCHEMA,
    object="ErrorMessages",
    schema={
        "description": "A message, a list of messages, or the messages of a nested input by "
        "its field (or by its position in a list).",
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"$ref": "#/components/schemas/ErrorMessages"}},
            {
                "type": "object",
                "additionalProperties": {"$ref": "#/components/schemas/ErrorMessages"},
            },
        ],
    },
)
ERROR = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": 'Messages by field, {"field": ["message", …]}, in the language of '
        "Accept-Language or else the user's; `detail` holds what belongs to no field.",
        "additionalProperties": ERROR_MESSAGES.ref,
        "example": {"quantity": ["Ensure this value is greater than or equal to 1."]},
    },
)


class ApiSchema(AutoSchema):
    """drf-spectacular's schema of an operation, with the errors it can answer."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry
    ) -> dict | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:  # excluded from the schema
            return None
        self.registry.register_on_missing(ERROR_MESSAGES)
        self.registry.register_on_missing(ERROR)
        responses = operation["responses"]
        for code in self.errors_of(operation):
            responses.setdefault(str(code), {"description": DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400 and "content" not in response:
                response["content"] = {"application/json": {"schema": ERROR.ref}}
        operation["responses"] = dict(sorted(responses.items()))  # by status, as one reads
        return operation

    def errors_of(self, operation: dict) -> set[int]:
        """The error statuses of this operation, from what its view declares."""
        view = self.view
        writes = self.method not in SAFE_METHODS
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        statuses = set(getattr(view, "error_statuses", ()))
        if writes or query - PAGE_PARAMETERS:
            statuses.add(400)
        authenticators = view.get_authenticators()
        if authenticators:
            statuses.add(401)
        if writes and any(isinstance(a, SessionAuthentication) for a in authenticators):
            statuses.add(403)
        if any(p["in"] == "path" for p in parameters) or "page" in query:
            statuses.add(404)
        if "requestBody" in operation:
            statuses.add(415)
        if any(writes or not isinstance(t, WriteRateThrottle) for t in view.get_throttles()):
            statuses.add(429)
        return statuses


class LocalTimeFieldExtension(OpenApiSerializerFieldExtension):
    """Every `TimeField`: a local time of day, "HH:MM" or "HH:MM:SS" (DRF answers the
    latter), without the offset that `format: time` would require."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict:
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "example": "17:00",
        }


class AnyOf(serializers.Serializer):
    """For the schema only: an answer in the shape of any of `shapes` (serializer classes),
    as the viewer decides; a subclass names them. drf-spectacular's PolymorphicProxySerializer
    says `oneOf`, which a shape that extends another (all of its fields and more) would match
    twice."""

    shapes: tuple[type[serializers.Serializer], ...] = ()


class AnyOfExtension(OpenApiSerializerExtension):
    target_class = AnyOf
    match_subclasses = True

    def map_serializer(self, auto_schema, direction) -> dict:
        shapes = [auto_schema.resolve_serializer(shape, direction) for shape in self.target.shapes]
        return {"anyOf": [shape.ref for shape in shapes]}
