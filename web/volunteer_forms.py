"""Parsing of the volunteer's profile form: text to numbers, dates, skills and slots. Only
parsing; every rule (a radius too small, an away period that ends before it starts, a place
that cannot be found) is the service's (volunteers.services), whose messages the page shows
beside the same fields.

The weekly availability is a grid of two-hour blocks (rows: weekdays, columns: blocks from
06:00 to 22:00); each ticked cell is a checkbox named `availability` with the value
"<weekday>-<hour>", and adjacent ticked blocks of one day become one slot.
"""

import gettext
import math
from dataclasses import dataclass, field
from datetime import date, time

import pycountry
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from volunteers.languages import LanguageLevel, is_language_code
from volunteers.models import AvailabilitySlot, Skill

FIRST_HOUR, LAST_HOUR, BLOCK_HOURS = 6, 22, 2
BLOCK_STARTS = tuple(range(FIRST_HOUR, LAST_HOUR, BLOCK_HOURS))
MAX_LANGUAGE_ROWS = 30
MAX_AWAY_ROWS = 52
DESCRIPTION_MAX_LENGTH = 4000
# Every field whose messages the page shows beside it; any other goes to the top.
FIELDS = (
    "address",
    "skills",
    "languages",
    "availability",
    "away_periods",
    "travel_radius_km",
    "max_hours_per_week",
    "description",
)


@dataclass
class ProfileValues:
    """What the form shows: the saved profile, or exactly what the person sent."""

    address: str = ""
    travel_radius_km: str = "5"
    max_hours_per_week: str = "4"
    description: str = ""
    skills: set[str] = field(default_factory=set)
    languages: list[tuple[str, str]] = field(default_factory=list)
    away_periods: list[tuple[str, str]] = field(default_factory=list)
    cells: set[str] = field(default_factory=set)
    # The cells the page showed ticked: sent back unchanged, the saved slots stay as they are
    # (slots typed elsewhere, 17:00–19:30 say, that no grid of blocks can draw).
    cells_shown: str = ""


def cell_value(weekday: int, hour: int) -> str:
    return f"{weekday}-{hour}"


def _hours(value: int) -> str:
    return f"{value:02d}:00"


def block_label(hour: int) -> str:
    return f"{_hours(hour)}–{_hours(hour + BLOCK_HOURS)}"


def cells_of(slots) -> set[str]:
    """The blocks that the saved slots cover whole."""
    cells = set()
    for slot in slots:
        for hour in BLOCK_STARTS:
            if slot.start <= time(hour) and time(hour + BLOCK_HOURS) <= slot.end:
                cells.add(cell_value(slot.weekday, hour))
    return cells


def values_of(profile) -> ProfileValues:
    if profile is None:
        return ProfileValues()
    slots = list(profile.availability.all())
    cells = cells_of(slots)
    return ProfileValues(
        address=profile.address,
        travel_radius_km=_number_text(profile.travel_radius_km),
        max_hours_per_week=str(profile.max_hours_per_week),
        description=profile.description,
        skills={skill.slug for skill in profile.skills.all()},
        languages=[(item["code"], item["level"]) for item in profile.languages],
        away_periods=[(p.start.isoformat(), p.end.isoformat()) for p in profile.away_periods.all()],
        cells=cells,
        cells_shown=",".join(sorted(cells)),
    )


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- what the page draws ---------------------------------------------------------------------


def grid(cells: set[str]) -> list[dict]:
    """Rows of the availability grid, one per weekday, with a cell per block."""
    rows = []
    for weekday in range(7):
        name = str(WEEKDAYS[weekday])
        rows.append(
            {
                "weekday": weekday,
                "name": name,
                "cells": [
                    {
                        "value": cell_value(weekday, hour),
                        "short": f"{hour:02d}",
                        "label": f"{name}, {block_label(hour)}",
                        "checked": cell_value(weekday, hour) in cells,
                    }
                    for hour in BLOCK_STARTS
                ],
            }
        )
    return rows


def slot_texts(slots) -> list[str]:
    return [f"{WEEKDAYS[slot.weekday]}, {slot.start:%H:%M}–{slot.end:%H:%M}" for slot in slots]


def language_choices() -> list[tuple[str, str]]:
    """Every ISO 639-1 language, named in the page's language (pycountry's translations)."""
    try:
        names = gettext.translation(
            "iso639-3", pycountry.LOCALES_DIR, languages=[get_language() or "en"]
        )
    except OSError:
        names = gettext.NullTranslations()
    choices = [
        (language.alpha_2, names.gettext(language.name))
        for language in pycountry.languages
        if hasattr(language, "alpha_2")
    ]
    return sorted(choices, key=lambda choice: choice[1].casefold())


def level_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in LanguageLevel.choices]


# --- parsing ---------------------------------------------------------------------------------


def _rows(post, name: str, limit: int) -> int:
    try:
        return max(0, min(int(post.get(name, "0")), limit))
    except ValueError:
        return 0


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def slots_from_cells(cells: set[str]) -> list[dict]:
    """Adjacent ticked blocks of a day become one slot: Tuesday 16–18 and 18–20 are one slot
    from 16:00 to 20:00."""
    by_day: dict[int, list[int]] = {}
    for cell in cells:
        weekday, hour = (int(part) for part in cell.split("-"))
        by_day.setdefault(weekday, []).append(hour)
    slots = []
    for weekday in sorted(by_day):
        start = end = None
        for hour in sorted(by_day[weekday]):
            if end is not None and hour == end:
                end = hour + BLOCK_HOURS
                continue
            if start is not None:
                slots.append({"weekday": weekday, "start": time(start), "end": time(end)})
            start, end = hour, hour + BLOCK_HOURS
        slots.append({"weekday": weekday, "start": time(start), "end": time(end)})
    return slots


def parse_profile(post, skills: list[Skill]) -> tuple[ProfileValues, dict, dict[str, list[str]]]:
    """(what the person sent, the service's keyword arguments, parse errors per field)."""
    errors: dict[str, list[str]] = {}
    values = ProfileValues(
        address=post.get("address", "").strip(),
        travel_radius_km=post.get("travel_radius_km", "").strip(),
        max_hours_per_week=post.get("max_hours_per_week", "").strip(),
        description=post.get("description", ""),
        skills=set(post.getlist("skills")),
        cells=set(post.getlist("availability")),
        cells_shown=post.get("availability_shown", ""),
    )
    data: dict = {"address": values.address, "description": values.description}

    radius = values.travel_radius_km.replace(",", ".")
    try:
        data["travel_radius_km"] = float(radius)
        if not math.isfinite(data["travel_radius_km"]):
            raise ValueError
    except ValueError:
        errors["travel_radius_km"] = [_("Enter a number of kilometres, for example 5.")]
    try:
        data["max_hours_per_week"] = int(values.max_hours_per_week)
    except ValueError:
        errors["max_hours_per_week"] = [_("Enter a whole number of hours, for example 4.")]
    if len(values.description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [
            _("At most %(limit)s characters, please.") % {"limit": DESCRIPTION_MAX_LENGTH}
        ]

    by_slug = {skill.slug: skill for skill in skills}
    if values.skills - set(by_slug):
        errors["skills"] = [_("Choose skills from the list.")]
    data["skills"] = [by_slug[slug] for slug in sorted(values.skills) if slug in by_slug]

    languages = []
    for number in range(_rows(post, "language_rows", MAX_LANGUAGE_ROWS)):
        code = post.get(f"language_code_{number}", "").strip()
        level = post.get(f"language_level_{number}", "").strip()
        values.languages.append((code, level))
        if not code and not level:
            continue
        if not is_language_code(code) or level not in LanguageLevel.values:
            errors["languages"] = [_("Choose a language and a level in each row you use.")]
            continue
        languages.append({"code": code, "level": level})
    data["languages"] = languages

    periods = []
    for number in range(_rows(post, "away_rows", MAX_AWAY_ROWS)):
        start_text = post.get(f"away_start_{number}", "").strip()
        end_text = post.get(f"away_end_{number}", "").strip()
        values.away_periods.append((start_text, end_text))
        if not start_text and not end_text:
            continue
        start, end = _date(start_text), _date(end_text)
        if start is None or end is None:
            errors["away_periods"] = [_("Give both days of each period you are away.")]
            continue
        periods.append({"start": start, "end": end})
    data["away_periods"] = periods

    known = {cell_value(w, h) for w in range(7) for h in BLOCK_STARTS}
    if values.cells - known:
        errors["availability"] = [_("Tick the times in the grid.")]
    else:
        data["availability"] = slots_from_cells(values.cells)
        shown = {cell for cell in values.cells_shown.split(",") if cell}
        data["availability_changed"] = values.cells != shown
    return values, data, errors


def slot_rows_of(profile) -> list[AvailabilitySlot]:
    return list(profile.availability.all()) if profile is not None else []
