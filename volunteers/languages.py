"""Languages people speak, as ISO 639-1 codes checked against pycountry."""

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LanguageLevel(models.TextChoices):
    BASIC = "basic", gettext_lazy("Basic")
    CONVERSATIONAL = "conversational", gettext_lazy("Conversational")
    FLUENT = "fluent", gettext_lazy("Fluent")
    NATIVE = "native", gettext_lazy("Native")


def is_language_code(code: object) -> bool:
    """True for a two-letter ISO 639-1 code such as "de", "uk" or "ar"."""
    if not isinstance(code, str) or len(code) != 2 or not code.isascii() or not code.islower():
        return False
    try:
        return pycountry.languages.get(alpha_2=code) is not None
    except KeyError:  # older pycountry versions raise instead of returning None
        return False


def _unknown_code(code: object) -> str:
    return _("Unknown language code “%(code)s”. Use a two-letter ISO 639-1 code such as “de”.") % {
        "code": code
    }


def validate_language_codes(value: object) -> None:
    """A need's languages: a list of distinct ISO 639-1 codes."""
    if not isinstance(value, list):
        raise ValidationError(_("Give the languages as a list of codes such as “de”."))
    errors = [_unknown_code(code) for code in value if not is_language_code(code)]
    if len(set(map(str, value))) != len(value):
        errors.append(_("Each language may be given only once."))
    if errors:
        raise ValidationError(errors)


def validate_language_levels(value: object) -> None:
    """A volunteer's languages: a list of {"code": …, "level": …} with distinct codes."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValidationError(_("Give the languages as a list of objects with “code” and “level”."))
    errors = []
    for item in value:
        if set(item) != {"code", "level"}:
            errors.append(_("Each language needs exactly a “code” and a “level”."))
            continue
        if not is_language_code(item["code"]):
            errors.append(_unknown_code(item["code"]))
        if item["level"] not in LanguageLevel.values:
            errors.append(
                _("Unknown language level “%(level)s”; choose one of %(levels)s.")
                % {"level": item["level"], "levels": ", ".join(LanguageLevel.values)}
            )
    codes = [str(item.get("code")) for item in value]
    if len(set(codes)) != len(codes):
        errors.append(_("Each language may be given only once."))
    if errors:
        raise ValidationError(errors)
