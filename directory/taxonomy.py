"""The fixed lists of the directory: topics (named in every content language here, so that a
newcomer reads them in their language whatever the interface catalogues hold yet) and the
languages a service's staff speak (ISO 639 codes, each named in its own language)."""

from django.utils.translation import get_language

# slug -> names by language. Adding a topic is a line here; a service stores slugs.
TOPICS: dict[str, dict[str, str]] = {
    "asylum": {
        "de": "Asylverfahren",
        "en": "Asylum procedure",
        "uk": "Процедура надання притулку",
        "ar": "إجراءات اللجوء",
    },
    "residence": {
        "de": "Aufenthalt",
        "en": "Residence",
        "uk": "Право на перебування",
        "ar": "الإقامة",
    },
    "work": {
        "de": "Arbeit und Anerkennung von Abschlüssen",
        "en": "Work and recognition of qualifications",
        "uk": "Робота та визнання кваліфікацій",
        "ar": "العمل والاعتراف بالمؤهلات",
    },
    "language_courses": {
        "de": "Sprachkurse",
        "en": "Language courses",
        "uk": "Мовні курси",
        "ar": "دورات اللغة",
    },
    "health": {"de": "Gesundheit", "en": "Health", "uk": "Здоров'я", "ar": "الصحة"},
    "housing": {"de": "Wohnen", "en": "Housing", "uk": "Житло", "ar": "السكن"},
    "children_school": {
        "de": "Kinder und Schule",
        "en": "Children and school",
        "uk": "Діти та школа",
        "ar": "الأطفال والمدرسة",
    },
    "legal_advice": {
        "de": "Rechtsberatung",
        "en": "Legal advice",
        "uk": "Юридична консультація",
        "ar": "الاستشارة القانونية",
    },
    "psychosocial": {
        "de": "Psychosoziale Unterstützung",
        "en": "Psychosocial support",
        "uk": "Психосоціальна підтримка",
        "ar": "الدعم النفسي والاجتماعي",
    },
    "money_benefits": {
        "de": "Geld und Sozialleistungen",
        "en": "Money and benefits",
        "uk": "Гроші та соціальні виплати",
        "ar": "المال والمساعدات الاجتماعية",
    },
    "family_reunification": {
        "de": "Familiennachzug",
        "en": "Family reunification",
        "uk": "Возз'єднання сім'ї",
        "ar": "لم شمل الأسرة",
    },
    "everyday_life": {
        "de": "Alltag",
        "en": "Everyday life",
        "uk": "Повсякденне життя",
        "ar": "الحياة اليومية",
    },
}

# ISO 639-1 codes (639-3 where there is none: Dari, Kurmanji) -> the language's own name.
SPOKEN: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
    "fa": "فارسی",
    "prs": "دری",
    "ps": "پښتو",
    "tr": "Türkçe",
    "kmr": "Kurmancî",
    "ckb": "کوردی",
    "ti": "ትግርኛ",
    "am": "አማርኛ",
    "so": "Soomaali",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "pl": "Polski",
    "ro": "Română",
    "bg": "Български",
    "sr": "Српски",
    "bs": "Bosanski",
    "sq": "Shqip",
    "el": "Ελληνικά",
    "hu": "Magyar",
    "cs": "Čeština",
    "ka": "ქართული",
    "hy": "Հայերեն",
    "az": "Azərbaycanca",
    "ur": "اردو",
    "hi": "हिन्दी",
    "bn": "বাংলা",
    "ta": "தமிழ்",
    "vi": "Tiếng Việt",
    "zh": "中文",
    "ku": "Kurdî",
    "sgn-de": "Deutsche Gebärdensprache",
}


def topic_name(slug: str, language: str | None = None) -> str:
    """The topic's name in `language` (the active one by default), else in English."""
    names = TOPICS.get(slug, {})
    language = (language or get_language() or "en").split("-")[0]
    return names.get(language) or names.get("en") or slug


def topic_choices(language: str | None = None) -> list[tuple[str, str]]:
    return [(slug, topic_name(slug, language)) for slug in TOPICS]


def spoken_name(code: str) -> str:
    return SPOKEN.get(code, code)


def spoken_choices() -> list[tuple[str, str]]:
    return list(SPOKEN.items())
