"""Demo landlords with flats around Leipzig, and households the demo initiatives house.

Flats are keyed by (landlord, title), households by (poster, title); both are created only if
missing, through the same services as real ones (validated, placed, queued for matching).

Rents are warm rents at Leipzig levels; the households' ceilings follow roughly what the
Leipzig job centre accepts as reasonable housing costs (KdU) for their size. Everything,
including the household notes, is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

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
)
from housing.models import HousingNeed, HousingOffer
from housing.services import create_housing_need, create_housing_offer


@dataclass(frozen=True)
class DemoFlat:
    username: str
    title: str
    # A postal code or district: the gazetteer places it at once, with no refinement pending.
    address: str
    rooms: str
    size_m2: int
    warm_rent: str
    max_occupants: int
    available_in_days: int
    floor: int = 0
    step_free: bool = False
    lift: bool = False
    pets_allowed: bool = False
    furnished: bool = False
    available_for_days: int | None = None
    min_stay_months: int | None = None
    description: str = ""


@dataclass(frozen=True)
class DemoHousehold:
    username: str
    organisation: str
    title: str
    # The preferred area.
    address: str
    adults: int
    children: int
    rent_ceiling: str
    move_in_in_days: int
    max_distance_km: float = 10
    needs_step_free: bool = False
    has_pets: bool = False
    min_stay_months: int | None = None
    description: str = ""
    household_notes: str = ""


LANDLORDS = (
    DemoUser("bianca.kern", "Bianca", "Kern", "de", Role.LANDLORD),
    DemoUser("gerhard.pohl", "Gerhard", "Pohl", "de", Role.LANDLORD),
    DemoUser("ali.demir", "Ali", "Demir", "de", Role.LANDLORD),
    DemoUser("christian.baumann", "Christian", "Baumann", "en", Role.LANDLORD),
    DemoUser("monika.seidel", "Monika", "Seidel", "de", Role.LANDLORD),
    DemoUser("heike.engel", "Heike", "Engel", "de", Role.LANDLORD),
)

# bianca.kern lets the flats of the housing cooperative (demo/loader.py ORGANISATIONS).
FLATS = (
    DemoFlat(
        "bianca.kern",
        "2-Raum-Wohnung in Grünau, 5. OG mit Aufzug",
        "Leipzig-Grünau-Mitte",
        "2",
        48,
        "520",
        3,
        14,
        floor=5,
        step_free=True,
        lift=True,
        description="Frisch renoviert, Balkon, Einbauküche. Stufenloser Zugang zum Aufzug.",
    ),
    DemoFlat(
        "bianca.kern",
        "4-Raum-Wohnung für Familien in Grünau",
        "Leipzig-Grünau",
        "4",
        82,
        "930",
        6,
        45,
        floor=3,
        step_free=True,
        lift=True,
        description="Zwei Kinderzimmer, Wannenbad, Schulen und Kitas in der Nähe.",
    ),
    DemoFlat(
        "bianca.kern",
        "3-Raum-Wohnung mit Balkon in Paunsdorf",
        "Leipzig-Paunsdorf",
        "3",
        64,
        "760",
        4,
        30,
        floor=2,
        pets_allowed=True,
    ),
    DemoFlat(
        "bianca.kern",
        "Barrierearme 2-Raum-Wohnung im Erdgeschoss",
        "04329 Leipzig",
        "2",
        55,
        "610",
        2,
        7,
        step_free=True,
        description="Bodengleiche Dusche, breite Türen.",
    ),
    DemoFlat(
        "gerhard.pohl",
        "1-Raum-Wohnung in Gohlis",
        "Leipzig-Gohlis",
        "1",
        30,
        "420",
        1,
        21,
        floor=3,
        description="Altbau, Kochnische, Duschbad. Straßenbahn vor der Tür.",
    ),
    DemoFlat(
        "gerhard.pohl",
        "3-Raum-Altbauwohnung in Reudnitz",
        "04317 Leipzig",
        "3",
        70,
        "850",
        4,
        40,
        floor=2,
        pets_allowed=True,
        min_stay_months=12,
    ),
    DemoFlat(
        "ali.demir",
        "2,5-Raum-Wohnung in Volkmarsdorf",
        "04315 Leipzig",
        "2.5",
        58,
        "640",
        3,
        10,
        floor=1,
        description="Kleines halbes Zimmer, gut als Kinderzimmer. Türkisch und Deutsch.",
    ),
    DemoFlat(
        "christian.baumann",
        "Furnished 2-room flat in Plagwitz, for a year",
        "Leipzig-Plagwitz",
        "2",
        50,
        "690",
        2,
        5,
        floor=4,
        lift=True,
        furnished=True,
        available_for_days=365,
        min_stay_months=6,
        description="I am abroad for a year; fully furnished, internet included in the rent.",
    ),
    DemoFlat(
        "monika.seidel",
        "2-Raum-Wohnung in Stötteritz",
        "04299 Leipzig",
        "2",
        45,
        "510",
        2,
        60,
        floor=2,
    ),
    DemoFlat(
        "monika.seidel",
        "3-Raum-Wohnung mit Garten in Markkleeberg",
        "Markkleeberg",
        "3",
        68,
        "780",
        4,
        30,
        step_free=True,
        pets_allowed=True,
        description="Erdgeschoss, Gartenanteil. S-Bahn nach Leipzig in 15 Minuten.",
    ),
    DemoFlat(
        "heike.engel",
        "2-Raum-Wohnung in Taucha",
        "Taucha",
        "2",
        52,
        "540",
        2,
        20,
        floor=1,
    ),
    DemoFlat(
        "heike.engel",
        "Einliegerwohnung in Borna",
        "Borna",
        "1.5",
        38,
        "390",
        2,
        0,
        pets_allowed=True,
        furnished=True,
        description="Im Einfamilienhaus, eigener Eingang. Bus und S-Bahn nach Leipzig.",
    ),
)

HOUSEHOLDS = (
    DemoHousehold(
        "sabine.krueger",
        SHELTER,
        "Familie mit drei Kindern sucht 4-Raum-Wohnung",
        "Leipzig-Grünau",
        2,
        3,
        "930",
        30,
        max_distance_km=8,
        household_notes="Die Kinder gehen in Grünau zur Schule; im Stadtteil zu bleiben wäre gut.",
    ),
    DemoHousehold(
        "oleksandr.bondar",
        SHELTER,
        "Paar mit Baby",
        "04209 Leipzig",
        2,
        1,
        "720",
        14,
        household_notes="Beide besuchen einen Integrationskurs.",
    ),
    DemoHousehold(
        "amira.haddad",
        SALAM,
        "Alleinstehender Mann, arbeitet im Schichtdienst",
        "Leipzig-Volkmarsdorf",
        1,
        0,
        "500",
        7,
        max_distance_km=6,
        household_notes="Arbeitet im Norden Leipzigs; eine gute Straßenbahnanbindung hilft.",
    ),
    DemoHousehold(
        "karim.nasser",
        SALAM,
        "Two students looking for a shared flat",
        "04317 Leipzig",
        2,
        0,
        "650",
        60,
        max_distance_km=8,
        min_stay_months=12,
        household_notes="Both start at university in the winter semester.",
    ),
    DemoHousehold(
        "iryna.kovalenko",
        SONIASHNYK,
        "Mutter mit zwei Kindern und Großmutter",
        "Leipzig-Schönefeld-Abtnaundorf",
        2,
        2,
        "830",
        21,
        max_distance_km=12,
        needs_step_free=True,
        household_notes="Die Großmutter kann keine Treppen steigen: Erdgeschoss oder Aufzug.",
    ),
    DemoHousehold(
        "leila.mansour",
        FRAUENCAFE,
        "Alleinerziehende Mutter mit Kind",
        "04177 Leipzig",
        1,
        1,
        "600",
        30,
        max_distance_km=5,
        household_notes="Das Kind hat einen Kitaplatz in Lindenau.",
    ),
    DemoHousehold(
        "jonas.weber",
        CONNEWITZ,
        "Junges Paar mit Hund",
        "Leipzig-Connewitz",
        2,
        0,
        "620",
        10,
        has_pets=True,
        household_notes="Ein kleiner, ruhiger Hund.",
    ),
    DemoHousehold(
        "claudia.hoffmann",
        LERNBRUECKE,
        "Familie mit zwei Schulkindern",
        "Leipzig-Gohlis",
        2,
        2,
        "830",
        45,
        max_distance_km=6,
        min_stay_months=12,
        household_notes="Die Kinder sollen ihre Grundschule in Gohlis behalten.",
    ),
)


# Landlords the welcome centre has checked (identity seen, and for most a home visit): only
# their flats are matched by default (HOUSING_MATCH_UNCHECKED_LANDLORDS). heike.engel is not
# checked yet, so the demo shows a flat that waits for a check.
CHECKED_LANDLORDS = {
    "bianca.kern": (CheckKind.IDENTITY, CheckKind.OWNERSHIP_OR_TENANCY),
    "gerhard.pohl": (CheckKind.IDENTITY, CheckKind.HOME_VISIT),
    "ali.demir": (CheckKind.IDENTITY, CheckKind.HOME_VISIT),
    "christian.baumann": (CheckKind.IDENTITY,),
    "monika.seidel": (CheckKind.IDENTITY, CheckKind.OWNERSHIP_OR_TENANCY),
}


def load_housing(
    users: dict[str, User],
    organisations: dict[str, Organisation],
    today: date,
    report: DemoReport,
    coordinator: User,
) -> None:
    for username, kinds in CHECKED_LANDLORDS.items():
        landlord = users[username]
        for kind in kinds:
            if not Check.objects.filter(subject=landlord, kind=kind).exists():
                record_check(subject=landlord, kind=kind, actor=coordinator)
    for spec in FLATS:
        _flat(spec, users[spec.username], today, report)
    for spec in HOUSEHOLDS:
        _household(spec, users[spec.username], organisations[spec.organisation], today, report)


def _flat(spec: DemoFlat, user: User, today: date, report: DemoReport) -> None:
    if HousingOffer.objects.filter(landlord=user, title=spec.title).exists():
        report.count("housing_offers", False)
        return
    available_from = days_ahead(today, spec.available_in_days)
    try:
        create_housing_offer(
            user=user,
            title=spec.title,
            address=spec.address,
            rooms=Decimal(spec.rooms),
            size_m2=spec.size_m2,
            warm_rent=Decimal(spec.warm_rent),
            max_occupants=spec.max_occupants,
            available_from=available_from,
            available_until=days_ahead(available_from, spec.available_for_days),
            floor=spec.floor,
            step_free=spec.step_free,
            lift=spec.lift,
            pets_allowed=spec.pets_allowed,
            furnished=spec.furnished,
            min_stay_months=spec.min_stay_months,
            description=spec.description,
        )
    except ValidationError as exc:
        report.warnings.append(f"Flat “{spec.title}” of {user.username} skipped: {exc.messages}")
        return
    report.count("housing_offers", True)


def _household(
    spec: DemoHousehold, user: User, organisation: Organisation, today: date, report: DemoReport
) -> None:
    if HousingNeed.objects.filter(created_by=user, title=spec.title).exists():
        report.count("housing_needs", False)
        return
    try:
        create_housing_need(
            user=user,
            organisation=organisation,
            title=spec.title,
            address=spec.address,
            adults=spec.adults,
            children=spec.children,
            rent_ceiling=Decimal(spec.rent_ceiling),
            move_in_date=days_ahead(today, spec.move_in_in_days),
            max_distance_km=spec.max_distance_km,
            needs_step_free=spec.needs_step_free,
            has_pets=spec.has_pets,
            min_stay_months=spec.min_stay_months,
            description=spec.description,
            household_notes=spec.household_notes,
        )
    except ValidationError as exc:
        report.warnings.append(
            f"Household “{spec.title}” of {user.username} skipped: {exc.messages}"
        )
        return
    report.count("housing_needs", True)
