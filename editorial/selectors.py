"""Reading texts in a person's language, honestly: what is missing or outdated is said so.

A reader whose language is missing or behind the source reads the source with a notice; an
editor sees the status of every text per language. Search runs each language's translations
in that language's configuration (PostgreSQL full-text search)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.selectors import active_organisations_of
from editorial.languages import content_languages, search_config
from editorial.models import Kept, Text, Translation, TranslationStatus


@dataclass(frozen=True)
class Reading:
    """What a reader in `wanted` gets: the fields, the language they are in, and a notice
    (`missing` or `outdated`) where that is not the wanted language's current translation."""

    fields: dict
    language: str
    wanted: str
    notice: str = ""

    def __getitem__(self, name: str) -> str:
        return self.fields.get(name, "")


def _translations(text: Text) -> dict[str, Translation]:
    cached = getattr(text, "_prefetched_objects_cache", {}).get("translations")
    rows = cached if cached is not None else text.translations.all()
    return {row.language: row for row in rows}


def status_of(text: Text, language: str, translations: dict | None = None) -> str:
    if language == text.source_language:
        return TranslationStatus.SOURCE
    row = (translations if translations is not None else _translations(text)).get(language)
    if row is None:
        return TranslationStatus.MISSING
    if row.source_version < text.version:
        return TranslationStatus.OUTDATED
    return TranslationStatus.CURRENT


def statuses(text: Text) -> dict[str, str]:
    """The status of the text in every content language (and any other it was translated to)."""
    rows = _translations(text)
    languages = list(content_languages()) + [
        code for code in rows if code not in content_languages()
    ]
    return {language: status_of(text, language, rows) for language in languages}


def reading(text: Text, language: str) -> Reading:
    rows = _translations(text)
    source = rows.get(text.source_language)
    source_fields = dict(source.fields) if source else {}
    status = status_of(text, language, rows)
    if status in (TranslationStatus.SOURCE, TranslationStatus.CURRENT):
        return Reading(dict(rows[language].fields), language, language)
    return Reading(source_fields, text.source_language, language, notice=status)


def with_translations(queryset: QuerySet) -> QuerySet:
    """Records with a `text` field, their texts and translations fetched in two queries."""
    return queryset.select_related("text").prefetch_related("text__translations")


def matching_text_ids(query: str, languages: tuple[str, ...] | None = None) -> QuerySet:
    """Ids of texts whose translation in one of `languages` (every content language by
    default) matches `query` read in that language's configuration."""
    query = (query or "").strip()
    wanted = languages or content_languages()
    condition = Q(pk__in=[])
    for language in wanted:
        condition |= Q(language=language) & Q(
            search_vector=SearchQuery(
                query, config=search_config(language), search_type="websearch"
            )
        )
    return Translation.objects.filter(condition).values("text_id")


def missing_or_outdated(texts: QuerySet[Text], language: str) -> QuerySet[Text]:
    """Texts that a reader in `language` cannot read as current: no translation, or one made
    from an older version of the source (never the ones written in `language`)."""
    from_current = Translation.objects.filter(
        language=language, source_version__gte=F("text__version")
    ).values("text_id")
    return texts.exclude(source_language=language).exclude(pk__in=from_current)


def overdue(queryset: QuerySet, *, today: date | None = None) -> QuerySet:
    """Kept records not confirmed within EDITORIAL_CONFIRM_EVERY_DAYS, the oldest first."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=settings.EDITORIAL_CONFIRM_EVERY_DAYS)
    return queryset.filter(last_confirmed_on__lte=limit).order_by("last_confirmed_on", "pk")


def kept_models() -> list[type[Kept]]:
    """Every model whose records have a keeper and a last-confirmed date (directory entries,
    event series, pages …), found by their base class so that this app imports none of them."""
    return [model for model in apps.get_models() if issubclass(model, Kept)]


def kept_model(label: str) -> type[Kept] | None:
    """A kept model by its label ("events.eventseries"), or None for any other."""
    return next((model for model in kept_models() if model._meta.label_lower == label), None)


def keepers_to_ask(*, today: date | None = None) -> dict[int, list[Kept]]:
    """Overdue records by their owner organisation, leaving out those whose keeper was asked
    within the same period: one question per period, not one a day."""
    today = today or timezone.localdate()
    asked_before = today - timedelta(days=settings.EDITORIAL_CONFIRM_EVERY_DAYS)
    by_owner: dict[int, list[Kept]] = {}
    for model in kept_models():
        due = overdue(model.objects.filter(owner__isnull=False), today=today).filter(
            Q(confirm_asked_on__isnull=True) | Q(confirm_asked_on__lte=asked_before)
        )
        for record in due:
            by_owner.setdefault(record.owner_id, []).append(record)
    return by_owner


def kept_by(organisation_ids, *, today: date | None = None) -> list[Kept]:
    """The records the organisations keep, the longest unconfirmed first."""
    rows: list[Kept] = []
    for model in kept_models():
        rows.extend(listed(model.objects.filter(owner_id__in=list(organisation_ids))))
    return sorted(
        rows, key=lambda record: (record.last_confirmed_on, record._meta.label, record.pk)
    )


def overdue_everywhere(*, today: date | None = None) -> list[Kept]:
    """Every overdue record, whoever keeps it (what coordinators look after), the longest
    unconfirmed first."""
    rows: list[Kept] = []
    for model in kept_models():
        rows.extend(overdue(listed(model.objects.all()), today=today))
    return sorted(rows, key=lambda record: (record.last_confirmed_on, record.pk))


def listed(queryset: QuerySet) -> QuerySet:
    """Kept records with their keeper and, where they have one, their text and translations:
    a list of them reads each title without a query per row."""
    queryset = queryset.select_related("owner")
    if any(field.name == "text" for field in queryset.model._meta.get_fields()):
        queryset = with_translations(queryset)
    return queryset


def title_of(record: Kept, language: str) -> str:
    """A kept record's title in `language` (its text's `title` or `name`), else its name."""
    text = getattr(record, "text", None)
    if isinstance(text, Text):
        shown = reading(text, language)
        return shown["title"] or shown["name"] or str(record)
    return str(record)


def is_overdue(record: Kept, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return record.last_confirmed_on <= today - timedelta(days=settings.EDITORIAL_CONFIRM_EVERY_DAYS)


def may_confirm(user, record: Kept) -> bool:
    """Whether `user` may confirm `record` as still right: an active member of the keeping
    organisation, or a coordinator (the page and the API ask this one rule)."""
    ours = active_organisations_of(user).filter(pk=record.owner_id).exists()
    return ours or user.is_coordinator
