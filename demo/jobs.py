"""Demo employers with job and training places around Leipzig, and people looking for work.

Eight employers register through the same service as real companies; the welcome centre's
coordinator has checked six of them, two (the building firm and the cleaning company) still
wait, so their places are not matched yet. Jobs are keyed by (poster, title), people looking
for work by (account, person's name): a person's own profile has no name of its own, a
counsellor of the recognition advice service or of the migration counselling keeps profiles
for people who agreed (the day is recorded). Everything goes through `jobs.services`, is
placed by the offline gazetteer and flagged for the worker to match.

Pay follows roughly Leipzig's going rates (2026 minimum wage 13.90 EUR an hour; training
allowances by year one). Names, companies and people are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from demo.base import DEMO_PASSWORD, DemoReport, DemoUser
from demo.directory import CARITAS_OST, JOBBRUECKE
from jobs.models import Employer, Job, JobSeeker
from jobs.services import (
    check_employer,
    create_employer,
    create_job,
    create_job_seeker,
    register_employer,
)

HOTEL = "Hotel Pleißeblick Leipzig"
KLINIKUM = "Klinikum Auenwald Leipzig gGmbH"
LOGISTIK = "Nordkreuz Logistik GmbH"
BAECKEREI = "Bäckerei Sonnenkorn"
PFLEGE = "Pflegedienst Lebensbaum Leipzig"
BAU = "Elsterhaus Bau GmbH"
REINIGUNG = "Glanzwerk Gebäudereinigung GmbH"
IT = "Codefabrik Plagwitz GmbH"

HOURS = {
    "ft": "full_time",
    "pt": "part_time",
    "mj": "mini_job",
    "tr": "training",
    "in": "internship",
}


@dataclass(frozen=True)
class DemoEmployer:
    name: str
    email: str
    staff: DemoUser
    # Checked by the welcome centre's coordinator when the demo first creates it.
    checked: bool = True


@dataclass(frozen=True)
class DemoJob:
    employer: str
    title: str
    occupation: str
    places: int
    hours: str  # a key of HOURS
    address: str
    start_in_days: int
    german_min: str = ""
    languages: str = ""  # space-separated ISO codes; the person speaks one of them
    # "min-max" in EUR; "/h" at the end for hourly pay.
    pay: str = ""
    # Space-separated Residence values; empty for training places where it does not matter.
    open_to: str = "approval permit"
    remote: bool = False
    requires_recognition: bool = False
    skills: str = ""  # comma-separated
    description: str = ""
    max_distance_km: float = 30


@dataclass(frozen=True)
class DemoSeeker:
    # The person's own account, or "" when a counsellor keeps the profile (`counsellor`).
    username: str
    name: str
    address: str
    # "code:years …" of ISCO-08 unit groups.
    experience: str
    german_level: str
    languages: str
    hours: str  # keys of HOURS, space-separated
    residence: str = "permit"
    recognition: str = "none"
    travel_radius_km: float = 15
    available_in_days: int = 0
    skills: str = ""  # comma-separated
    language: str = "en"  # the account's preferred language
    counsellor: str = ""  # username of the counsellor keeping the profile
    consent_days_ago: int = 10
    description: str = ""


EMPLOYERS = (
    DemoEmployer(
        HOTEL,
        "personal@pleisseblick.example.org",
        DemoUser("martina.schulze", "Martina", "Schulze", "de", Role.INITIATIVE_MEMBER),
    ),
    DemoEmployer(
        KLINIKUM,
        "bewerbung@klinikum-auenwald.example.org",
        DemoUser("ulrike.faber", "Ulrike", "Faber", "de", Role.INITIATIVE_MEMBER),
    ),
    DemoEmployer(
        LOGISTIK,
        "jobs@nordkreuz-logistik.example.org",
        DemoUser("marco.enders", "Marco", "Enders", "de", Role.INITIATIVE_MEMBER),
    ),
    DemoEmployer(
        BAECKEREI,
        "team@sonnenkorn.example.org",
        DemoUser("ines.kaufmann", "Ines", "Kaufmann", "de", Role.INITIATIVE_MEMBER),
    ),
    DemoEmployer(
        PFLEGE,
        "kontakt@pflege-lebensbaum.example.org",
        DemoUser("gabriele.wolf", "Gabriele", "Wolf", "de", Role.INITIATIVE_MEMBER),
    ),
    DemoEmployer(
        BAU,
        "info@elsterhaus-bau.example.org",
        DemoUser("rene.hartmann", "René", "Hartmann", "de", Role.INITIATIVE_MEMBER),
        checked=False,
    ),
    DemoEmployer(
        REINIGUNG,
        "personal@glanzwerk.example.org",
        DemoUser("sevgi.aydin", "Sevgi", "Aydın", "de", Role.INITIATIVE_MEMBER),
        checked=False,
    ),
    DemoEmployer(
        IT,
        "hello@codefabrik.example.org",
        DemoUser("lukas.brandner", "Lukas", "Brandner", "en", Role.INITIATIVE_MEMBER),
    ),
)

# Counsellors keep profiles for people without an account of their own (or who prefer it).
COUNSELLORS = (
    (DemoUser("miriam.osei", "Miriam", "Osei", "de", Role.INITIATIVE_MEMBER), JOBBRUECKE),
    (DemoUser("tarek.aziz", "Tarek", "Aziz", "ar", Role.INITIATIVE_MEMBER), JOBBRUECKE),
    (
        DemoUser("svitlana.petrenko", "Svitlana", "Petrenko", "uk", Role.INITIATIVE_MEMBER),
        CARITAS_OST,
    ),
)

_HOTEL_AT = "Augustusplatz 5, 04109 Leipzig"
_KLINIKUM_AT = "Delitzscher Straße 141, 04129 Leipzig"
_KLINIKUM_MITTE = "Liebigstraße 20, 04103 Leipzig"
_LAGER = "Radefelder Allee, 04159 Leipzig"
_HUB = "04435 Schkeuditz"
_BACKSTUBE = "Torgauer Straße 280, 04347 Leipzig"
_PFLEGE_OST = "Stötteritzer Straße 20, 04317 Leipzig"
_PFLEGE_WEST = "Ludwigsburger Straße 10, 04209 Leipzig"
_BAU_AT = "Maximilianallee 4, 04129 Leipzig"
_REINIGUNG_AT = "Prager Straße 100, 04317 Leipzig"
_IT_AT = "Spinnereistraße 7, 04179 Leipzig"

# fmt: off
JOBS = (
    DemoJob(HOTEL, "Koch/Köchin für die Hotelküche", "5120", 2, "ft", _HOTEL_AT, 21,
        german_min="A2", pay="2600-3000", skills="haccp",
        description="Frühstück und À-la-carte, 5-Tage-Woche, Dienstplan zwei Wochen im Voraus."),
    DemoJob(HOTEL, "Küchenhilfe (Teilzeit)", "9412", 3, "pt", _HOTEL_AT, 7, german_min="A1",
        pay="14.00-14.80/h", description="Vor- und Zubereitung, Spülküche. Einarbeitung im Team."),
    DemoJob(HOTEL, "Zimmerreinigung im Hotel", "9112", 4, "pt", _HOTEL_AT, 10, german_min="A1",
        pay="14.00-14.50/h", description="Vormittags, 20–25 Stunden pro Woche."),
    DemoJob(HOTEL, "Rezeptionist/in (Nachtdienst möglich)", "4224", 1, "ft", _HOTEL_AT, 30,
        german_min="B2", languages="en", pay="2500-2900", open_to="permit"),
    DemoJob(HOTEL, "Ausbildung Koch/Köchin 2027", "5120", 2, "tr", _HOTEL_AT, 60, german_min="A2",
        pay="1000-1150", open_to="",
        description="Dreijährige Ausbildung, Berufsschule in Leipzig, Sprachförderung im Betrieb."),
    DemoJob(HOTEL, "Ausbildung Hotelfachmann/-frau", "4224", 1, "tr", "Brühl 30, 04109 Leipzig",
        60, german_min="B1", pay="1000-1150", open_to=""),
    DemoJob(HOTEL, "Servicekraft im Frühstücksraum (Minijob)", "5131", 2, "mj", _HOTEL_AT, 3,
        german_min="A2", pay="13.90-14.50/h"),
    DemoJob(KLINIKUM, "Pflegefachkraft Innere Medizin", "2221", 5, "ft", _KLINIKUM_AT, 30,
        german_min="B2", pay="3400-4100", requires_recognition=True,
        description="Wir begleiten das Anerkennungsverfahren und zahlen den Fachsprachkurs."),
    DemoJob(KLINIKUM, "Pflegehelfer/in im Schichtdienst", "5321", 4, "ft", _KLINIKUM_AT, 14,
        german_min="B1", pay="2500-2800"),
    DemoJob(KLINIKUM, "Ausbildung Pflegefachfrau/-mann", "2221", 6, "tr", _KLINIKUM_MITTE, 45,
        german_min="B1", pay="1340-1500", open_to="",
        description="Generalistische Ausbildung, Start im März und im September."),
    DemoJob(KLINIKUM, "Medizinische/r Fachangestellte/r Notaufnahme", "3256", 1, "ft",
        _KLINIKUM_AT, 30, german_min="B2", pay="2700-3100", requires_recognition=True),
    DemoJob(KLINIKUM, "Assistenzarzt/-ärztin Innere Medizin", "2212", 2, "ft", _KLINIKUM_MITTE, 60,
        german_min="C1", pay="5200-6100", open_to="permit", requires_recognition=True,
        description="Approbation oder Berufserlaubnis erforderlich; Fachsprachprüfung C1."),
    DemoJob(KLINIKUM, "Reinigungskraft Stationen", "9112", 3, "pt", _KLINIKUM_AT, 7,
        german_min="A1", pay="14.10-14.60/h"),
    DemoJob(KLINIKUM, "Hausmeister/in Klinikgelände", "5153", 1, "ft", _KLINIKUM_AT, 21,
        german_min="A2", pay="2500-2700", skills="driving licence b"),
    DemoJob(KLINIKUM, "Dolmetscher/in Arabisch/Farsi (Teilzeit)", "2643", 1, "pt", _KLINIKUM_MITTE,
        14, german_min="C1", languages="ar fa", pay="20.00-24.00/h", open_to="permit"),
    DemoJob(LOGISTIK, "Lagerhelfer/in Be- und Entladen", "9333", 8, "ft", _HUB, 7, german_min="A1",
        pay="2300-2550", skills="night shifts",
        description="Schichtdienst inkl. Nacht, Zuschläge. Shuttlebus ab Leipzig Hbf."),
    DemoJob(LOGISTIK, "Staplerfahrer/in", "8344", 3, "ft", _LAGER, 14, german_min="A2",
        pay="2500-2800", skills="forklift licence"),
    DemoJob(LOGISTIK, "Berufskraftfahrer/in CE (Nahverkehr)", "8332", 2, "ft", _LAGER, 30,
        german_min="B1", pay="2900-3300", open_to="permit", skills="driving licence ce"),
    DemoJob(LOGISTIK, "Verpackungshelfer/in (Minijob)", "9321", 5, "mj", _HUB, 3, german_min="A1",
        pay="13.90-14.20/h"),
    DemoJob(LOGISTIK, "Disponent/in Osteuropa-Verkehre", "4323", 1, "ft", _LAGER, 45,
        german_min="B2", languages="ru uk pl", pay="3100-3600"),
    DemoJob(LOGISTIK, "Ausbildung Fachkraft für Lagerlogistik", "4321", 2, "tr", _LAGER, 60,
        german_min="A2", pay="1050-1200", open_to=""),
    DemoJob(LOGISTIK, "Kurierfahrer/in Transporter (Teilzeit)", "8322", 2, "pt",
        "Amazonstraße 1, 04347 Leipzig", 10, german_min="A2", pay="14.50-15.50/h",
        skills="driving licence b"),
    DemoJob(BAECKEREI, "Bäcker/in in der Backstube (Frühschicht)", "7512", 2, "ft", _BACKSTUBE, 14,
        german_min="A2", pay="2500-2900",
        description="Arbeitsbeginn 3 Uhr, Wochenende im Wechsel."),
    DemoJob(BAECKEREI, "Verkäufer/in Filiale Plagwitz", "5246", 2, "pt",
        "Karl-Heine-Straße 50, 04229 Leipzig", 7, german_min="B1", pay="14.00-14.80/h"),
    DemoJob(BAECKEREI, "Verkäufer/in Filiale Eisenbahnstraße", "5246", 1, "pt",
        "Eisenbahnstraße 90, 04315 Leipzig", 7, german_min="A2", languages="ar tr",
        pay="14.00-14.80/h"),
    DemoJob(BAECKEREI, "Ausbildung Bäcker/in", "7512", 2, "tr", _BACKSTUBE, 45, german_min="A2",
        pay="950-1100", open_to=""),
    DemoJob(BAECKEREI, "Produktionshelfer/in Backstube", "9329", 3, "pt", _BACKSTUBE, 5,
        german_min="A1", pay="13.90-14.40/h"),
    DemoJob(PFLEGE, "Pflegehelfer/in ambulante Tour Ost", "5321", 3, "pt", _PFLEGE_OST, 14,
        german_min="B1", pay="15.00-16.50/h", skills="driving licence b"),
    DemoJob(PFLEGE, "Betreuungskraft für russisch- und ukrainischsprachige Senior*innen", "5322",
        4, "mj", _PFLEGE_WEST, 7, german_min="A2", languages="ru uk", pay="14.50-15.00/h"),
    DemoJob(PFLEGE, "Pflegefachkraft ambulant", "2221", 2, "ft", _PFLEGE_OST, 30, german_min="B2",
        pay="3500-4000", requires_recognition=True, skills="driving licence b"),
    DemoJob(PFLEGE, "Hauswirtschaftskraft in Grünau", "5152", 2, "pt", _PFLEGE_WEST, 10,
        german_min="A2", pay="14.00-14.50/h"),
    DemoJob(PFLEGE, "Ausbildung Pflegefachfrau/-mann (ambulant)", "2221", 2, "tr", _PFLEGE_OST, 60,
        german_min="B1", pay="1340-1500", open_to=""),
    DemoJob(BAU, "Maurer/in für den Wohnungsbau", "7112", 2, "ft", _BAU_AT, 21, german_min="A2",
        pay="2900-3400"),
    DemoJob(BAU, "Bauhelfer/in", "9313", 4, "ft", "Gewerbestraße 3, 04249 Leipzig", 7,
        german_min="A1", pay="2400-2600"),
    DemoJob(BAU, "Maler/in und Lackierer/in", "7131", 2, "ft", "Riesaer Straße 60, 04319 Leipzig",
        14, german_min="A2", pay="2700-3100"),
    DemoJob(BAU, "Ausbildung Anlagenmechaniker/in SHK", "7126", 1, "tr", _BAU_AT, 60,
        german_min="A2", pay="1000-1200", open_to=""),
    DemoJob(BAU, "Elektriker/in Baustelle", "7411", 1, "ft", _BAU_AT, 30, german_min="B1",
        pay="3000-3500", requires_recognition=True),
    DemoJob(REINIGUNG, "Büroreinigung abends (Minijob)", "9112", 6, "mj", _REINIGUNG_AT, 3,
        pay="13.90-14.20/h", description="Montag bis Freitag ab 17 Uhr, 2–3 Stunden."),
    DemoJob(REINIGUNG, "Glas- und Fassadenreiniger/in", "9123", 2, "ft",
        "Zschochersche Straße 80, 04229 Leipzig", 14, german_min="A2", pay="2400-2700"),
    DemoJob(REINIGUNG, "Unterhaltsreinigung Teilzeit", "9112", 4, "pt", _REINIGUNG_AT, 7,
        german_min="A1", pay="14.00-14.30/h"),
    DemoJob(IT, "Python-Entwickler/in (remote)", "2512", 1, "ft", _IT_AT, 30, languages="en",
        pay="4200-5200", remote=True, skills="python, django",
        description="English-speaking team, fully remote within Germany."),
    DemoJob(IT, "Webentwickler/in Frontend", "2513", 1, "ft", "Nonnenstraße 42, 04229 Leipzig", 30,
        german_min="B1", languages="en", pay="3600-4400", skills="javascript"),
    DemoJob(IT, "IT-Support Helpdesk (Teilzeit)", "3512", 1, "pt", _IT_AT, 14, german_min="B1",
        pay="17.00-19.00/h"),
    DemoJob(IT, "Ausbildung Fachinformatiker/in Systemintegration", "2522", 2, "tr", _IT_AT, 60,
        german_min="B1", pay="1100-1250", open_to=""),
    DemoJob(IT, "Praktikum Softwareentwicklung (3 Monate)", "2512", 1, "in", _IT_AT, 30,
        german_min="A2", languages="en", pay="1000-1000"),
)
# fmt: on

S = DemoSeeker
# fmt: off
SEEKERS = (
    # People with an account of their own.
    S("amal.hussein", "", "Leipzig-Volkmarsdorf", "5120:6 9412:2", "A2", "ar en", "ft pt",
      language="ar"),
    S("yusuf.karim", "", "04315 Leipzig", "9333:3 8344:2", "A2", "ar ku", "ft",
      skills="forklift licence", language="ar"),
    S("hevin.ali", "", "Leipzig-Neustadt-Neuschönefeld", "5246:2 5223:1", "B1", "ar ku tr",
      "pt mj", language="ar"),
    S("omar.saleh", "", "Leipzig-Grünau-Nord", "8332:9", "B1", "ar en", "ft",
      skills="driving licence ce", language="ar"),
    S("rania.khalil", "", "Leipzig-Paunsdorf", "2221:7", "B2", "ar en fr", "ft",
      recognition="in_recognition", language="ar"),
    S("samir.abbas", "", "Leipzig-Lindenau", "7112:12 9313:4", "A2", "ar", "ft",
      residence="approval", language="ar"),
    S("lina.haddad", "", "Leipzig-Gohlis-Süd", "2643:5 4110:3", "C1", "ar en fa", "pt",
      language="ar"),
    S("mahmoud.nasser", "", "Leipzig-Schönefeld-Abtnaundorf", "7512:8", "A2", "ar", "ft",
      language="ar"),
    S("fatima.zahra", "", "Leipzig-Mockau-Nord", "5311:3", "A2", "ar fr", "tr pt", language="ar"),
    S("khaled.mansour", "", "Leipzig-Eutritzsch", "2212:6", "B2", "ar en", "ft",
      recognition="in_recognition", available_in_days=45, language="ar"),
    S("oksana.kravets", "", "Leipzig-Grünau", "5322:4 5321:2", "A2", "uk ru", "mj pt",
      language="uk"),
    S("vitalii.moroz", "", "Leipzig-Schönefeld-Abtnaundorf", "7411:11", "B1", "uk ru", "ft",
      recognition="recognised", language="uk"),
    S("natalia.bondarenko", "", "Leipzig-Reudnitz-Thonberg", "2221:15", "B2", "uk ru en", "ft",
      recognition="recognised", language="uk"),
    S("maksym.lysenko", "", "Leipzig-Plagwitz", "2512:5 2513:2", "A2", "uk en", "ft",
      skills="python, django", language="uk"),
    S("tetiana.savchenko", "", "Leipzig-Anger-Crottendorf", "4311:9 4110:4", "B1", "uk ru en",
      "ft pt", language="uk"),
    S("serhii.horbenko", "", "Leipzig-Möckern", "8332:14 8322:3", "A2", "uk ru", "ft",
      skills="driving licence ce", language="uk"),
    S("iryna.shevchenko", "", "Leipzig-Zentrum-Ost", "4224:3 5131:2", "B2", "uk en de", "ft",
      language="uk"),
    S("andrii.kovalchuk", "", "Leipzig-Leutzsch", "3512:4", "B1", "uk ru en", "pt ft",
      language="uk"),
    S("olha.marchenko", "", "Leipzig-Stötteritz", "3256:6", "B1", "uk ru", "ft",
      recognition="in_recognition", language="uk"),
    S("yaroslav.tkachuk", "", "Leipzig-Thekla", "9333:2", "A1", "uk", "ft mj",
      available_in_days=14, language="uk"),
    S("daria.pavlenko", "", "Leipzig-Südvorstadt", "2513:1", "B1", "uk en", "in tr",
      language="uk"),
    S("bohdan.ivanenko", "", "Leipzig-Engelsdorf", "7126:7 9313:2", "A2", "uk ru", "ft",
      language="uk"),
    S("ali.rezaei", "", "Leipzig-Volkmarsdorf", "7131:6", "A2", "fa en", "ft",
      residence="approval"),
    S("zahra.ahmadi", "", "Leipzig-Lindenau", "5141:5", "A2", "fa", "pt"),
    S("reza.hosseini", "", "Leipzig-Paunsdorf", "8344:4 9333:3", "A2", "fa en", "ft",
      skills="forklift licence"),
    S("maryam.karimi", "", "Leipzig-Kleinzschocher", "2342:4 5311:2", "B1", "fa en", "pt tr"),
    S("hamid.sadeghi", "", "Leipzig-Sellerhausen-Stünz", "5120:10", "A2", "fa", "ft",
      residence="approval"),
    S("parisa.moradi", "", "Leipzig-Gohlis-Süd", "2512:3", "B1", "fa en", "ft", skills="python"),
    S("sultan.ahmadzai", "", "Leipzig-Grünau-Nord", "9313:5", "A1", "ps fa", "ft",
      residence="approval"),
    S("dmitri.volkov", "", "Leipzig-Grünau", "4323:8 8332:5", "B2", "ru en", "ft"),
    S("elena.sokolova", "", "Leipzig-Lößnig", "5322:6", "A2", "ru", "mj pt"),
    S("artur.petrosyan", "", "Leipzig-Wahren", "7231:9", "A2", "ru hy", "ft"),
    S("aylin.demir", "", "Leipzig-Neustadt-Neuschönefeld", "5246:4 5230:3", "B2", "tr de", "pt",
      language="de"),
    S("murat.celik", "", "Leipzig-Reudnitz-Thonberg", "7512:6 5120:2", "B1", "tr ku", "ft",
      language="de"),
    S("emre.kaya", "", "Leipzig-Eutritzsch", "8322:3", "B1", "tr en", "pt mj",
      skills="driving licence b", language="de"),
    S("grace.mensah", "", "Leipzig-Connewitz", "2221:5", "B1", "en", "ft",
      recognition="in_recognition"),
    S("john.okonkwo", "", "Leipzig-Südvorstadt", "2512:8 2521:3", "A1", "en", "ft",
      skills="python, django, javascript"),
    S("senait.tesfaye", "", "Leipzig-Volkmarsdorf", "9112:3 5152:2", "A1", "ti am en", "pt mj",
      residence="approval"),
    S("abdi.warsame", "", "Leipzig-Mockau-Nord", "9333:2 9321:1", "A1", "so ar", "ft mj"),
    S("nguyen.thi.lan", "", "Leipzig-Probstheida", "5142:6", "A2", "vi", "pt"),
    S("carlos.mendoza", "", "Leipzig-Plagwitz", "4224:4 5131:3", "B1", "es en", "ft"),
    S("priya.nair", "", "Leipzig-Altlindenau", "3212:5", "B1", "en hi", "ft",
      recognition="recognised"),
    S("adama.diallo", "", "Leipzig-Heiterblick", "9412:2", "A1", "fr", "pt mj",
      residence="approval"),
    S("mohammed.idris", "", "Leipzig-Anger-Crottendorf", "7512:1", "A2", "ar ti", "tr",
      language="ar"),
    S("layla.hamdan", "", "Leipzig-Lindenau", "5321:1", "B1", "ar en", "tr", language="ar"),
    S("kateryna.romanenko", "", "Leipzig-Wahren", "4321:2", "A2", "uk", "tr ft", language="uk"),
    S("jamal.rahman", "", "Leipzig-Stötteritz", "2522:2", "B1", "ar en", "tr in", language="ar"),
    S("nadia.faizi", "", "Leipzig-Lausen-Grünau", "5120:2 9412:1", "A1", "fa", "tr pt"),
    S("viktor.melnyk", "", "Leipzig-Engelsdorf", "9333:6", "A2", "uk ru", "ft",
      available_in_days=30, language="uk"),
    S("sara.yousef", "", "Leipzig-Gohlis-Süd", "2221:3", "B1", "ar en", "tr", language="ar"),
    S("mustafa.aydin", "", "Leipzig-Grünau", "9112:4", "A2", "tr ar", "pt ft", language="de"),
    S("anastasiia.koval", "", "Leipzig-Schönefeld-Abtnaundorf", "5246:2", "A2", "uk ru", "pt mj",
      language="uk"),
    S("ahmad.noori", "", "Leipzig-Paunsdorf", "8344:1 9333:1", "A1", "ps fa", "mj",
      residence="approval"),
    S("hanna.lytvyn", "", "Leipzig-Connewitz", "2643:6", "C1", "uk ru en", "pt", language="uk"),
    S("rashid.omar", "", "Leipzig-Möckern", "5153:8", "A2", "ar so", "ft", language="ar"),
    # People a counsellor of the recognition advice service or of the migration counselling
    # keeps a profile for (no account of their own).
    S("", "Abdullah Haidari", "Leipzig-Volkmarsdorf", "9313:3 7112:2", "A1", "fa ps", "ft",
      residence="approval", counsellor="miriam.osei", consent_days_ago=21),
    S("", "Mariam Tesfay", "Leipzig-Grünau", "9112:5", "A1", "ti ar", "pt mj",
      counsellor="miriam.osei", consent_days_ago=18),
    S("", "Hussein Jaber", "Leipzig-Neustadt-Neuschönefeld", "5120:15 3434:4", "A2", "ar", "ft",
      counsellor="tarek.aziz", consent_days_ago=30),
    S("", "Noor Al-Rashid", "Leipzig-Eutritzsch", "2221:9", "B2", "ar en", "ft",
      recognition="recognised", counsellor="tarek.aziz", consent_days_ago=9),
    S("", "Walid Sabbagh", "Leipzig-Paunsdorf", "9333:4", "A1", "ar", "ft", residence="approval",
      counsellor="tarek.aziz", consent_days_ago=40),
    S("", "Ziad Hammoud", "Leipzig-Schönefeld-Abtnaundorf", "7411:6", "B1", "ar en", "ft",
      recognition="in_recognition", counsellor="tarek.aziz", consent_days_ago=12),
    S("", "Ludmyla Hrytsenko", "Leipzig-Grünau", "5322:8", "A2", "uk ru", "mj pt",
      counsellor="svitlana.petrenko", consent_days_ago=25),
    S("", "Petro Sydorenko", "Leipzig-Mockau-Nord", "8332:20", "A2", "uk ru", "ft",
      counsellor="svitlana.petrenko", consent_days_ago=14),
    S("", "Valentyna Kostenko", "Leipzig-Reudnitz-Thonberg", "5152:10 9112:3", "A1", "uk ru", "pt",
      counsellor="svitlana.petrenko", consent_days_ago=7),
    S("", "Oleh Zinchenko", "Leipzig-Stötteritz", "7131:5", "A2", "uk", "ft",
      counsellor="svitlana.petrenko", consent_days_ago=33),
    S("", "Roya Jafari", "Leipzig-Lindenau", "2342:6", "B1", "fa en", "pt",
      recognition="in_recognition", counsellor="miriam.osei", consent_days_ago=16),
    S("", "Kebede Alemu", "Leipzig-Volkmarsdorf", "9321:2 9329:2", "A1", "am en", "ft mj",
      counsellor="miriam.osei", consent_days_ago=5),
    S("", "Asma Qaderi", "Leipzig-Kleinzschocher", "5311:2", "A2", "fa", "tr",
      counsellor="miriam.osei", consent_days_ago=11),
    S("", "Yonas Berhe", "Leipzig-Grünau-Nord", "7512:3", "A1", "ti", "tr", residence="approval",
      counsellor="miriam.osei", consent_days_ago=28),
    S("", "Basel Darwish", "Leipzig-Sellerhausen-Stünz", "8344:5", "A2", "ar", "ft",
      skills="forklift licence", counsellor="tarek.aziz", consent_days_ago=19),
    S("", "Rim Khoury", "Leipzig-Gohlis-Süd", "3256:4", "B2", "ar fr en", "ft",
      recognition="recognised", counsellor="tarek.aziz", consent_days_ago=3),
    S("", "Galyna Boyko", "Leipzig-Anger-Crottendorf", "9412:3", "A1", "uk", "pt",
      counsellor="svitlana.petrenko", consent_days_ago=20),
    S("", "Mykola Rudenko", "Leipzig-Thekla", "9333:1", "A1", "uk ru", "mj ft",
      counsellor="svitlana.petrenko", consent_days_ago=2),
    S("", "Samira Benali", "Leipzig-Plagwitz", "5131:3 5246:1", "A2", "ar fr", "pt",
      counsellor="tarek.aziz", consent_days_ago=8),
    S("", "Ibrahim Conteh", "Leipzig-Heiterblick", "9313:2", "A1", "en fr", "ft",
      residence="approval", counsellor="miriam.osei", consent_days_ago=35),
    S("", "Shirin Ahmadi", "Leipzig-Probstheida", "4110:5", "B1", "fa en", "pt ft",
      counsellor="miriam.osei", consent_days_ago=13),
    S("", "Nazar Hnatiuk", "Leipzig-Wahren", "7231:4", "A2", "uk", "ft",
      counsellor="svitlana.petrenko", consent_days_ago=17),
    S("", "Farida Osmani", "Leipzig-Lausen-Grünau", "5321:2", "A2", "fa ps", "tr pt",
      counsellor="miriam.osei", consent_days_ago=22),
    S("", "Tamara Gogia", "Leipzig-Engelsdorf", "2264:7", "B1", "ka ru", "ft",
      recognition="in_recognition", counsellor="svitlana.petrenko", consent_days_ago=6),
    S("", "Hassan Yassin", "Leipzig-Möckern", "7126:4", "A2", "ar", "ft tr",
      counsellor="tarek.aziz", consent_days_ago=27),
)
# fmt: on


def load_jobs(today: date, report: DemoReport, coordinator: User) -> None:
    """Create what is missing of the employers, their jobs and the people looking for work."""
    employers = {spec.name: _employer(spec, coordinator, report) for spec in EMPLOYERS}
    for spec in JOBS:
        employer = employers[spec.employer]
        if employer is not None:
            _job(spec, employer, today, report)
    counsellors = {}
    for user_spec, organisation_name in COUNSELLORS:
        counsellor = _account(user_spec, report)
        organisation = Organisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            report.warnings.append(f"Counselling service “{organisation_name}” is missing.")
            continue
        Membership.objects.get_or_create(
            user=counsellor,
            organisation=organisation,
            defaults={"status": Membership.Status.ACTIVE},
        )
        counsellors[user_spec.username] = (counsellor, organisation)
    for spec in SEEKERS:
        _seeker(spec, counsellors, today, report)


def _account(spec: DemoUser, report: DemoReport) -> User:
    user = User.objects.filter(username=spec.username).first()
    report.count("users", user is None)
    if user is None:
        user = User.objects.create_user(
            spec.username,
            password=DEMO_PASSWORD,
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            role=spec.role,
            preferred_language=spec.language,
        )
    return user


def _employer(spec: DemoEmployer, coordinator: User, report: DemoReport) -> Employer | None:
    staff = _account(spec.staff, report)
    organisation = Organisation.objects.filter(name=spec.name).first()
    if organisation is not None:
        report.count("employers", False)
        # Registered as an employer in the admin or by an earlier load; never re-checked, so
        # a check the coordinator withdrew stays withdrawn.
        return register_employer(organisation=organisation)
    try:
        employer = create_employer(user=staff, name=spec.name, city="Leipzig", email=spec.email)
    except ValidationError as exc:
        report.warnings.append(f"Employer “{spec.name}” skipped: {exc.messages}")
        return None
    if spec.checked:
        employer = check_employer(employer=employer, coordinator=coordinator)
    report.count("employers", True)
    return employer


def _skills(text: str) -> list[str]:
    return [skill.strip() for skill in text.split(",") if skill.strip()]


def _pay(text: str) -> tuple[Decimal | None, Decimal | None, str]:
    if not text:
        return None, None, "month"
    period = "hour" if text.endswith("/h") else "month"
    low, high = text.removesuffix("/h").split("-")
    return Decimal(low), Decimal(high), period


def _job(spec: DemoJob, employer: Employer, today: date, report: DemoReport) -> None:
    poster = Membership.objects.filter(organisation=employer.organisation, is_admin=True).first()
    if poster is None:
        report.warnings.append(f"Job “{spec.title}” skipped: {spec.employer} has no admin.")
        return
    if Job.objects.filter(created_by=poster.user, title=spec.title).exists():
        report.count("jobs", False)
        return
    pay_min, pay_max, pay_period = _pay(spec.pay)
    try:
        create_job(
            user=poster.user,
            organisation=employer.organisation,
            title=spec.title,
            description=spec.description,
            address=spec.address,
            occupation=spec.occupation,
            places=spec.places,
            hours=HOURS[spec.hours],
            start_date=today + timedelta(days=spec.start_in_days),
            remote=spec.remote,
            pay_min=pay_min,
            pay_max=pay_max,
            pay_period=pay_period,
            german_min=spec.german_min,
            languages=spec.languages.split(),
            skills=_skills(spec.skills),
            requires_recognition=spec.requires_recognition,
            open_to=spec.open_to.split(),
            residence_irrelevant=not spec.open_to,
            max_distance_km=spec.max_distance_km,
        )
    except ValidationError as exc:
        report.warnings.append(f"Job “{spec.title}” skipped: {exc.messages}")
        return
    report.count("jobs", True)


def _person(spec: DemoSeeker) -> DemoUser:
    first, _dot, last = spec.username.partition(".")
    return DemoUser(spec.username, first.title(), last.replace(".", " ").title(), spec.language)


def _consent_day(spec: DemoSeeker, organisation: Organisation | None) -> date | None:
    # A past event: days before the real date, even when the demo's "today" lies ahead.
    if organisation is None:
        return None
    return timezone.localdate() - timedelta(days=spec.consent_days_ago)


def _seeker(
    spec: DemoSeeker,
    counsellors: dict[str, tuple[User, Organisation]],
    today: date,
    report: DemoReport,
) -> None:
    organisation = None
    if spec.counsellor:
        if spec.counsellor not in counsellors:
            return  # its service is missing: warned once in load_jobs
        user, organisation = counsellors[spec.counsellor]
    else:
        user = _account(_person(spec), report)
    if JobSeeker.objects.filter(created_by=user, person_name=spec.name).exists():
        report.count("job_seekers", False)
        return
    try:
        create_job_seeker(
            user=user,
            address=spec.address,
            experience=[
                {"occupation": code, "years": years}
                for code, years in (item.split(":") for item in spec.experience.split())
            ],
            hours_wanted=[HOURS[key] for key in spec.hours.split()],
            available_from=today + timedelta(days=spec.available_in_days),
            residence=spec.residence,
            german_level=spec.german_level,
            languages=spec.languages.split(),
            skills=_skills(spec.skills),
            travel_radius_km=spec.travel_radius_km,
            recognition=spec.recognition,
            description=spec.description,
            counsellor_organisation=organisation,
            consent_on=_consent_day(spec, organisation),
            person_name=spec.name,
        )
    except ValidationError as exc:
        who = spec.name or spec.username
        report.warnings.append(f"Profile of {who} (looking for work) skipped: {exc.messages}")
        return
    report.count("job_seekers", True)
