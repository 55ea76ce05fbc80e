"""How the API reads a request body, and how an endpoint describes itself (OPTIONS).

Every body passes here before any serializer sees it (`DEFAULT_PARSER_CLASSES`), so these are
the checks that hold for every endpoint, present and future:

- **Size.** A body larger than `API_MAX_BODY_BYTES` is refused by its declared length before
  a byte of it is read, and a JSON body is never read past the limit (Django's
  DATA_UPLOAD_MAX_MEMORY_SIZE covers form fields only, not JSON, nor the files of a
  multipart body).
- **Depth.** JSON nested deeper than `MAX_JSON_DEPTH` is refused. Python's json module
  recurses, so very deep nesting (10,000 "[") ends in a RecursionError, caught here too:
  nothing deep reaches a serializer, whose fields recurse as well.
- **Text.** Every string of the body, keys included, goes through the one text rule
  (`base.text`): null bytes, direction controls and control characters are refused with a
  message under the field they sit in. How line breaks are spelled depends on the field (one
  line or several), which the service knows from the model field; the parser rewrites
  nothing.

The body is parsed lazily (on `request.data`), that is after authentication: an endpoint that
needs a login never reads an anonymous body at all, and the public ones (login,
registration) read it first thing, before any password is checked.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, serializers
from rest_framework.metadata import SimpleMetadata
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import clone_request
from rest_framework.utils.json import strict_constant

from base.text import nested_text_problems

DEFAULT_MAX_BODY_BYTES = 1_100_000
# Deep enough for every body the API takes (the deepest, a volunteer need, nests 3 levels);
# far below where Python's recursion would give out.
MAX_JSON_DEPTH = 32
# Compared exactly and never shown: the text rule does not judge them (a serializer still
# refuses null bytes in them).
PASSWORD_FIELDS = frozenset({"password", "current_password", "new_password", "old_password"})


def max_body_bytes() -> int:
    return getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


def _too_large() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("The request body is larger than %(limit)s kB.") % {"limit": max_body_bytes() // 1000}
    )


def _check_declared_length(parser_context: dict) -> None:
    """Refuse a body whose declared length is over the limit before reading any of it."""
    request = parser_context.get("request")
    if request is None:
        return
    meta = request.META
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        length = 0
    if length > max_body_bytes():
        raise _too_large()


def _depth(data: Any) -> int:
    """How deeply lists and objects nest in `data` (iterative: no recursion to exhaust)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest  # no need to look further
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("The JSON body nests more than %(limit)s levels deep.") % {"limit": MAX_JSON_DEPTH}
    )


def check_text(data: Any) -> None:
    """A 400 naming every field with a string the text rule refuses."""
    problems = nested_text_problems(data, skip=PASSWORD_FIELDS)
    if problems:
        raise serializers.ValidationError(problems)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (strict: no NaN or Infinity) with a size and a depth limit and the
    text rule."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        _check_declared_length(parser_context)
        raw = stream.read(max_body_bytes() + 1)
        if len(raw) > max_body_bytes():
            raise _too_large()
        parse_constant = strict_constant if self.strict else None
        try:
            data = json.loads(
                raw.decode(parsers.get_encoding(parser_context)), parse_constant=parse_constant
            )
        except RecursionError as exc:
            raise _too_deep() from exc
        except ValueError as exc:  # also UnicodeDecodeError
            raise exceptions.ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        if _depth(data) > MAX_JSON_DEPTH:
            raise _too_deep()
        check_text(data)
        return data


def _form_fields(data) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data}


class FormParser(parsers.FormParser):
    """A url-encoded form (Django bounds its size by DATA_UPLOAD_MAX_MEMORY_SIZE), its fields
    held to the text rule."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        _check_declared_length(parser_context)
        data = super().parse(stream, media_type, parser_context)
        check_text(_form_fields(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    """A multipart form (file uploads): the whole body within `API_MAX_BODY_BYTES` (files
    included, which Django's own limit leaves out), its form fields held to the text rule.
    What is in a file is for the endpoint that reads it (CSV import: `api.imports`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        _check_declared_length(parser_context)
        result = super().parse(stream, media_type, parser_context)
        check_text(_form_fields(result.data))
        return result


# --- OPTIONS ------------------------------------------------------------------------------------


class EndpointMetadata(SimpleMetadata):
    """OPTIONS for explicit endpoints.

    DRF's metadata treats every view as a generic CRUD view: for POST and PUT it builds
    `view.get_serializer()` and, for PUT, loads `view.get_object()`. Our endpoints name their
    input serializers per method and check access in the handler, so a POST that takes no
    body (approve, reject, …) has no `serializer_class` and a PUT has no `queryset`: both
    were an AssertionError, a 500. Here an endpoint is described by what it declares (its
    `serializer_class`, if any), and no object is loaded to describe it.
    """

    def determine_metadata(self, request, view):
        if isinstance(getattr(request, "accepted_renderer", None), TemplateHTMLRenderer):
            # An HTML page's template renders the page, not a description of it (the API
            # docs): the description is JSON.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().determine_metadata(request, view)

    def determine_actions(self, request, view):
        actions = {}
        if not _declares_serializer(view):
            return actions
        for method in sorted({"PUT", "POST"} & set(view.allowed_methods)):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, PermissionDenied, Http404):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions


def _declares_serializer(view) -> bool:
    """Whether the view names a serializer: a `serializer_class`, or a `get_serializer_class`
    of its own (DRF's own only complains that there is none). DRF's generic views are not
    imported here: this module is imported while they are defined (DEFAULT_PARSER_CLASSES)."""
    if not hasattr(view, "get_serializer"):
        return False
    if getattr(view, "serializer_class", None) is not None:
        return True
    return any(
        "get_serializer_class" in vars(cls)
        for cls in type(view).__mro__
        if not cls.__module__.startswith("rest_framework.")
    )
