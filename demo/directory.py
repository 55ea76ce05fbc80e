"""The demo's directory of services and providers (issue 14): 15 providers in Leipzig with 32
services, in German and some written first in Ukrainian, Arabic or English, with translations,
languages spoken, opening hours (one evening service past midnight) and holiday exceptions.

Keyed by stable names: a provider by its organisation's name, a service by (provider, title in
its source language); what exists is left as it is, so loading twice creates nothing new and
never overwrites what an editor changed. Everything goes through `directory.services` (placed
by the offline gazetteer at a pin near the address, validated) as the welcome centre's editor.

Names, addresses, phone numbers and people are invented; any likeness to real ones is chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from demo.base import DEMO_PASSWORD, FRAUENCAFE, LERNBRUECKE, SALAM, SONIASHNYK, DemoReport
from directory import services
from directory.models import ProviderProfile, PublicationStatus, Service

EDITOR_USERNAME = "redaktion"
WEEKDAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class DemoProvider:
    organisation: str
    kind: str
    language: str
    description: str
    website: str = ""
    phone: str = ""
    email: str = ""
    needs_review: bool = False
    translations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoService:
    provider: str
    language: str
    title: str
    description: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    address: str
    pin: tuple[float, float]
    # (weekdays, opens, closes)
    hours: tuple = ()
    appointment_only: bool = False
    barrier_free: bool = False
    cost: str = "free"
    cost_note: str = ""
    audience: tuple[str, ...] = ()
    phone: str = ""
    translations: dict = field(default_factory=dict)
    # Closed on the holidays of the year (Christmas, New Year); False for the night café.
    holidays: bool = True
    # Left waiting for the editors' review when created (as if its organisation had sent
    # it), so that the review queue of the demo is not empty.
    waits_for_review: bool = False


CARITAS_OST = "Migrationsberatung Leipzig-Ost e.V."
REFUGIO = "Psychosoziales Zentrum Brücke Leipzig"
RECHTSHILFE = "Refugee Law Clinic Leipzig (studentisch)"
ANKOMMEN = "Willkommenszentrum Leipzig"
JOBBRUECKE = "JobBrücke Sachsen – Anerkennungsberatung"
GESUNDHEIT = "Medinetz Leipzig – Gesundheit für alle"
NACHTCAFE = "Nachtcafé Eisenbahnstraße"
ELTERN = "Elternnetzwerk Kita & Schule Leipzig"
SCHULDNER = "Sozialberatung Südvorstadt e.V."
WOHNEN = "Wohnraumhilfe Leipzig-West"

PROVIDERS = (
    DemoProvider(
        ANKOMMEN,
        "counselling",
        "de",
        "Die zentrale Anlaufstelle der Stadt für Neuankommende: Orientierung, Beratung und "
        "Vermittlung an die passenden Stellen.",
        "https://willkommen.example.org",
        "+49 341 555 0100",
        "info@willkommen.example.org",
        translations={
            "en": {"name": "Welcome Centre Leipzig", "description": "The city's first stop."},
            "uk": {
                "name": "Центр вітання Лейпциг",
                "description": "Перша адреса для новоприбулих.",
            },
            "ar": {"name": "مركز الترحيب لايبزيغ", "description": "العنوان الأول للقادمين الجدد."},
        },
    ),
    DemoProvider(
        CARITAS_OST,
        "counselling",
        "de",
        "Migrationsberatung für Erwachsene: Aufenthalt, Familiennachzug, Sozialleistungen.",
        "https://mbe-ost.example.org",
        "+49 341 555 0200",
        "beratung@mbe-ost.example.org",
    ),
    DemoProvider(
        REFUGIO,
        "counselling",
        "de",
        "Psychosoziale Beratung und Therapie für Geflüchtete, mit Dolmetschenden.",
        "https://bruecke-psz.example.org",
        "+49 341 555 0300",
        needs_review=True,
    ),
    DemoProvider(
        RECHTSHILFE,
        "initiative",
        "en",
        "Free legal advice on asylum and residence law by law students under supervision.",
        "https://rlc-leipzig.example.org",
        email="contact@rlc-leipzig.example.org",
        translations={"de": {"name": RECHTSHILFE, "description": "Kostenlose Rechtsberatung."}},
    ),
    DemoProvider(
        JOBBRUECKE,
        "provider",
        "de",
        "Beratung zur Anerkennung ausländischer Abschlüsse und zum Einstieg in Arbeit.",
        "https://jobbruecke.example.org",
        "+49 341 555 0500",
    ),
    DemoProvider(
        GESUNDHEIT,
        "initiative",
        "de",
        "Vermittlung medizinischer Behandlung für Menschen ohne Krankenversicherung.",
        phone="+49 341 555 0600",
    ),
    DemoProvider(
        NACHTCAFE,
        "initiative",
        "de",
        "Ein Ort zum Ankommen am Abend: Tee, Gespräche, Hilfe bei Briefen.",
        email="hallo@nachtcafe.example.org",
    ),
    DemoProvider(
        ELTERN,
        "initiative",
        "de",
        "Eltern helfen Eltern: Kita-Platz, Schulanmeldung, Elternabende.",
    ),
    DemoProvider(
        SCHULDNER,
        "counselling",
        "de",
        "Sozial- und Schuldnerberatung, Hilfe mit Anträgen beim Jobcenter.",
        phone="+49 341 555 0900",
    ),
    DemoProvider(
        WOHNEN,
        "provider",
        "de",
        "Unterstützung bei der Wohnungssuche und bei Problemen mit dem Mietvertrag.",
        "https://wohnraumhilfe.example.org",
    ),
    DemoProvider(
        SALAM,
        "self_organisation",
        "ar",
        "منظمة ذاتية للاجئين في شرق لايبزيغ: استشارات، لقاءات، ومساعدة في الحياة اليومية.",
        phone="+49 341 555 1100",
        translations={
            "de": {
                "name": SALAM,
                "description": "Selbstorganisation von Geflüchteten im Leipziger Osten.",
            }
        },
    ),
    DemoProvider(
        SONIASHNYK,
        "self_organisation",
        "uk",
        "Українська сусідська допомога: консультації, мовні зустрічі, підтримка родин.",
        email="pryvit@soniashnyk.example.org",
        translations={
            "de": {
                "name": SONIASHNYK,
                "description": "Ukrainische Nachbarschaftshilfe in Schönefeld.",
            }
        },
    ),
    DemoProvider(
        FRAUENCAFE,
        "initiative",
        "de",
        "Ein geschützter Raum für Frauen mit und ohne Fluchtgeschichte.",
    ),
    DemoProvider(
        LERNBRUECKE,
        "provider",
        "de",
        "Sprachkurse, Hausaufgabenhilfe und Lernpatenschaften in Gohlis.",
        "https://lernbruecke.example.org",
    ),
    DemoProvider(
        "Deutsch am Küchentisch – Sprachtreffs",
        "initiative",
        "de",
        "Ehrenamtliche Sprachtreffs in Stadtteilläden, ohne Anmeldung.",
    ),
)

SERVICES = (
    DemoService(
        ANKOMMEN,
        "de",
        "Erstberatung für Neuankommende",
        "Offene Sprechstunde: Wir klären Ihre Fragen und sagen, wer weiterhilft.",
        ("residence", "everyday_life", "asylum"),
        ("de", "en", "ar", "uk", "fa", "ru"),
        "Otto-Schill-Straße 2, 04109 Leipzig",
        (51.3395, 12.3710),
        ((WEEKDAYS, "09:00", "13:00"), ((1, 3), "14:00", "18:00")),
        barrier_free=True,
        translations={
            "en": {"title": "First advice for newcomers", "description": "Open consultation."},
            "ar": {"title": "استشارة أولى للقادمين الجدد", "description": "ساعات استشارة مفتوحة."},
            "uk": {
                "title": "Перша консультація для новоприбулих",
                "description": "Відкрита консультація.",
            },
        },
    ),
    DemoService(
        ANKOMMEN,
        "de",
        "Beratung Familiennachzug",
        "Wer darf nachziehen, welche Papiere braucht es? Beratung nach Termin.",
        ("family_reunification", "residence"),
        ("de", "ar", "ti", "en"),
        "Otto-Schill-Straße 2, 04109 Leipzig",
        (51.3398, 12.3716),
        (((0, 2), "10:00", "15:00"),),
        appointment_only=True,
        barrier_free=True,
        translations={"ar": {"title": "استشارة لم شمل الأسرة", "description": "بموعد مسبق."}},
    ),
    DemoService(
        ANKOMMEN,
        "de",
        "Sprachkursberatung",
        "Welcher Integrationskurs passt? Einstufung und Anmeldung.",
        ("language_courses",),
        ("de", "en", "uk", "ar"),
        "Otto-Schill-Straße 2, 04109 Leipzig",
        (51.3392, 12.3722),
        (((1, 3), "09:00", "12:00"),),
        barrier_free=True,
    ),
    DemoService(
        CARITAS_OST,
        "de",
        "Migrationsberatung für Erwachsene",
        "Beratung zu Aufenthalt, Sozialleistungen und Familiennachzug.",
        ("residence", "money_benefits", "family_reunification"),
        ("de", "ar", "ku", "fa"),
        "Eisenbahnstraße 40, 04315 Leipzig",
        (51.3488, 12.4120),
        ((WEEKDAYS, "09:00", "12:00"), ((3,), "13:00", "17:00")),
    ),
    DemoService(
        CARITAS_OST,
        "de",
        "Asylverfahrensberatung",
        "Vorbereitung auf die Anhörung beim BAMF, Hilfe bei Bescheiden.",
        ("asylum", "legal_advice"),
        ("de", "ar", "fa", "ps", "en"),
        "Eisenbahnstraße 40, 04315 Leipzig",
        (51.3486, 12.4128),
        (((0, 1, 3), "09:00", "15:00"),),
        appointment_only=True,
        translations={
            "ar": {"title": "استشارة إجراءات اللجوء", "description": "التحضير لمقابلة اللجوء."}
        },
    ),
    DemoService(
        REFUGIO,
        "de",
        "Psychosoziale Beratung",
        "Gespräche bei Belastung, Schlafproblemen und Trauer; mit Dolmetschenden.",
        ("psychosocial", "health"),
        ("de", "ar", "fa", "uk", "ru", "en"),
        "Karl-Liebknecht-Straße 50, 04275 Leipzig",
        (51.3240, 12.3735),
        ((WEEKDAYS, "10:00", "16:00"),),
        appointment_only=True,
        barrier_free=True,
        translations={
            "uk": {
                "title": "Психосоціальна консультація",
                "description": "Розмови з перекладачами.",
            },
            "ar": {"title": "استشارة نفسية اجتماعية", "description": "بمساعدة مترجمين."},
        },
    ),
    DemoService(
        REFUGIO,
        "de",
        "Gruppe für Eltern nach der Flucht",
        "Austausch und Entlastung für Mütter und Väter.",
        ("psychosocial", "children_school"),
        ("de", "ar", "uk"),
        "Karl-Liebknecht-Straße 50, 04275 Leipzig",
        (51.3243, 12.3730),
        (((2,), "16:00", "18:00"),),
        audience=("families",),
        waits_for_review=True,
    ),
    DemoService(
        RECHTSHILFE,
        "en",
        "Legal advice on asylum and residence",
        "Free consultation on your asylum procedure, appeals and residence permits.",
        ("legal_advice", "asylum", "residence"),
        ("en", "de", "fr", "ar"),
        "Burgstraße 21, 04109 Leipzig",
        (51.3380, 12.3700),
        (((1,), "17:00", "20:00"), ((3,), "17:00", "20:00")),
        translations={
            "de": {"title": "Rechtsberatung zu Asyl und Aufenthalt", "description": "Kostenlos."},
            "ar": {"title": "استشارة قانونية حول اللجوء والإقامة", "description": "مجانية."},
        },
    ),
    DemoService(
        RECHTSHILFE,
        "en",
        "Appointments for appeals against asylum decisions",
        "Help with deadlines after a negative decision. Bring your letter from the BAMF.",
        ("legal_advice", "asylum"),
        ("en", "de", "fa"),
        "Burgstraße 21, 04109 Leipzig",
        (51.3383, 12.3705),
        (((0,), "14:00", "17:00"),),
        appointment_only=True,
    ),
    DemoService(
        JOBBRUECKE,
        "de",
        "Anerkennungsberatung",
        "Anerkennung ausländischer Berufs- und Studienabschlüsse.",
        ("work",),
        ("de", "en", "ru", "uk", "ar"),
        "Georgiring 3, 04103 Leipzig",
        (51.3420, 12.3850),
        (((0, 2, 4), "09:00", "13:00"),),
        appointment_only=True,
        barrier_free=True,
        translations={
            "uk": {"title": "Консультація з визнання дипломів", "description": "Визнання освіти."}
        },
    ),
    DemoService(
        JOBBRUECKE,
        "de",
        "Bewerbungswerkstatt",
        "Lebenslauf, Anschreiben, Vorbereitung auf Vorstellungsgespräche.",
        ("work",),
        ("de", "en", "ar"),
        "Georgiring 3, 04103 Leipzig",
        (51.3423, 12.3856),
        (((1, 3), "14:00", "17:30"),),
        barrier_free=True,
    ),
    DemoService(
        GESUNDHEIT,
        "de",
        "Medizinische Vermittlung ohne Krankenversicherung",
        "Anonyme Vermittlung an Ärztinnen und Ärzte.",
        ("health",),
        ("de", "en", "fr", "es", "ar"),
        "Kochstraße 132, 04277 Leipzig",
        (51.3105, 12.3790),
        (((0,), "17:00", "19:00"), ((3,), "17:00", "19:00")),
    ),
    DemoService(
        GESUNDHEIT,
        "de",
        "Begleitung zu Arztterminen",
        "Ehrenamtliche begleiten und dolmetschen.",
        ("health", "everyday_life"),
        ("de", "ar", "fa", "uk", "ru"),
        "Kochstraße 132, 04277 Leipzig",
        (51.3102, 12.3795),
        (((2,), "10:00", "12:00"),),
        appointment_only=True,
    ),
    DemoService(
        NACHTCAFE,
        "de",
        "Nachtcafé am Wochenende",
        "Freitag und Samstag bis 2 Uhr nachts: Tee, Gespräche, ein warmer Ort. Auch an "
        "Feiertagen geöffnet.",
        ("everyday_life", "psychosocial"),
        ("de", "ar", "fa", "en", "ti"),
        "Eisenbahnstraße 113, 04315 Leipzig",
        (51.3492, 12.4185),
        (((4, 5), "20:00", "02:00"),),
        barrier_free=True,
        holidays=False,
        translations={
            "ar": {
                "title": "مقهى ليلي في نهاية الأسبوع",
                "description": "الجمعة والسبت حتى الثانية ليلاً.",
            },
            "en": {
                "title": "Night café at weekends",
                "description": "Fridays and Saturdays until 2 am.",
            },
        },
    ),
    DemoService(
        NACHTCAFE,
        "de",
        "Hilfe bei Briefen",
        "Wir lesen Briefe von Ämtern mit Ihnen und helfen beim Antworten.",
        ("everyday_life", "money_benefits"),
        ("de", "ar", "en"),
        "Eisenbahnstraße 113, 04315 Leipzig",
        (51.3495, 12.4180),
        (((2,), "17:00", "20:00"),),
    ),
    DemoService(
        ELTERN,
        "de",
        "Kita-Platz-Sprechstunde",
        "Hilfe bei der Suche nach einem Kita-Platz und beim Kita-Portal.",
        ("children_school",),
        ("de", "uk", "ar", "ru"),
        "Georg-Schwarz-Straße 10, 04177 Leipzig",
        (51.3440, 12.3290),
        (((1,), "15:00", "18:00"),),
        audience=("families",),
        translations={
            "uk": {
                "title": "Консультація щодо місця в дитсадку",
                "description": "Допомога з пошуком місця.",
            }
        },
    ),
    DemoService(
        ELTERN,
        "de",
        "Schulanmeldung für Seiteneinsteiger",
        "Wie kommt mein Kind in die Schule? DaZ-Klassen, Anmeldung, Schulweg.",
        ("children_school", "language_courses"),
        ("de", "ar", "uk", "fa"),
        "Georg-Schwarz-Straße 10, 04177 Leipzig",
        (51.3443, 12.3285),
        (((3,), "15:00", "18:00"),),
        audience=("families", "children_youth"),
    ),
    DemoService(
        SCHULDNER,
        "de",
        "Sozialberatung und Hilfe mit Jobcenter-Anträgen",
        "Bürgergeld, Wohngeld, Kinderzuschlag: wir helfen beim Ausfüllen.",
        ("money_benefits",),
        ("de", "en", "ru"),
        "Karl-Liebknecht-Straße 120, 04275 Leipzig",
        (51.3180, 12.3725),
        ((WEEKDAYS, "09:00", "12:00"), ((1,), "14:00", "18:00")),
        barrier_free=True,
    ),
    DemoService(
        SCHULDNER,
        "de",
        "Schuldnerberatung",
        "Vertrauliche Beratung bei Schulden, auch Handyverträge.",
        ("money_benefits", "legal_advice"),
        ("de", "en"),
        "Karl-Liebknecht-Straße 120, 04275 Leipzig",
        (51.3183, 12.3730),
        (((2,), "09:00", "16:00"),),
        appointment_only=True,
    ),
    DemoService(
        WOHNEN,
        "de",
        "Wohnungssuche: offene Sprechstunde",
        "Wohnungsanzeigen verstehen, Besichtigungen vorbereiten, WBS beantragen.",
        ("housing",),
        ("de", "ar", "uk", "en"),
        "Lützner Straße 30, 04177 Leipzig",
        (51.3380, 12.3250),
        (((0, 3), "10:00", "14:00"),),
        translations={
            "ar": {"title": "البحث عن سكن: ساعات مفتوحة", "description": "فهم إعلانات الشقق."},
            "uk": {
                "title": "Пошук житла: відкрита консультація",
                "description": "Оголошення, огляди, WBS.",
            },
        },
    ),
    DemoService(
        WOHNEN,
        "de",
        "Mietrecht-Sprechstunde",
        "Probleme mit Vermietern, Nebenkosten, Kündigung.",
        ("housing", "legal_advice"),
        ("de", "en"),
        "Lützner Straße 30, 04177 Leipzig",
        (51.3383, 12.3255),
        (((2,), "16:00", "19:00"),),
        appointment_only=True,
        cost="fee",
        cost_note="5 € für Nichtmitglieder",
    ),
    DemoService(
        SALAM,
        "ar",
        "استشارة اجتماعية باللغة العربية",
        "نساعدكم في الرسائل الرسمية، مواعيد المكاتب، وإجراءات اللجوء ولم شمل الأسرة.",
        ("everyday_life", "asylum", "family_reunification"),
        ("ar", "de", "ku"),
        "Hermann-Liebmann-Straße 60, 04315 Leipzig",
        (51.3470, 12.4075),
        ((WEEKDAYS, "10:00", "14:00"), ((4,), "16:00", "20:00")),
        translations={
            "de": {
                "title": "Sozialberatung auf Arabisch",
                "description": "Hilfe bei Briefen und Terminen.",
            }
        },
    ),
    DemoService(
        SALAM,
        "ar",
        "لقاء النساء",
        "لقاء أسبوعي للنساء مع رعاية للأطفال.",
        ("everyday_life", "psychosocial"),
        ("ar", "de"),
        "Hermann-Liebmann-Straße 60, 04315 Leipzig",
        (51.3473, 12.4070),
        (((2,), "15:00", "17:30"),),
        audience=("women",),
    ),
    DemoService(
        SONIASHNYK,
        "uk",
        "Консультації для українців",
        "Допомога з документами, Jobcenter, пошуком житла та школою для дітей.",
        ("residence", "money_benefits", "housing"),
        ("uk", "ru", "de"),
        "Volbedingstraße 4, 04357 Leipzig",
        (51.3705, 12.4025),
        (((0, 2, 4), "10:00", "14:00"),),
        translations={
            "de": {
                "title": "Beratung für Ukrainerinnen und Ukrainer",
                "description": "Hilfe mit Dokumenten.",
            }
        },
    ),
    DemoService(
        SONIASHNYK,
        "uk",
        "Розмовний клуб німецької мови",
        "Практика німецької мови у невимушеній атмосфері.",
        ("language_courses",),
        ("uk", "de"),
        "Volbedingstraße 4, 04357 Leipzig",
        (51.3708, 12.4030),
        (((1, 3), "18:00", "20:00"),),
    ),
    DemoService(
        SONIASHNYK,
        "uk",
        "Психологічна підтримка для родин",
        "Групи підтримки для матерів і дітей.",
        ("psychosocial", "children_school"),
        ("uk", "ru"),
        "Volbedingstraße 4, 04357 Leipzig",
        (51.3702, 12.4020),
        (((5,), "11:00", "13:00"),),
        audience=("families",),
        appointment_only=True,
    ),
    DemoService(
        FRAUENCAFE,
        "de",
        "Frauencafé",
        "Jeden Donnerstag: Frühstück, Austausch, Kinderbetreuung.",
        ("everyday_life",),
        ("de", "ar", "fa", "uk"),
        "Merseburger Straße 55, 04177 Leipzig",
        (51.3375, 12.3180),
        (((3,), "09:30", "12:30"),),
        barrier_free=True,
        audience=("women",),
        translations={"ar": {"title": "مقهى النساء", "description": "كل خميس: فطور وتبادل."}},
    ),
    DemoService(
        FRAUENCAFE,
        "de",
        "Beratung bei häuslicher Gewalt",
        "Vertraulich und kostenlos, mit Dolmetscherin.",
        ("psychosocial", "legal_advice"),
        ("de", "ar", "fa", "en"),
        "Merseburger Straße 55, 04177 Leipzig",
        (51.3378, 12.3175),
        ((WEEKDAYS, "10:00", "15:00"),),
        appointment_only=True,
        audience=("women",),
    ),
    DemoService(
        LERNBRUECKE,
        "de",
        "Integrationskurs mit Kinderbetreuung",
        "Deutsch A1 bis B1, vormittags, mit Betreuung für Kleinkinder.",
        ("language_courses",),
        ("de",),
        "Georg-Schumann-Straße 90, 04155 Leipzig",
        (51.3620, 12.3640),
        ((WEEKDAYS, "08:30", "12:45"),),
        cost="fee",
        cost_note="Kostenlos mit Berechtigung",
        barrier_free=True,
    ),
    DemoService(
        LERNBRUECKE,
        "de",
        "Hausaufgabenhilfe",
        "Für Schulkinder von Klasse 1 bis 10.",
        ("children_school",),
        ("de", "ar", "uk", "en"),
        "Georg-Schumann-Straße 90, 04155 Leipzig",
        (51.3623, 12.3645),
        (((0, 1, 2, 3), "14:30", "17:00"),),
        audience=("children_youth",),
    ),
    DemoService(
        "Deutsch am Küchentisch – Sprachtreffs",
        "de",
        "Sprachtreff Grünau",
        "Deutsch sprechen üben, ohne Anmeldung und ohne Kosten.",
        ("language_courses", "everyday_life"),
        ("de", "en"),
        "Stuttgarter Allee 20, 04209 Leipzig",
        (51.3190, 12.2830),
        (((1,), "17:00", "19:00"),),
    ),
    DemoService(
        "Deutsch am Küchentisch – Sprachtreffs",
        "de",
        "Sprachtreff Connewitz",
        "Deutsch sprechen üben bei Kaffee und Kuchen.",
        ("language_courses",),
        ("de", "en", "es"),
        "Bornaische Straße 18, 04277 Leipzig",
        (51.3070, 12.3830),
        (((3,), "18:00", "20:00"),),
        translations={
            "en": {"title": "German conversation in Connewitz", "description": "Practise German."}
        },
    ),
)


def _holidays(today: date) -> list[dict]:
    """The coming Christmas and New Year as exceptions, and a short Christmas Eve."""
    year = today.year if today <= date(today.year, 12, 26) else today.year + 1
    rows = [
        {"date": date(year, 12, 24), "closed": False, "opens": "09:00", "closes": "12:00",
         "note": "Heiligabend"},
        {"date": date(year, 12, 25), "closed": True, "note": "1. Weihnachtstag"},
        {"date": date(year, 12, 26), "closed": True, "note": "2. Weihnachtstag"},
        {"date": date(year + 1, 1, 1), "closed": True, "note": "Neujahr"},
    ]  # fmt: skip
    return rows


def _editor() -> User:
    editor, created = User.objects.get_or_create(
        username=EDITOR_USERNAME,
        defaults={
            "role": Role.COORDINATOR,
            "first_name": "Redaktion",
            "last_name": "Willkommenszentrum",
            "email": f"{EDITOR_USERNAME}@example.org",
            "preferred_language": "de",
        },
    )
    if created:
        editor.set_password(DEMO_PASSWORD)
        editor.save(update_fields=["password"])
    return editor


def _hours(spec: DemoService) -> list[dict]:
    return [
        {"weekday": day, "opens": opens, "closes": closes}
        for days, opens, closes in spec.hours
        for day in days
    ]


@transaction.atomic
def _provider(spec: DemoProvider, editor: User, report: DemoReport) -> ProviderProfile:
    organisation, _created = Organisation.objects.get_or_create(
        name=spec.organisation, defaults={"city": "Leipzig", "kind": OrganisationKind.INITIATIVE}
    )
    profile = ProviderProfile.objects.filter(organisation=organisation).first()
    if profile is not None:
        report.count("directory_providers", False)
        return profile
    name = spec.translations.get(spec.language, {}).get("name", spec.organisation)
    profile = services.save_provider_profile(
        organisation=organisation,
        actor=editor,
        language=spec.language,
        name=name,
        description=spec.description,
        kind=spec.kind,
        website=spec.website,
        phone=spec.phone,
        email=spec.email,
        needs_review=spec.needs_review,
    )
    for language, fields in spec.translations.items():
        if language != spec.language:
            services.translate_profile(
                profile=profile, actor=editor, language=language, fields=fields
            )
    services.approve_profile(profile=profile, actor=editor)
    report.count("directory_providers", True)
    return profile


@transaction.atomic
def _service(spec: DemoService, profile: ProviderProfile, editor: User, today, report) -> None:
    exists = Service.objects.filter(
        provider=profile,
        text__translations__language=spec.language,
        text__translations__fields__title=spec.title,
    ).exists()
    if exists:
        report.count("directory_services", False)
        return
    service = services.create_service(
        provider=profile,
        actor=editor,
        language=spec.language,
        title=spec.title,
        description=spec.description,
        cost_note=spec.cost_note,
        topics=list(spec.topics),
        audience=list(spec.audience),
        languages=list(spec.languages),
        cost=spec.cost,
        appointment_only=spec.appointment_only,
        barrier_free=spec.barrier_free,
        address=spec.address,
        latitude=spec.pin[0],
        longitude=spec.pin[1],
        phone=spec.phone or profile.phone,
        email=profile.email,
        website=profile.website,
        hours=_hours(spec),
        exceptions=_holidays(today) if spec.holidays else [],
    )
    for language, fields in spec.translations.items():
        services.translate_service(service=service, actor=editor, language=language, fields=fields)
    if spec.waits_for_review:
        # What `publish_service` does for a member of an organisation under review.
        Service.objects.filter(pk=service.pk).update(status=PublicationStatus.IN_REVIEW)
    else:
        services.publish_service(service=service, actor=editor)
    report.count("directory_services", True)


def load_directory(report: DemoReport) -> None:
    """Create what is missing of the demo directory (idempotent)."""
    editor = _editor()
    today = timezone.localdate()
    profiles = {spec.organisation: _provider(spec, editor, report) for spec in PROVIDERS}
    for spec in SERVICES:
        _service(spec, profiles[spec.provider], editor, today, report)
