"""The one rule for text people type in: what is refused, what is normalised.

Text written here is shown to other people: in web pages, emails in four languages (one of
them right to left), webhooks, a spreadsheet someone opens, a coordinator's terminal. A few
characters can make it show something else than it says, or break what handles it:

- **Null bytes** (U+0000): PostgreSQL cannot store them; refused.
- **Direction controls** (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates,
  U+200E/U+200F and U+061C marks): invisible, and an override shows "txt.exe" as "exe.txt"
  or reverses an address; refused with a message that names the code point, because a
  person cannot see it to delete it. Right-to-left text itself (Arabic) needs none of them:
  the pages set `dir` and isolate each value.
- **Other control characters** (C0 except tab, line feed and carriage return; DEL; C1):
  terminal escapes (ESC [ 31 m …), bells, form feeds; refused.
- **Unpaired surrogates** (a JSON "\\ud800"): not text, and not storable as UTF-8; refused.
- **Line breaks** are spelled one way. A multi-line field (a description; a TextField)
  keeps tabs and line feeds and writes every line break as "\\n" (CRLF from a browser's
  textarea, a lone CR, U+2028, U+2029). A one-line field (a title, an address, a name; a
  model's CharField) writes a line break or a tab as a space: a break there would split a
  line of an email subject, a header or a list, and a title typed in a spreadsheet cell over
  two lines ("Zwei⏎Zeilen") says the same on one.

Nothing is stripped silently: what would change what the text says is refused with a message,
and the only change made is the spelling of line breaks (the same words, the same order).
Zero-width joiners and non-joiners (U+200C/U+200D) stay: Persian, Indic scripts and emoji need
them.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from base.errors import GENERAL, ApplicationError

_NUL = "\x00"
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# C0 without tab, LF, CR (they are line breaks, judged by the field's kind) and without NUL
# (it has its own message); DEL; C1.
_CONTROL = "\x01-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f"
_SURROGATE = "\ud800-\udfff"

_FIND_NUL = re.compile(_NUL)
_FIND_BIDI = re.compile(f"[{_BIDI}]")
_FIND_CONTROL = re.compile(f"[{_CONTROL}]")
_FIND_SURROGATE = re.compile(f"[{_SURROGATE}]")
# Every refused character; clean text (almost all of it) is one search.
_ANY_REFUSED = re.compile(f"[{_NUL}{_BIDI}{_CONTROL}{_SURROGATE}]")
_LINE_BREAK = re.compile("\r\n|[\r\u2028\u2029]")
_BREAK_OR_TAB = re.compile("\r\n|[\t\n\r\u2028\u2029]")


class UnsafeText(ValueError):
    """Text the rule refuses; `messages` say why (each names what to remove)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def text_problems(value: str) -> list[str]:
    """Why `value` is refused (an empty list if it is not), the same for every field."""
    if _ANY_REFUSED.search(value) is None:
        return []
    problems = []
    if _FIND_NUL.search(value):
        problems.append(_("Null characters are not allowed."))
    if found := _FIND_BIDI.search(value):
        problems.append(
            _(
                "Remove the invisible direction control character %(code)s; right-to-left "
                "text itself is fine without it."
            )
            % {"code": _code_point(found.group())}
        )
    if found := _FIND_CONTROL.search(value):
        problems.append(
            _("Remove the control character %(code)s.") % {"code": _code_point(found.group())}
        )
    if _FIND_SURROGATE.search(value):
        problems.append(_("This text contains invalid characters (unpaired surrogates)."))
    return problems


def clean_text(value: str, *, multiline: bool) -> str:
    """`value` if the rule lets it pass, else UnsafeText. Line breaks are written as "\\n" in
    a multi-line field; in a one-line field a line break or a tab becomes a space. Text
    without refused characters and line breaks comes back unchanged."""
    problems = text_problems(value)
    if problems:
        raise UnsafeText(problems)
    return (_LINE_BREAK if multiline else _BREAK_OR_TAB).sub("\n" if multiline else " ", value)


def clean_field(value: str, *, field: str, multiline: bool) -> str:
    """`clean_text` for one named input of a service (a message, a reason, a note): the
    refusal is an ApplicationError on `field`, as every other rule of a service is."""
    try:
        return clean_text(value, multiline=multiline)
    except UnsafeText as refused:
        raise ApplicationError({field: refused.messages}) from refused


# What a spreadsheet runs as a formula: "=", "+", "-" or "@" first (also after spaces), or a
# tab or carriage return first (some skip it and read what follows).
FORMULA_START = re.compile(r"^[\t\r]|^\s*[=+\-@]")


def spreadsheet_cell(value: str) -> str:
    """`value` for a cell of a CSV file someone opens in a spreadsheet: text that would run
    as a formula gets a leading apostrophe, which spreadsheets read as "this is text". For
    any future CSV export (there is none yet: exports are JSON); imports refuse such cells."""
    return f"'{value}" if FORMULA_START.match(value) else value


def _strings(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string inside nested dicts and lists (keys too), with where it sits; iterative,
    so that no nesting can exhaust Python's stack."""
    stack: list[tuple[tuple[str, ...], Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                if isinstance(key, str):
                    yield (*where, "(name)"), key
                stack.append(((*where, str(key) if _is_clean_key(key) else "?"), inner))
        elif isinstance(value, list | tuple):
            for index, inner in enumerate(value, start=1):
                stack.append(((*where, str(index)), inner))


def _is_clean_key(key: Any) -> bool:
    return not isinstance(key, str) or not text_problems(key)


def nested_text_problems(data: Any, *, skip: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Field messages for every refused string inside `data` (a parsed request body, a JSON
    column): under the top-level key it sits in (GENERAL for a refused key or a body that is
    no object), prefixed with where it sits below that. Top-level keys in `skip` are not
    looked at (passwords: never shown, compared exactly)."""
    errors: dict[str, list[str]] = {}
    if isinstance(data, Mapping):
        items = [(key, value) for key, value in data.items() if key not in skip]
    else:
        items = [(None, data)]
    for key, value in items:
        if isinstance(key, str) and text_problems(key):
            errors.setdefault(GENERAL, []).append(
                _("A field name contains characters that are not allowed.")
            )
            continue
        field = GENERAL if key is None else str(key)
        for where, text in _strings(value):
            for problem in text_problems(text):
                message = f"{'.'.join(where)}: {problem}" if where else problem
                if message not in errors.get(field, []):
                    errors.setdefault(field, []).append(message)
    return errors


# --- model fields ------------------------------------------------------------------------------


def _multiline(field: models.Field) -> bool | None:
    """True for a multi-line text field, False for a one-line one or a JSON column (whose
    strings are names and values such as "M"), None for a field that holds no text."""
    if isinstance(field, models.TextField):
        return True
    if isinstance(field, models.CharField | models.JSONField):
        return False
    return None


def clean_model_values(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` (field name → value, e.g. the changes of an update) with every text cleaned by
    the kind of its model field: a TextField is multi-line, any other CharField one line,
    strings inside a JSONField one line. Values of other fields and names that are no field
    pass as they are. ApplicationError names every refused field at once."""
    cleaned = dict(values)
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        multiline = _multiline(field)
        if multiline is None or value is None:
            continue
        if isinstance(value, str):
            try:
                cleaned[name] = clean_text(value, multiline=multiline)
            except UnsafeText as refused:
                errors[name] = refused.messages
        elif isinstance(field, models.JSONField):
            found = nested_text_problems({name: value})
            for messages in found.values():
                errors.setdefault(name, []).extend(messages)
            if not found:
                cleaned[name] = _one_line_json(value)
    if errors:
        raise ApplicationError(errors)
    return cleaned


def _one_line_json(value: Any) -> Any:
    """A JSON value (already free of refused characters) with its strings on one line."""
    if isinstance(value, str):
        return clean_text(value, multiline=False)
    if isinstance(value, Mapping):
        return {_one_line_json(key): _one_line_json(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_one_line_json(inner) for inner in value]
    return value


def text_field_names(model: type[models.Model]) -> list[str]:
    """The concrete fields of `model` that hold text (the ones `clean_model_values` judges)."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if _multiline(field) is not None and not field.primary_key
    ]


def clean_model_text(instance: models.Model, names: list[str] | None = None) -> None:
    """Clean the text fields of an unsaved or changed instance in place (all of them, or
    `names`); ApplicationError names every refused field."""
    names = text_field_names(type(instance)) if names is None else names
    cleaned = clean_model_values(type(instance), {name: getattr(instance, name) for name in names})
    for name, value in cleaned.items():
        setattr(instance, name, value)
