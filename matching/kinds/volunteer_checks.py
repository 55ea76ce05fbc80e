"""What a diagnosis reads around a volunteer need: the volunteers nearest to it within its
radius as core records, with the shifts they hold, each checked against a shift.

Plain values, not model instances with prefetches: hundreds of profiles per need would
otherwise cost more in ORM objects than the whole diagnosis.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from accounts.checks import certificate_dates
from matching import candidates as search
from matching.core import constraints
from matching.core.types import Volunteer as VolunteerRecord
from matching.kinds.base import Checks
from matching.kinds.nearby import around
from matching.kinds.rows import live_matches, need_radius_km
from matching.models import Match
from volunteers.models import AvailabilitySlot, AwayPeriod, Shift, VolunteerNeed, VolunteerProfile


@dataclass
class Volunteers:
    """The volunteers around one need, as core records, with the distance to the need and the
    shifts each holds through live matches."""

    items: list[tuple[VolunteerRecord, float]]  # (record, distance in metres)
    shifts_held: dict[int, set[int]]  # volunteer id -> shift ids of its live matches


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    """Rows (owner id, *values) grouped by owner id."""
    grouped: dict[int, list[tuple]] = defaultdict(list)
    for owner, *values in rows:
        grouped[owner].append(tuple(values))
    return grouped


def volunteers_around(need: VolunteerNeed, limit: int) -> Volunteers:
    profiles = list(
        around(VolunteerProfile, need, need_radius_km(need)).values(
            "id",
            "user_id",
            "languages",
            "travel_radius_km",
            "max_hours_per_week",
            "created_at",
            "distance",
        )[:limit]
    )
    ids = [p["id"] for p in profiles]
    certificates = certificate_dates(p["user_id"] for p in profiles)
    skills = _grouped(
        VolunteerProfile.skills.through.objects.filter(volunteerprofile_id__in=ids).values_list(
            "volunteerprofile_id", "skill__slug"
        )
    )
    slots = _grouped(
        AvailabilitySlot.objects.filter(profile_id__in=ids).values_list(
            "profile_id", "weekday", "start", "end"
        )
    )
    away = _grouped(
        AwayPeriod.objects.filter(profile_id__in=ids).values_list("profile_id", "start", "end")
    )
    live = _grouped(
        live_matches(kind=Match.Kind.VOLUNTEERS, volunteer__in=ids).values_list(
            "volunteer_id", "shift_id", "shift__start", "shift__end"
        )
    )
    items = []
    for profile in profiles:
        pk = profile["id"]
        record = search.volunteer_record(
            SimpleNamespace(**profile),
            skills=[slug for (slug,) in skills.get(pk, ())],
            slots=slots.get(pk, ()),
            away=away.get(pk, ()),
            booked=[(start, end) for _, start, end in live.get(pk, ())],
            certificate_date=certificates.get(profile["user_id"]),
        )
        items.append((record, profile["distance"].m))
    held = {pk: {shift_id for shift_id, _, _ in rows} for pk, rows in live.items()}
    return Volunteers(items=items, shifts_held=held)


def shift_checks(
    shift: Shift,
    need: VolunteerNeed,
    skills: Iterable[str],
    volunteers: Volunteers,
    now: datetime,
    tz: ZoneInfo,
) -> Checks:
    record = search.shift_record(shift, need=need, required_skills=skills)
    checks = []
    for volunteer, distance in volunteers.items:
        if shift.pk in volunteers.shifts_held.get(volunteer.id, ()):
            # Already on this shift: judge them without it (it would overlap with itself);
            # if they still fit, they are a fitting volunteer held by a match.
            others = tuple(
                (s, e) for s, e in volunteer.booked if not (s == shift.start and e == shift.end)
            )
            reason = constraints.volunteer_reason(
                record, replace(volunteer, booked=others), distance, now=now, tz=tz
            )
            checks.append((reason, 0))
            continue
        reason = constraints.volunteer_reason(record, volunteer, distance, now=now, tz=tz)
        checks.append((reason, 1))
    return checks
