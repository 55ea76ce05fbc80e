"""Languages people speak, as ISO 639-1 codes checked against pycountry: shared by every kind
of help that names languages (volunteer shifts, jobs)."""

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_language_code(code: object) -> bool:
    """True for a two-letter ISO 639-1 code such as "de", "uk" or "ar"."""
    if not isinstance(code, str) or len(code) != 2 or not code.isascii() or not code.islower():
        return False
    try:
        return pycountry.languages.get(alpha_2=code) is not None
    except KeyError:  # older pycountry versions raise instead of returning None
        return False


def unknown_code(code: object) -> str:
    return _("Unknown language code “%(code)s”. Use a two-letter ISO 639-1 code such as “de”.") % {
        "code": code
    }


def validate_language_codes(value: object) -> None:
    """A need's languages: a list of distinct ISO 639-1 codes."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the languages as a list of codes such as “de”."))
    errors = [unknown_code(code) for code in value if not is_language_code(code)]
    if len(set(map(str, value))) != len(value):
        errors.append(_("Each language may be given only once."))
    if errors:
        raise ValidationError(errors)
