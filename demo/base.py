"""What every part of the demo shares: user specs, the report and the initiatives' names.

A module of its own so that demo/loader.py (the entry point) can import the volunteer and housing
parts while those use the same specs and names without importing it back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import Role

DEMO_PASSWORD = "willkommen-demo"

SHELTER = "Gemeinschaftsunterkunft Grünauer Welle"
SALAM = "Salam Ost – Selbstorganisation von Geflüchteten e.V."
CONNEWITZ = "Nachbarschaftsnetz Connewitz hilft"
LERNBRUECKE = "Lernbrücke Gohlis e.V."
FRAUENCAFE = "Frauencafé Lindenauer Tisch"
SONIASHNYK = "Soniashnyk – Ukrainische Nachbarschaftshilfe Schönefeld"
GENOSSENSCHAFT = "Wohnungsgenossenschaft Parkblick Leipzig eG"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    language: str
    role: str = Role.DONOR

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    # (username, role, preferred language, API token) of every demo user.
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Matches per workflow state after the demo walked a few on (empty when it did not).
    workflow: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.present)[kind] += 1


def days_ahead(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


def local_datetime(day: date, at: time) -> datetime:
    """`at` o'clock on `day` in the site's time zone (shifts are planned in local time)."""
    return timezone.make_aware(datetime.combine(day, at))
