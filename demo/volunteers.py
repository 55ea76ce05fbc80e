"""Demo volunteers in Leipzig and the volunteer needs the demo initiatives post.

Profiles are keyed by their user (one each), needs by (poster, title); both are created only
if missing, through the same services as real ones, so they are validated, placed by the
gazetteer and queued for matching once the load commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.checks import record_check
from accounts.models import Check, CheckKind, Organisation, Role, User
from demo.base import (
    CONNEWITZ,
    FRAUENCAFE,
    LERNBRUECKE,
    SALAM,
    SHELTER,
    SONIASHNYK,
    DemoReport,
    DemoUser,
    days_ahead,
    local_datetime,
)
from volunteers.models import Skill, VolunteerNeed, VolunteerProfile
from volunteers.services import create_volunteer_need, create_volunteer_profile

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@dataclass(frozen=True)
class DemoProfile:
    username: str
    # A district or postal code: where the volunteer lives, never a street address.
    address: str
    skills: tuple[str, ...]
    # (ISO 639-1 code, level)
    languages: tuple[tuple[str, str], ...]
    # (weekday, "HH:MM", "HH:MM")
    availability: tuple[tuple[int, str, str], ...]
    travel_radius_km: float
    max_hours_per_week: int
    description: str = ""
    # (first day, last day) as days after today.
    away: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class DemoVolunteerNeed:
    username: str
    organisation: str
    title: str
    address: str
    # (days after today, "HH:MM", "HH:MM", people)
    shifts: tuple[tuple[int, str, str, int], ...]
    skills: tuple[str, ...] = ()
    # Any one of them will do; empty means any language.
    languages: tuple[str, ...] = ()
    description: str = ""
    max_distance_km: float | None = None
    # Only volunteers with an extended certificate of conduct the centre has seen.
    works_with_children: bool = False
    # When set, each shift moves to the first such weekday on or after its day: the volunteer
    # meant for the need is free that day whatever weekday the demo is loaded on.
    weekday: int | None = None


VOLUNTEERS = (
    DemoUser("maria.schneider", "Maria", "Schneider", "de", Role.VOLUNTEER),
    DemoUser("tobias.kraus", "Tobias", "Kraus", "de", Role.VOLUNTEER),
    DemoUser("yuliia.hnatiuk", "Yuliia", "Hnatiuk", "uk", Role.VOLUNTEER),
    DemoUser("ahmad.alkhatib", "Ahmad", "Al-Khatib", "ar", Role.VOLUNTEER),
    DemoUser("hannah.wolf", "Hannah", "Wolf", "de", Role.VOLUNTEER),
    DemoUser("reza.ahmadi", "Reza", "Ahmadi", "en", Role.VOLUNTEER),
    DemoUser("svitlana.moroz", "Svitlana", "Moroz", "uk", Role.VOLUNTEER),
    DemoUser("lukas.hartmann", "Lukas", "Hartmann", "de", Role.VOLUNTEER),
    DemoUser("emily.carter", "Emily", "Carter", "en", Role.VOLUNTEER),
    DemoUser("dilan.aydin", "Dilan", "Aydın", "de", Role.VOLUNTEER),
    DemoUser("omar.khalil", "Omar", "Khalil", "ar", Role.VOLUNTEER),
    DemoUser("gabriele.schulze", "Gabriele", "Schulze", "de", Role.VOLUNTEER),
)

PROFILES = (
    DemoProfile(
        "maria.schneider",
        "Leipzig-Gohlis",
        ("homework-help", "tutoring-german"),
        (("de", "native"), ("en", "fluent"), ("fr", "basic")),
        ((MON, "15:00", "18:00"), (WED, "15:00", "18:00")),
        4,
        4,
        "Lehramtsstudentin, Deutsch und Englisch.",
    ),
    DemoProfile(
        "tobias.kraus",
        "04229 Leipzig",
        ("furniture-assembly", "moving-help", "van-driving", "driving-licence-b"),
        (("de", "native"), ("en", "conversational")),
        ((SAT, "09:00", "15:00"),),
        15,
        6,
        "Tischler, Akkuschrauber und Werkzeugkiste sind immer dabei.",
        away=((20, 34),),
    ),
    DemoProfile(
        "yuliia.hnatiuk",
        "04347 Leipzig",
        ("interpreting", "accompanying-authorities", "accompanying-doctors"),
        (("uk", "native"), ("ru", "fluent"), ("de", "conversational")),
        ((TUE, "09:00", "13:00"), (THU, "09:00", "13:00")),
        8,
        5,
        "Seit 2022 in Leipzig, Deutsch B2. Übersetze gern bei Ämtern und Ärzten.",
    ),
    DemoProfile(
        "ahmad.alkhatib",
        "Leipzig-Volkmarsdorf",
        ("interpreting", "accompanying-doctors", "medical-background"),
        (("ar", "native"), ("de", "fluent"), ("en", "conversational")),
        ((MON, "17:00", "20:00"), (FRI, "14:00", "18:00")),
        6,
        4,
        "Pflegefachmann; I can explain medical letters in Arabic.",
    ),
    DemoProfile(
        "hannah.wolf",
        "Leipzig-Südvorstadt",
        ("tutoring-german", "event-organisation", "cooking"),
        (("de", "native"), ("en", "fluent"), ("es", "conversational")),
        ((THU, "17:00", "20:00"),),
        3,
        3,
    ),
    DemoProfile(
        "reza.ahmadi",
        "04315 Leipzig",
        ("interpreting", "city-orientation", "it-help"),
        (("fa", "native"), ("de", "fluent"), ("en", "fluent")),
        ((WED, "16:00", "20:00"), (SUN, "11:00", "15:00")),
        5,
        4,
        "Software developer, came to Leipzig in 2016. Dari/Farsi interpreting.",
    ),
    DemoProfile(
        "svitlana.moroz",
        "Leipzig-Grünau",
        ("childcare", "sewing", "reception-desk"),
        (("uk", "native"), ("ru", "native"), ("de", "basic")),
        ((MON, "09:00", "12:00"), (WED, "09:00", "12:00"), (FRI, "09:00", "12:00")),
        5,
        8,
        "Erzieherin aus Charkiw.",
    ),
    DemoProfile(
        "lukas.hartmann",
        "Leipzig-Connewitz",
        ("bicycle-repair", "handicraft-repairs", "sorting-donations"),
        (("de", "native"), ("en", "conversational")),
        ((SAT, "10:00", "14:00"),),
        10,
        3,
        away=((3, 12),),
    ),
    DemoProfile(
        "emily.carter",
        "04109 Leipzig",
        ("homework-help", "music-art-children", "job-application-help"),
        (("en", "native"), ("de", "conversational")),
        ((TUE, "15:00", "18:00"),),
        5,
        3,
        "English teacher; I play the guitar with kids.",
    ),
    DemoProfile(
        "dilan.aydin",
        "Leipzig-Lindenau",
        ("interpreting", "accompanying-authorities", "psychosocial-support"),
        (("de", "native"), ("tr", "native"), ("ku", "fluent"), ("en", "fluent")),
        ((WED, "09:00", "13:00"),),
        7,
        4,
        "Sozialarbeiterin, Kurmancî und Türkisch.",
    ),
    DemoProfile(
        "omar.khalil",
        "Leipzig-Paunsdorf",
        ("furniture-assembly", "moving-help", "driving-licence-b", "sorting-donations"),
        (("ar", "native"), ("de", "conversational"), ("en", "basic")),
        ((SAT, "09:00", "17:00"), (SUN, "10:00", "14:00")),
        12,
        8,
    ),
    DemoProfile(
        "gabriele.schulze",
        "Leipzig-Stötteritz",
        ("tutoring-german", "homework-help", "paperwork-bank-insurance", "housing-search"),
        (("de", "native"), ("ru", "conversational"), ("en", "basic")),
        ((MON, "10:00", "12:00"), (THU, "10:00", "12:00")),
        5,
        4,
        "Lehrerin im Ruhestand.",
    ),
)

VOLUNTEER_NEEDS = (
    DemoVolunteerNeed(
        "amira.haddad",
        SALAM,
        "Begleitung zur Ausländerbehörde (Arabisch)",
        "Leipzig-Volkmarsdorf",
        ((6, "08:00", "11:00", 1), (13, "08:00", "11:00", 1)),
        ("accompanying-authorities", "interpreting"),
        ("ar",),
        "Treffpunkt bei uns im Büro, gemeinsam mit der Straßenbahn zum Termin.",
    ),
    DemoVolunteerNeed(
        "karim.nasser",
        SALAM,
        "Arabic interpreter at a doctor's appointment",
        "Leipzig-Neustadt-Neuschönefeld",
        ((4, "13:00", "15:00", 1),),
        ("interpreting", "accompanying-doctors"),
        ("ar",),
        "Check-up at a GP's practice nearby; about an hour.",
    ),
    DemoVolunteerNeed(
        "iryna.kovalenko",
        SONIASHNYK,
        "Dolmetschen Ukrainisch beim Kinderarzt",
        "04347 Leipzig",
        ((2, "09:30", "11:30", 1), (9, "09:30", "11:30", 1)),
        ("interpreting", "accompanying-doctors"),
        ("uk", "ru"),
    ),
    DemoVolunteerNeed(
        "dmytro.shevchuk",
        SONIASHNYK,
        "Umzugshilfe mit Transporter",
        "Leipzig-Schönefeld-Abtnaundorf",
        ((15, "09:00", "15:00", 3),),
        ("moving-help", "van-driving"),
        description="Eine Familie zieht aus der Gemeinschaftsunterkunft in ihre erste Wohnung.",
        max_distance_km=20,
    ),
    DemoVolunteerNeed(
        "claudia.hoffmann",
        LERNBRUECKE,
        "Hausaufgabenhilfe für Grundschulkinder",
        "Leipzig-Gohlis",
        ((1, "15:00", "17:00", 2), (8, "15:00", "17:00", 2), (15, "15:00", "17:00", 2)),
        ("homework-help",),
        ("de",),
        "Klassen 1–4, vor allem Lesen und Mathe. Material ist da.",
        works_with_children=True,
        weekday=MON,
    ),
    DemoVolunteerNeed(
        "farah.rahimi",
        LERNBRUECKE,
        "Help with job applications",
        "04155 Leipzig-Gohlis",
        ((7, "16:00", "18:00", 1), (14, "16:00", "18:00", 1)),
        ("job-application-help", "it-help"),
        ("de", "en"),
    ),
    DemoVolunteerNeed(
        "leila.mansour",
        FRAUENCAFE,
        "Deutsch-Gesprächscafé für Frauen",
        "04177 Leipzig",
        ((4, "10:00", "12:00", 2), (11, "10:00", "12:00", 2)),
        ("tutoring-german",),
        ("de",),
        "Ungezwungen Deutsch sprechen bei Tee und Gebäck; Kinderbetreuung gibt es nebenan.",
    ),
    DemoVolunteerNeed(
        "sabine.krueger",
        SHELTER,
        "Kleiderspenden sortieren",
        "Leipzig-Grünau-Mitte",
        ((5, "14:00", "18:00", 4), (12, "14:00", "18:00", 3)),
        ("sorting-donations",),
        description="Nach Größen sortieren und ins Lager räumen.",
    ),
    DemoVolunteerNeed(
        "oleksandr.bondar",
        SHELTER,
        "Kinderbetreuung während des Elternabends",
        "Leipzig-Grünau",
        ((9, "17:30", "20:00", 2),),
        ("childcare",),
        ("uk", "de"),
        works_with_children=True,
    ),
    DemoVolunteerNeed(
        "jonas.weber",
        CONNEWITZ,
        "Möbelaufbau in einer ersten eigenen Wohnung",
        "Leipzig-Connewitz",
        ((8, "10:00", "14:00", 2),),
        ("furniture-assembly",),
        description="Schrank, zwei Betten und ein Regal; Werkzeug bringen wir mit.",
        max_distance_km=10,
    ),
    DemoVolunteerNeed(
        "jonas.weber",
        CONNEWITZ,
        "Fahrradwerkstatt: Spendenräder fit machen",
        "Leipzig-Connewitz",
        ((6, "16:00", "19:00", 2), (20, "16:00", "19:00", 2)),
        ("bicycle-repair",),
    ),
)


def _time(value: str) -> time:
    return time.fromisoformat(value)


def shift_day(today: date, days: int, weekday: int | None) -> date:
    """The day of a demo shift `days` after `today`, moved on to `weekday` when one is set."""
    day = days_ahead(today, days)
    return day if weekday is None else day + timedelta(days=(weekday - day.weekday()) % 7)


def _skills(slugs: tuple[str, ...], skills: dict[str, Skill], label: str, report: DemoReport):
    missing = [slug for slug in slugs if slug not in skills]
    if missing:
        report.warnings.append(f"{label}: unknown skills {', '.join(missing)} left out")
    return [skills[slug] for slug in slugs if slug in skills]


# Volunteers whose extended certificate of conduct the welcome centre has seen, and how many
# days before the real today it was issued. Maria may help with homework; Svitlana's is not recorded
# yet, so the childcare need shows the diagnosis "no certificate" to coordinators.
CERTIFICATES = {"maria.schneider": 200}


def load_volunteers(
    users: dict[str, User],
    organisations: dict[str, Organisation],
    today: date,
    report: DemoReport,
    coordinator: User,
) -> None:
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    for username, days_old in CERTIFICATES.items():
        volunteer = users[username]
        if not Check.objects.filter(
            subject=volunteer, kind=CheckKind.CERTIFICATE_OF_CONDUCT
        ).exists():
            record_check(
                subject=volunteer,
                kind=CheckKind.CERTIFICATE_OF_CONDUCT,
                # A certificate is never dated after the real day, whatever day the demo plays.
                certificate_date=timezone.localdate() - timedelta(days=days_old),
                actor=coordinator,
            )
    for spec in PROFILES:
        _profile(spec, users[spec.username], skills, today, report)
    for spec in VOLUNTEER_NEEDS:
        _need(spec, users[spec.username], organisations[spec.organisation], skills, today, report)


def _profile(
    spec: DemoProfile, user: User, skills: dict[str, Skill], today: date, report: DemoReport
) -> None:
    if VolunteerProfile.objects.filter(user=user).exists():
        report.count("volunteers", False)
        return
    try:
        create_volunteer_profile(
            user=user,
            address=spec.address,
            skills=_skills(spec.skills, skills, f"Profile of {user.username}", report),
            languages=[{"code": code, "level": level} for code, level in spec.languages],
            availability=[
                {"weekday": weekday, "start": _time(start), "end": _time(end)}
                for weekday, start, end in spec.availability
            ],
            away_periods=[
                {"start": days_ahead(today, first), "end": days_ahead(today, last)}
                for first, last in spec.away
            ],
            travel_radius_km=spec.travel_radius_km,
            max_hours_per_week=spec.max_hours_per_week,
            description=spec.description,
        )
    except ValidationError as exc:
        report.warnings.append(f"Volunteer profile of {user.username} skipped: {exc.messages}")
        return
    report.count("volunteers", True)


def _need(
    spec: DemoVolunteerNeed,
    user: User,
    organisation: Organisation,
    skills: dict[str, Skill],
    today: date,
    report: DemoReport,
) -> None:
    if VolunteerNeed.objects.filter(created_by=user, title=spec.title).exists():
        report.count("volunteer_needs", False)
        return
    try:
        create_volunteer_need(
            user=user,
            organisation=organisation,
            title=spec.title,
            address=spec.address,
            shifts=[
                {
                    "start": local_datetime(shift_day(today, days, spec.weekday), _time(start)),
                    "end": local_datetime(shift_day(today, days, spec.weekday), _time(end)),
                    "people": people,
                }
                for days, start, end, people in spec.shifts
            ],
            required_skills=_skills(spec.skills, skills, f"Need “{spec.title}”", report),
            languages=list(spec.languages),
            description=spec.description,
            max_distance_km=spec.max_distance_km,
            works_with_children=spec.works_with_children,
        )
    except ValidationError as exc:
        # E.g. the member left the initiative, or a `today` in the past put the shifts behind.
        report.warnings.append(
            f"Volunteer need “{spec.title}” of {user.username} skipped: {exc.messages}"
        )
        return
    report.count("volunteer_needs", True)
