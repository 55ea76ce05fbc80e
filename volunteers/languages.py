"""Languages people speak, as ISO 639-1 codes checked against pycountry."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# validate_language_codes is named here by the models and their migrations.
from base.languages import is_language_code, unknown_code, validate_language_codes  # noqa: F401


class LanguageLevel(models.TextChoices):
    BASIC = "basic", gettext_lazy("Basic")
    CONVERSATIONAL = "conversational", gettext_lazy("Conversational")
    FLUENT = "fluent", gettext_lazy("Fluent")
    NATIVE = "native", gettext_lazy("Native")


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
            errors.append(unknown_code(item["code"]))
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
