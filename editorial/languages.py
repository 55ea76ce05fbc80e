"""The languages content is written and translated in, and how PostgreSQL searches each.

Content languages are a setting (CONTENT_LANGUAGES), not the list of interface languages:
adding Farsi, Russian or Turkish content is configuration plus translations. A language that
PostgreSQL has no stemmer for is searched word for word (the `simple` configuration)."""

from django.conf import settings

# PostgreSQL's text search configurations by language; Ukrainian and Farsi have none built in.
SEARCH_CONFIGS = {
    "de": "german",
    "en": "english",
    "ar": "arabic",
    "ru": "russian",
    "tr": "turkish",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
}
FALLBACK_CONFIG = "simple"


def content_languages() -> tuple[str, ...]:
    return tuple(settings.CONTENT_LANGUAGES)


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, FALLBACK_CONFIG)


def is_content_language(language: str) -> bool:
    return language in content_languages()
