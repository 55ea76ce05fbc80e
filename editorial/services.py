"""Writing texts and their translations, and confirming that a record is still right.

Every change of the source raises the text's version under a row lock, so a translation made
while the source changed is recorded against the version its translator saw. Search vectors
are written in the same transaction, in the configuration of the translation's language."""

from collections.abc import Mapping

from django.contrib.postgres.search import SearchVector
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import INVALID, ApplicationError
from base.text import clean_text, text_problems
from editorial.languages import content_languages, is_content_language, search_config
from editorial.models import Kept, Text, Translation

FIELD_MAX_LENGTH = 50_000


def _clean_fields(fields: Mapping[str, object], required: tuple[str, ...]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, value in fields.items():
        text = "" if value is None else str(value).strip()
        # The one rule for typed text (base.text): no null bytes, direction overrides or
        # control characters; line breaks written one way.
        problems = text_problems(text)
        if problems:
            errors[name] = problems
            continue
        text = clean_text(text, multiline=True)
        if len(text) > FIELD_MAX_LENGTH:
            errors[name] = [_("Please keep this under %(n)s characters.") % {"n": FIELD_MAX_LENGTH}]
        cleaned[name] = text
    for name in required:
        if not cleaned.get(name):
            errors[name] = [_("This field is required.")]
    if errors:
        raise ApplicationError(errors, code=INVALID)
    return cleaned


def _check_language(language: str, field: str = "language") -> None:
    if not is_content_language(language):
        raise ApplicationError(
            {
                field: [
                    _("Choose one of the languages content is written in: %(languages)s.")
                    % {"languages": ", ".join(content_languages())}
                ]
            }
        )


def _index(translation: Translation) -> None:
    """The translation's search vector, from all its fields, in its language's configuration."""
    values = [Value(str(value)) for value in translation.fields.values() if value]
    if not values:
        Translation.objects.filter(pk=translation.pk).update(search_vector=None)
        return
    document = values[0] if len(values) == 1 else Concat(*_spaced(values))
    Translation.objects.filter(pk=translation.pk).update(
        search_vector=SearchVector(document, config=search_config(translation.language))
    )


def _spaced(values: list[Value]) -> list[Value]:
    spaced: list[Value] = []
    for value in values:
        if spaced:
            spaced.append(Value(" "))
        spaced.append(value)
    return spaced


@transaction.atomic
def create_text(
    *, language: str, fields: Mapping[str, object], required: tuple[str, ...] = (), actor=None
) -> Text:
    """A new text written in `language` (its source)."""
    _check_language(language, "source_language")
    cleaned = _clean_fields(fields, required)
    text = Text.objects.create(source_language=language, version=1)
    source = Translation.objects.create(
        text=text, language=language, fields=cleaned, source_version=1, updated_by=actor
    )
    _index(source)
    return text


@transaction.atomic
def edit_source(
    text: Text, *, fields: Mapping[str, object], required: tuple[str, ...] = (), actor=None
) -> Text:
    """The source changed: a new version, which every translation made before is behind.
    Saving the same words again changes nothing."""
    locked = Text.objects.select_for_update().get(pk=text.pk)
    cleaned = _clean_fields(fields, required)
    source = Translation.objects.get(text=locked, language=locked.source_language)
    merged = {**source.fields, **cleaned}
    if merged == source.fields:
        return locked
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    source.fields = merged
    source.source_version = locked.version
    source.updated_by = actor
    source.save(update_fields=["fields", "source_version", "updated_by", "updated_at"])
    _index(source)
    return locked


@transaction.atomic
def translate(
    text: Text,
    *,
    language: str,
    fields: Mapping[str, object],
    required: tuple[str, ...] = (),
    actor=None,
    from_version: int | None = None,
) -> Translation:
    """A translation into `language`, recorded as made from the source version the translator
    saw (`from_version`, by default the current one)."""
    locked = Text.objects.select_for_update().get(pk=text.pk)
    _check_language(language)
    if language == locked.source_language:
        raise ApplicationError(
            {"language": [_("This is the text's source language: edit the source instead.")]}
        )
    version = locked.version if from_version is None else from_version
    if not 1 <= version <= locked.version:
        raise ApplicationError({"from_version": [_("There is no such version of the source.")]})
    cleaned = _clean_fields(fields, required)
    translation, _created = Translation.objects.update_or_create(
        text=locked,
        language=language,
        defaults={"fields": cleaned, "source_version": version, "updated_by": actor},
    )
    _index(translation)
    return translation


def confirm_current(record: Kept, *, actor, on=None) -> Kept:
    """The record's keeper says it is still right (today, unless `on` is given)."""
    record.last_confirmed_on = on or timezone.localdate()
    record.last_confirmed_by = actor
    record.confirm_asked_on = None
    record.save(update_fields=["last_confirmed_on", "last_confirmed_by", "confirm_asked_on"])
    return record
