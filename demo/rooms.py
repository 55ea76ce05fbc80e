"""Demo rooms that the city and organisations in Leipzig offer to initiatives, with requests
of the demo initiatives: several confirmed (booked), some waiting for a decision, one declined.

Rooms are keyed by (owner, name), requests by (initiative, title); both are created only if
missing, through the same services as real ones (validated, placed by the gazetteer). The city's
rooms belong to the welcome centre's organisation, whose admin is the demo coordinator. Dates
lie a few weeks ahead of the day the demo is loaded, on the weekday each room is open.

Run after the rest of the demo (demo/loader.py), which creates the people and initiatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationKind, User
from demo.base import (
    CONNEWITZ,
    FRAUENCAFE,
    GENOSSENSCHAFT,
    LERNBRUECKE,
    SALAM,
    SHELTER,
    SONIASHNYK,
    DemoReport,
)
from rooms.models import Room, RoomRequest
from rooms.services import Hours, confirm, create_room, decline, local_datetime, request_room

CITY = "Stadt Leipzig – Welcome Center"
CITY_EMAIL = "welcome-center@leipzig.example.org"
COORDINATOR = "koordination"
WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)


@dataclass(frozen=True)
class DemoRoom:
    owner: str
    name: str
    # A street with its postal code: the gazetteer places it at once by the postal code.
    address: str
    capacity: int
    equipment: tuple[str, ...]
    step_free: bool
    # (weekdays, from, until)
    hours: tuple[tuple[tuple[int, ...], time, time], ...]
    description: str = ""


@dataclass(frozen=True)
class DemoRoomRequest:
    organisation: str
    username: str
    title: str
    weekday: int
    weeks_ahead: int
    start: time
    end: time
    people: int
    equipment: tuple[str, ...] = ()
    needs_step_free: bool = False
    note: str = ""
    # The room a coordinator confirms, or a reason to decline; neither: it waits.
    confirm_in: str = ""
    decline_because: str = ""


ROOMS = (
    DemoRoom(
        CITY,
        "Veranstaltungssaal im Welcome Center",
        "Otto-Schill-Straße 2, 04109 Leipzig",
        80,
        ("projector", "chairs_tables", "wifi"),
        True,
        ((WEEKDAYS, time(9), time(20)),),
        "Erdgeschoss, Beamer und Leinwand, Mikrofon auf Anfrage.",
    ),
    DemoRoom(
        CITY,
        "Seminarraum der Stadtteilbibliothek Grünau",
        "Stuttgarter Allee 16, 04209 Leipzig",
        25,
        ("whiteboard", "chairs_tables"),
        True,
        (((1, 3), time(14), time(20)), ((5,), time(10), time(16))),
    ),
    DemoRoom(
        LERNBRUECKE,
        "Lernraum der Lernbrücke",
        "Georg-Schumann-Straße 105, 04155 Leipzig",
        15,
        ("whiteboard", "wifi"),
        False,
        (((0, 1, 2, 3), time(15), time(19)),),
        "Im ersten Stock, kein Aufzug.",
    ),
    DemoRoom(
        SALAM,
        "Gemeinschaftsraum Salam Ost",
        "Eisenbahnstraße 66, 04315 Leipzig",
        40,
        ("kitchen", "chairs_tables"),
        True,
        (((4, 5, 6), time(10), time(22)),),
        "Große Küche, Spielecke für Kinder.",
    ),
    DemoRoom(
        GENOSSENSCHAFT,
        "Nachbarschaftstreff Parkblick",
        "Lindenallee 2, Leipzig-Paunsdorf",
        30,
        ("kitchen", "chairs_tables", "wifi"),
        True,
        ((WEEKDAYS + WEEKEND, time(10), time(21)),),
    ),
)

REQUESTS = (
    DemoRoomRequest(
        FRAUENCAFE,
        "leila.mansour",
        "Frauenfrühstück mit Kinderbetreuung",
        5,
        2,
        time(10),
        time(13),
        20,
        ("kitchen",),
        True,
        "Einige Mütter kommen mit Kinderwagen.",
        confirm_in="Gemeinschaftsraum Salam Ost",
    ),
    DemoRoomRequest(
        SHELTER,
        "sabine.krueger",
        "Infoabend: Wohnungssuche in Leipzig",
        1,
        2,
        time(17),
        time(19),
        35,
        ("projector",),
        confirm_in="Veranstaltungssaal im Welcome Center",
    ),
    DemoRoomRequest(
        SONIASHNYK,
        "iryna.kovalenko",
        "Ukrainischunterricht für Kinder",
        2,
        1,
        time(15),
        time(17),
        12,
        ("whiteboard",),
        confirm_in="Lernraum der Lernbrücke",
    ),
    DemoRoomRequest(
        SALAM,
        "amira.haddad",
        "Elterncafé auf Arabisch und Deutsch",
        6,
        3,
        time(14),
        time(17),
        25,
        ("kitchen", "chairs_tables"),
        True,
        confirm_in="Nachbarschaftstreff Parkblick",
    ),
    DemoRoomRequest(
        CONNEWITZ,
        "jonas.weber",
        "Planungstreffen Nachbarschaftsfest",
        3,
        2,
        time(18),
        time(20),
        20,
        ("chairs_tables",),
    ),
    DemoRoomRequest(
        SALAM,
        "karim.nasser",
        "Bewerbungstraining",
        0,
        3,
        time(17),
        time(19),
        15,
        ("projector", "wifi"),
        note="Wir bringen Laptops mit.",
    ),
    DemoRoomRequest(
        LERNBRUECKE,
        "claudia.hoffmann",
        "Sommerfest der Lernbrücke",
        6,
        4,
        time(11),
        time(18),
        70,
        decline_because="Am Sonntag ist kein Raum für 70 Personen frei.",
    ),
)


def _day(today: date, weekday: int, weeks_ahead: int) -> date:
    """The `weekday` at least three days from today, `weeks_ahead` - 1 weeks later."""
    day = today + timedelta(days=3)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return day + timedelta(weeks=max(weeks_ahead - 1, 0))


def _city(coordinator: User, report: DemoReport) -> Organisation:
    city, created = Organisation.objects.get_or_create(
        name=CITY,
        defaults={"kind": OrganisationKind.WELCOME_CENTRE, "city": "Leipzig", "email": CITY_EMAIL},
    )
    if created:  # the full demo makes it with the other organisations (demo/loader.py)
        report.count("organisations", created)
    Membership.objects.get_or_create(
        user=coordinator,
        organisation=city,
        defaults={"is_admin": True, "status": Membership.Status.ACTIVE},
    )
    return city


def _room(spec: DemoRoom, coordinator: User, report: DemoReport) -> Room | None:
    owner = Organisation.objects.filter(name=spec.owner).first()
    if owner is None:
        report.warnings.append(f"Room “{spec.name}” skipped: no organisation {spec.owner}.")
        return None
    existing = Room.objects.filter(owner=owner, name=spec.name).first()
    report.count("rooms", existing is None)
    if existing is not None:
        return existing
    hours = [Hours(day, start, end) for days, start, end in spec.hours for day in days]
    try:
        return create_room(
            user=coordinator,
            owner=owner,
            name=spec.name,
            address=spec.address,
            capacity=spec.capacity,
            description=spec.description,
            equipment=spec.equipment,
            step_free=spec.step_free,
            hours=hours,
        )
    except ValidationError as exc:
        report.warnings.append(f"Room “{spec.name}” skipped: {exc.messages}")
        return None


def _request(
    spec: DemoRoomRequest,
    rooms: dict[str, Room],
    coordinator: User,
    today: date,
    report: DemoReport,
) -> None:
    organisation = Organisation.objects.filter(name=spec.organisation).first()
    user = User.objects.filter(username=spec.username).first()
    if organisation is None or user is None:
        report.warnings.append(f"Room request “{spec.title}” skipped: its initiative is missing.")
        return
    if RoomRequest.objects.filter(organisation=organisation, title=spec.title).exists():
        report.count("room_requests", False)
        return
    day = _day(today, spec.weekday, spec.weeks_ahead)
    try:
        request = request_room(
            user=user,
            organisation=organisation,
            title=spec.title,
            start=local_datetime(day, spec.start),
            end=local_datetime(day, spec.end),
            people=spec.people,
            equipment=spec.equipment,
            needs_step_free=spec.needs_step_free,
            note=spec.note,
        )
    except ValidationError as exc:
        report.warnings.append(f"Room request “{spec.title}” skipped: {exc.messages}")
        return
    report.count("room_requests", True)
    try:
        if spec.confirm_in and spec.confirm_in in rooms:
            confirm(request, rooms[spec.confirm_in], coordinator)
            report.count("room_bookings", True)
        elif spec.decline_because:
            decline(request, coordinator, reason=spec.decline_because)
    except ValidationError as exc:
        report.warnings.append(f"Room request “{spec.title}” not decided: {exc.messages}")


def load_rooms(report: DemoReport) -> None:
    """Create the demo's rooms and room requests that are missing; confirm or decline the new
    requests as the demo says."""
    coordinator = User.objects.filter(username=COORDINATOR).first()
    if coordinator is None:
        report.warnings.append("Rooms skipped: load the rest of the demo first.")
        return
    today = timezone.localdate()
    _city(coordinator, report)
    rooms = {}
    for spec in ROOMS:
        room = _room(spec, coordinator, report)
        if room is not None:
            rooms[spec.name] = room
    for spec in REQUESTS:
        _request(spec, rooms, coordinator, today, report)
