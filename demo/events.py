"""Demo events and courses in Leipzig: weekly German courses with dates left out in the
Christmas holidays, monthly counselling hours, homework help, sport, and one-off evenings.

Each event is keyed by a stable name (`source` "willkommen-demo" and the key as its
`external_uid`) and created only if missing, through the same service as a posted one
(validated, placed by the gazetteer). Dates are relative to the day the demo is loaded, so
the list is never empty. Texts are written in German; some have English, Ukrainian or Arabic
translations, and a few of those are deliberately outdated (the German text changed after
they were made), so that the notice shows.

Every name, place and event is invented; any likeness to real ones is chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from base.errors import ApplicationError
from demo.base import CONNEWITZ, FRAUENCAFE, LERNBRUECKE, SALAM, SHELTER, SONIASHNYK, DemoReport
from editorial import services as editorial_services
from events import selectors, services
from events.models import EventSeries

SOURCE = "willkommen-demo"


@dataclass(frozen=True)
class DemoEvent:
    key: str
    organisation: str
    title: str
    description: str
    categories: tuple[str, ...]
    # Days from the loading day to the first date, and its local time.
    in_days: int
    at: time
    minutes: int
    address: str = ""
    venue: str = ""
    rule: str = ""
    languages: tuple[str, ...] = ("de",)
    audiences: tuple[str, ...] = ("everyone",)
    online_url: str = ""
    cost: str = ""
    registration_url: str = ""
    places: int | None = None
    # Leave out the dates that fall in the Christmas holidays (23 December to 2 January).
    holidays_off: bool = False
    # Extra dates: days after the first date.
    extra_days: tuple[int, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # Translations made before the German text changed: shown with the "outdated" notice.
    outdated: tuple[str, ...] = ()


EISENBAHN = "Eisenbahnstraße 40, 04315 Leipzig"
GOHLIS = "Georg-Schumann-Straße 120, 04155 Leipzig"
LINDENAU = "Lützner Straße 30, 04177 Leipzig"
SCHOENEFELD = "Gorkistraße 90, 04347 Leipzig"
CONNEWITZ_PLACE = "Bornaische Straße 18, 04277 Leipzig"
GRUENAU = "Stuttgarter Allee 16, 04209 Leipzig"
ZENTRUM = "Burgplatz 1, 04109 Leipzig"

# One-off events: key, organisation, title, description, categories, days ahead, time,
# minutes, address, venue, languages, audiences, translations.
ONE_OFF = (
    (
        "infoabend-anerkennung",
        LERNBRUECKE,
        "Infoabend: Berufsabschlüsse anerkennen lassen",
        "Wie wird ein ausländischer Abschluss anerkannt? Mit Beratung im Anschluss.",
        ("information", "work-training"),
        4,
        time(18, 0),
        120,
        GOHLIS,
        "Lernbrücke",
        ("de", "ar", "uk"),
        ("newcomers",),
        {
            "en": {"title": "Information evening: recognition of qualifications"},
            "ar": {"title": "أمسية إعلامية: الاعتراف بالشهادات"},
        },
    ),
    (
        "willkommensfest",
        CONNEWITZ,
        "Willkommensfest im Park",
        "Musik, Essen und Spiele für alle Nachbarinnen und Nachbarn.",
        ("intercultural", "culture"),
        13,
        time(14, 0),
        300,
        CONNEWITZ_PLACE,
        "Park",
        ("de", "ar", "uk", "en"),
        ("everyone",),
        {
            "en": {"title": "Welcome festival in the park"},
            "uk": {"title": "Свято знайомства в парку"},
        },
    ),
    (
        "lesung-zentrum",
        SALAM,
        "Lesung: Geschichten vom Ankommen",
        "Autorinnen und Autoren lesen auf Deutsch und Arabisch.",
        ("culture",),
        11,
        time(19, 0),
        90,
        ZENTRUM,
        "Stadtbibliothek",
        ("de", "ar"),
        ("everyone",),
        {},
    ),
    (
        "kinonacht",
        SONIASHNYK,
        "Kinonacht: ukrainischer Film mit Untertiteln",
        "Film mit deutschen Untertiteln, danach Gespräch.",
        ("culture",),
        15,
        time(19, 30),
        150,
        SCHOENEFELD,
        "Nachbarschaftstreff",
        ("uk", "de"),
        ("everyone",),
        {"uk": {"title": "Кіноніч: український фільм із субтитрами"}},
    ),
    (
        "stadtfuehrung",
        LERNBRUECKE,
        "Stadtführung für Neuangekommene",
        "Die wichtigsten Orte der Stadt zu Fuß: Ämter, Bibliothek, Märkte.",
        ("information",),
        7,
        time(11, 0),
        120,
        ZENTRUM,
        "Treffpunkt am Markt",
        ("de", "en"),
        ("newcomers",),
        {"en": {"title": "City walk for newcomers"}},
    ),
    (
        "infoabend-wohnung",
        SHELTER,
        "Infoabend: Wie finde ich eine Wohnung?",
        "Wohnungssuche, Mietvertrag, Wohnberechtigungsschein.",
        ("information",),
        5,
        time(17, 0),
        90,
        GRUENAU,
        "Gemeinschaftsraum",
        ("de", "ar", "uk"),
        ("newcomers",),
        {"ar": {"title": "أمسية إعلامية: كيف أجد شقة؟"}},
    ),
    (
        "kita-info",
        LERNBRUECKE,
        "Kita und Schule: So klappt die Anmeldung",
        "Informationen für Eltern zur Anmeldung in Kita und Schule.",
        ("information", "children-families"),
        12,
        time(16, 30),
        90,
        GOHLIS,
        "Lernbrücke",
        ("de", "ar", "uk"),
        ("families",),
        {},
    ),
    (
        "mietrecht",
        SALAM,
        "Workshop Mietrecht",
        "Rechte und Pflichten als Mieterin und Mieter.",
        ("information",),
        16,
        time(18, 0),
        120,
        EISENBAHN,
        "Stadtteilladen Ost",
        ("de", "ar"),
        ("newcomers",),
        {},
    ),
    (
        "sportfest",
        CONNEWITZ,
        "Sportfest für Kinder",
        "Staffellauf, Fußball, Spiele.",
        ("sport", "children-families"),
        20,
        time(10, 0),
        240,
        CONNEWITZ_PLACE,
        "Sportplatz am Park",
        ("de",),
        ("children", "families"),
        {},
    ),
    (
        "konzert",
        SONIASHNYK,
        "Benefizkonzert",
        "Musik aus der Ukraine und aus Sachsen.",
        ("culture",),
        18,
        time(19, 0),
        120,
        SCHOENEFELD,
        "Kirche Schönefeld",
        ("de", "uk"),
        ("everyone",),
        {},
    ),
    (
        "fahrradwerkstatt",
        CONNEWITZ,
        "Offene Fahrradwerkstatt",
        "Fahrräder reparieren lernen, Werkzeug ist da.",
        ("intercultural",),
        9,
        time(14, 0),
        180,
        CONNEWITZ_PLACE,
        "Hinterhof",
        ("de", "en"),
        ("everyone",),
        {},
    ),
    (
        "erste-hilfe",
        SHELTER,
        "Erste-Hilfe-Kurs",
        "Grundlagen der Ersten Hilfe, mit Übungen.",
        ("work-training",),
        14,
        time(9, 0),
        480,
        GRUENAU,
        "Gemeinschaftsraum",
        ("de", "ar"),
        ("everyone",),
        {},
    ),
    (
        "ausbildungsmesse",
        LERNBRUECKE,
        "Ausbildungsmesse für junge Geflüchtete",
        "Betriebe stellen Ausbildungsplätze vor.",
        ("work-training",),
        21,
        time(10, 0),
        360,
        ZENTRUM,
        "Neues Rathaus, Festsaal",
        ("de",),
        ("youth",),
        {"en": {"title": "Training fair for young refugees"}},
    ),
    (
        "einbuergerung",
        SALAM,
        "Infoabend Einbürgerung",
        "Voraussetzungen, Test, Antrag.",
        ("information",),
        17,
        time(18, 0),
        90,
        EISENBAHN,
        "Stadtteilladen Ost",
        ("de", "ar"),
        ("newcomers",),
        {"ar": {"title": "أمسية إعلامية حول التجنس"}},
    ),
    (
        "jobcenter-info",
        SONIASHNYK,
        "Sprechstunde mit dem Jobcenter",
        "Fragen zum Bürgergeld direkt an Mitarbeitende des Jobcenters.",
        ("counselling",),
        8,
        time(13, 0),
        120,
        SCHOENEFELD,
        "Nachbarschaftstreff",
        ("de", "uk", "ru"),
        ("newcomers",),
        {"uk": {"title": "Консультація з Jobcenter"}},
    ),
    (
        "flohmarkt",
        SHELTER,
        "Kinderflohmarkt",
        "Kleidung und Spielzeug tauschen.",
        ("children-families",),
        19,
        time(10, 0),
        180,
        GRUENAU,
        "Hof",
        ("de",),
        ("families",),
        {},
    ),
    (
        "tanz",
        FRAUENCAFE,
        "Tanzworkshop für Frauen",
        "Tänze aus vielen Ländern.",
        ("culture", "sport"),
        22,
        time(17, 0),
        120,
        LINDENAU,
        "Frauencafé",
        ("de", "ar"),
        ("women",),
        {},
    ),
    (
        "theater",
        CONNEWITZ,
        "Theater: Zwischen den Welten",
        "Ein Stück einer Jugendgruppe über das Ankommen.",
        ("culture",),
        25,
        time(19, 0),
        90,
        CONNEWITZ_PLACE,
        "Saal im Werk",
        ("de",),
        ("everyone",),
        {},
    ),
    (
        "gesundheit",
        SALAM,
        "Gesundheit: Wie funktioniert die Krankenkasse?",
        "Ärztin und Dolmetscher erklären das Gesundheitssystem.",
        ("information",),
        23,
        time(17, 0),
        90,
        EISENBAHN,
        "Stadtteilladen Ost",
        ("de", "ar", "fa"),
        ("newcomers",),
        {},
    ),
    (
        "schach",
        LERNBRUECKE,
        "Schachturnier",
        "Für alle Spielstärken.",
        ("sport",),
        26,
        time(14, 0),
        240,
        GOHLIS,
        "Lernbrücke",
        ("de", "en", "uk"),
        ("everyone",),
        {},
    ),
    (
        "zoo",
        SHELTER,
        "Ausflug in den Zoo",
        "Gemeinsamer Ausflug für Familien.",
        ("children-families",),
        27,
        time(10, 0),
        300,
        ZENTRUM,
        "Treffpunkt Hauptbahnhof",
        ("de", "ar", "uk"),
        ("families",),
        {},
    ),
    (
        "ehrenamt-info",
        CONNEWITZ,
        "Infoabend für neue Helferinnen und Helfer",
        "Wie kann ich mich engagieren?",
        ("information",),
        11,
        time(18, 30),
        90,
        CONNEWITZ_PLACE,
        "Nachbarschaftsküche",
        ("de",),
        ("helpers",),
        {},
    ),
    (
        "weihnachtsfeier",
        SONIASHNYK,
        "Nachbarschaftsfeier zum Jahresende",
        "Essen, Musik und Geschenke für Kinder.",
        ("intercultural",),
        24,
        time(16, 0),
        240,
        SCHOENEFELD,
        "Nachbarschaftstreff",
        ("de", "uk"),
        ("everyone",),
        {},
    ),
    (
        "museum",
        LERNBRUECKE,
        "Museumsbesuch mit Führung auf Englisch",
        "Gemeinsamer Besuch im Stadtgeschichtlichen Museum.",
        ("culture",),
        28,
        time(11, 0),
        120,
        ZENTRUM,
        "Altes Rathaus",
        ("de", "en"),
        ("everyone",),
        {"en": {"title": "Museum visit with a guided tour in English"}},
    ),
)


def _once(
    key,
    organisation,
    title,
    description,
    categories,
    days,
    at,
    minutes,
    address,
    venue,
    languages,
    audiences,
    translations,
) -> DemoEvent:
    return DemoEvent(
        key,
        organisation,
        title,
        description,
        categories,
        days,
        at,
        minutes,
        address,
        venue,
        languages=languages,
        audiences=audiences,
        translations=translations,
    )


EVENTS: tuple[DemoEvent, ...] = (
    # --- recurring: language courses ---
    DemoEvent(
        "deutsch-a1-ost",
        SALAM,
        "Deutschkurs A1 am Abend",
        "Deutsch für Anfängerinnen und Anfänger, zweimal pro Woche. Material wird gestellt.",
        ("language-course",),
        -14,
        time(18, 0),
        90,
        EISENBAHN,
        "Stadtteilladen Ost",
        "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=40",
        ("de", "ar"),
        ("newcomers",),
        holidays_off=True,
        translations={
            "en": {"title": "German course A1 in the evening"},
            "ar": {"title": "دورة اللغة الألمانية A1 مساءً"},
            "uk": {"title": "Курс німецької A1 увечері"},
        },
    ),
    DemoEvent(
        "deutsch-a2-gohlis",
        LERNBRUECKE,
        "Deutschkurs A2",
        "Für alle, die schon etwas Deutsch sprechen. Jeden Dienstag.",
        ("language-course",),
        -7,
        time(17, 30),
        120,
        GOHLIS,
        "Lernbrücke, Raum 2",
        "FREQ=WEEKLY;COUNT=24",
        ("de",),
        ("newcomers",),
        holidays_off=True,
        extra_days=(2,),
        translations={"en": {"title": "German course A2"}, "uk": {"title": "Курс німецької A2"}},
        outdated=("uk",),
    ),
    DemoEvent(
        "deutsch-frauen-lindenau",
        FRAUENCAFE,
        "Deutschkurs für Frauen mit Kinderbetreuung",
        "Deutsch lernen in ruhiger Runde, die Kinder spielen nebenan.",
        ("language-course", "children-families"),
        -3,
        time(9, 30),
        120,
        LINDENAU,
        "Frauencafé",
        "FREQ=WEEKLY;COUNT=20",
        ("de", "ar", "fa"),
        ("women", "families"),
        holidays_off=True,
        translations={
            "ar": {"title": "دورة ألمانية للنساء مع رعاية الأطفال"},
            "en": {"title": "German course for women with childcare"},
        },
        outdated=("en",),
    ),
    DemoEvent(
        "alphabetisierung-ost",
        SALAM,
        "Alphabetisierungskurs",
        "Lesen und Schreiben lernen, in kleinen Gruppen.",
        ("language-course",),
        2,
        time(10, 0),
        90,
        EISENBAHN,
        "Stadtteilladen Ost",
        "FREQ=WEEKLY;COUNT=16",
        ("de", "ar"),
        ("newcomers",),
        holidays_off=True,
    ),
    DemoEvent(
        "sprachcafe-schoenefeld",
        SONIASHNYK,
        "Sprachcafé Deutsch–Ukrainisch",
        "Bei Kaffee und Kuchen Deutsch und Ukrainisch üben.",
        ("language-course", "intercultural"),
        6,
        time(15, 0),
        120,
        SCHOENEFELD,
        "Nachbarschaftstreff",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=10",
        ("de", "uk"),
        ("everyone",),
        translations={"uk": {"title": "Мовне кафе німецька–українська"}},
    ),
    DemoEvent(
        "deutsch-b1-online",
        SONIASHNYK,
        "Deutschkurs B1 online",
        "Online-Kurs am Abend, für alle mit Vorkenntnissen.",
        ("language-course",),
        1,
        time(19, 0),
        90,
        rule="FREQ=WEEKLY;COUNT=12",
        languages=("de", "uk"),
        audiences=("newcomers",),
        online_url="https://meet.example.org/deutsch-b1",
        holidays_off=True,
        translations={"uk": {"title": "Курс німецької B1 онлайн"}},
    ),
    # --- recurring: counselling ---
    DemoEvent(
        "sozialberatung-arabisch",
        SALAM,
        "Sozialberatung auf Arabisch",
        "Hilfe bei Briefen, Anträgen beim Jobcenter und der Ausländerbehörde. Ohne Termin.",
        ("counselling",),
        3,
        time(14, 0),
        180,
        EISENBAHN,
        "Stadtteilladen Ost",
        "FREQ=MONTHLY;BYDAY=1MO;COUNT=8",
        ("ar", "de"),
        ("newcomers",),
        translations={"ar": {"title": "استشارة اجتماعية باللغة العربية"}},
    ),
    DemoEvent(
        "migrationsberatung-ukrainisch",
        SONIASHNYK,
        "Migrationsberatung auf Ukrainisch und Russisch",
        "Beratung zu Aufenthalt, Arbeit und Wohnen. Bitte vorher anmelden.",
        ("counselling",),
        4,
        time(10, 0),
        240,
        SCHOENEFELD,
        "Nachbarschaftstreff",
        "FREQ=MONTHLY;BYDAY=2WE;COUNT=8",
        ("uk", "ru"),
        ("newcomers",),
        registration_url="https://soniashnyk.example.org/termin",
        translations={"uk": {"title": "Міграційна консультація українською та російською"}},
    ),
    DemoEvent(
        "rechtsberatung-asyl",
        SALAM,
        "Rechtsberatung zum Asylverfahren",
        "Eine Anwältin berät kostenlos. Dolmetschen auf Arabisch und Farsi.",
        ("counselling",),
        10,
        time(16, 0),
        120,
        EISENBAHN,
        "Stadtteilladen Ost",
        "FREQ=MONTHLY;BYDAY=3TH;COUNT=8",
        ("de", "ar", "fa"),
        ("newcomers",),
        translations={"ar": {"title": "استشارة قانونية حول إجراءات اللجوء"}},
        outdated=("ar",),
    ),
    # --- recurring: children, sport, work ---
    DemoEvent(
        "hausaufgabenhilfe-gohlis",
        LERNBRUECKE,
        "Hausaufgabenhilfe",
        "Ehrenamtliche helfen bei den Hausaufgaben, Klasse 1 bis 10.",
        ("children-families",),
        0,
        time(15, 0),
        90,
        GOHLIS,
        "Lernbrücke",
        "FREQ=WEEKLY;BYDAY=MO,WE,TH;COUNT=36",
        ("de",),
        ("children",),
        holidays_off=True,
    ),
    DemoEvent(
        "fussball-connewitz",
        CONNEWITZ,
        "Fußball für Jugendliche",
        "Offenes Training für alle von 12 bis 18. Bälle sind da.",
        ("sport",),
        5,
        time(17, 0),
        90,
        CONNEWITZ_PLACE,
        "Sportplatz am Park",
        "FREQ=WEEKLY;COUNT=16",
        ("de", "ar", "uk"),
        ("youth",),
        translations={"uk": {"title": "Футбол для молоді"}, "ar": {"title": "كرة القدم للشباب"}},
    ),
    DemoEvent(
        "eltern-kind-gruenau",
        SHELTER,
        "Eltern-Kind-Gruppe",
        "Spielen, singen, andere Familien kennenlernen.",
        ("children-families",),
        3,
        time(10, 0),
        90,
        GRUENAU,
        "Gemeinschaftsraum",
        "FREQ=WEEKLY;COUNT=12",
        ("de", "ar", "uk"),
        ("families", "children"),
    ),
    DemoEvent(
        "bewerbungstraining",
        LERNBRUECKE,
        "Bewerbungstraining",
        "Lebenslauf schreiben, Vorstellungsgespräch üben.",
        ("work-training",),
        8,
        time(10, 0),
        120,
        GOHLIS,
        "Lernbrücke, Raum 1",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=8",
        ("de", "en"),
        ("newcomers",),
        places=12,
        translations={"en": {"title": "Job application training"}},
    ),
    DemoEvent(
        "naehwerkstatt",
        FRAUENCAFE,
        "Nähwerkstatt",
        "Gemeinsam nähen und reparieren. Nähmaschinen sind vorhanden.",
        ("culture", "intercultural"),
        6,
        time(11, 0),
        150,
        LINDENAU,
        "Frauencafé",
        "FREQ=WEEKLY;COUNT=10",
        ("de", "ar", "fa"),
        ("women",),
    ),
    DemoEvent(
        "kochabend",
        CONNEWITZ,
        "Interkultureller Kochabend",
        "Jeden letzten Freitag im Monat kochen wir zusammen Gerichte aus aller Welt.",
        ("intercultural", "culture"),
        2,
        time(18, 30),
        180,
        CONNEWITZ_PLACE,
        "Nachbarschaftsküche",
        "FREQ=MONTHLY;BYDAY=-1FR;COUNT=6",
        ("de", "en", "ar"),
        ("everyone",),
        cost="3 € für Zutaten",
        translations={"en": {"title": "Intercultural cooking evening"}},
    ),
    DemoEvent(
        "frauenfruehstueck",
        FRAUENCAFE,
        "Frauenfrühstück",
        "Frühstück und Austausch für Frauen aus aller Welt.",
        ("intercultural",),
        9,
        time(9, 30),
        120,
        LINDENAU,
        "Frauencafé",
        "FREQ=MONTHLY;COUNT=6",
        ("de", "ar", "uk", "fa"),
        ("women",),
    ),
    # --- one-off evenings and days ---
    *(_once(*row) for row in ONE_OFF),
)


def _organisation(name: str) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": OrganisationKind.INITIATIVE, "city": "Leipzig"}
    )
    return organisation


def _holiday(day: date) -> bool:
    return (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day <= 2)


def _event(spec: DemoEvent, today: date, report: DemoReport) -> None:
    if EventSeries.objects.filter(source=SOURCE, external_uid=spec.key).exists():
        report.count("events", False)
        return
    start = timezone.make_aware(datetime.combine(today + timedelta(days=spec.in_days), spec.at))
    try:
        series = services.create_series(
            user=None,
            owner=_organisation(spec.organisation),
            language="de",
            title=spec.title,
            description=spec.description,
            categories=spec.categories,
            starts_at=start,
            duration=timedelta(minutes=spec.minutes),
            rrule=spec.rule,
            rdates=[start + timedelta(days=d) for d in spec.extra_days],
            address=spec.address,
            venue=spec.venue,
            online=bool(spec.online_url),
            online_url=spec.online_url,
            languages=list(spec.languages),
            audiences=list(spec.audiences),
            free=not spec.cost,
            cost=spec.cost,
            registration_url=spec.registration_url,
            registration_required=bool(spec.registration_url or spec.places),
            places=spec.places,
            source=SOURCE,
            external_uid=spec.key,
        )
        if spec.holidays_off:
            off = [
                o.start
                for o in selectors.all_occurrences(series)
                if _holiday(timezone.localtime(o.start).date())
            ]
            if off:
                series = services.update_series(
                    series=series, user=None, exdates=[*series.exdates, *off]
                )
        for language, fields in spec.translations.items():
            editorial_services.translate(series.text, language=language, fields=fields)
        if spec.outdated:
            # The German text changed after these translations were made.
            services.update_series(
                series=series,
                user=None,
                description=spec.description + " Bitte bringen Sie Ihren Ausweis mit.",
            )
            current = [code for code in spec.translations if code not in spec.outdated]
            for language in current:
                editorial_services.translate(
                    series.text, language=language, fields=spec.translations[language]
                )
    except ApplicationError as error:
        report.warnings.append(f"Event “{spec.title}” skipped: {error.errors}")
        return
    report.count("events", True)


def load_events(report: DemoReport, today: date | None = None) -> None:
    """Create the demo's events that are missing (idempotent)."""
    today = today or timezone.localdate()
    for spec in EVENTS:
        _event(spec, today, report)
