"""Hard constraints: whether one need/offer pair may be matched at all, and if not, why.

Every check returns the first failing `Reason` in a fixed order (`CHECK_ORDER`), or None when
the pair is feasible. The order runs from "far off" to "nearly fits", so that diagnostics can
report the nearest miss among all offers around a need.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from .jobs import JOBS_CHECK_ORDER
from .types import (
    Flat,
    GoodsNeed,
    GoodsOffer,
    Household,
    Kind,
    Reason,
    Shift,
    Volunteer,
    WeeklySlot,
)

GOODS_CHECK_ORDER: tuple[Reason, ...] = (
    Reason.OUT_OF_RANGE,
    Reason.WRONG_CATEGORY,
    Reason.WRONG_ATTRIBUTES,
    Reason.ALL_RESERVED,
)
VOLUNTEER_CHECK_ORDER: tuple[Reason, ...] = (
    Reason.OUT_OF_RANGE,
    Reason.SHIFT_OVER,
    Reason.MISSING_SKILLS,
    Reason.NO_CERTIFICATE,
    Reason.NO_SHARED_LANGUAGE,
    Reason.NOT_AVAILABLE,
    Reason.OVERLAPPING_SHIFT,
    Reason.HOURS_EXCEEDED,
    Reason.ALL_RESERVED,
)
HOUSING_CHECK_ORDER: tuple[Reason, ...] = (
    Reason.OUT_OF_RANGE,
    Reason.TOO_SMALL,
    Reason.RENT_TOO_HIGH,
    Reason.NOT_STEP_FREE,
    Reason.NO_PETS,
    Reason.NOT_AVAILABLE_IN_TIME,
    Reason.STAY_TOO_SHORT,
)
CHECK_ORDER: dict[Kind, tuple[Reason, ...]] = {
    Kind.GOODS: GOODS_CHECK_ORDER,
    Kind.VOLUNTEERS: VOLUNTEER_CHECK_ORDER,
    Kind.HOUSING: HOUSING_CHECK_ORDER,
    Kind.JOBS: JOBS_CHECK_ORDER,
}

# Float slack for comparisons of hours and metres that come out of arithmetic.
_EPS = 1e-9
_DAY_SECONDS = 24 * 3600


# --- goods -------------------------------------------------------------------------------


def goods_distance_limit(need: GoodsNeed, offer: GoodsOffer) -> float:
    """The reach of a goods pair: the donor's radius and the need's distance, whichever is less."""
    return min(need.max_distance_m, offer.radius_m)


def _norm(value: object) -> str:
    return str(value).strip().casefold()


def wanted_attributes(need_attrs: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The attributes a need asks for, normalised: one it leaves out or blank accepts any."""
    return tuple(
        (key, _norm(wanted))
        for key, wanted in need_attrs.items()
        if wanted is not None and _norm(wanted) != ""
    )


def offered_attributes(offer_attrs: Mapping[str, str]) -> dict[str, str]:
    """The attributes an offer states, normalised; one without a value is not stated."""
    return {key: _norm(value) for key, value in offer_attrs.items() if value is not None}


def attributes_match(need_attrs: Mapping[str, str], offer_attrs: Mapping[str, str]) -> bool:
    """Every attribute the need names (non-empty) must equal the offer's, loosely compared.

    A need that leaves an attribute out (or blank) accepts any value; an offer that does not
    state an attribute the need asks for does not fit, since we cannot promise the size.
    """
    offered = offered_attributes(offer_attrs)
    return all(offered.get(key) == wanted for key, wanted in wanted_attributes(need_attrs))


def goods_reason(need: GoodsNeed, offer: GoodsOffer, distance_m: float) -> Reason | None:
    """The first hard constraint a goods pair fails (GOODS_CHECK_ORDER), or None if feasible."""
    if distance_m > goods_distance_limit(need, offer) + _EPS:
        return Reason.OUT_OF_RANGE
    if offer.category_id not in need.accepted_category_ids:
        return Reason.WRONG_CATEGORY
    if not attributes_match(need.attributes, offer.attributes):
        return Reason.WRONG_ATTRIBUTES
    if offer.quantity_open <= 0 or need.quantity_open <= 0:
        return Reason.ALL_RESERVED
    return None


# --- volunteers ---------------------------------------------------------------------------


def volunteer_distance_limit(shift: Shift, volunteer: Volunteer) -> float:
    """The reach of a shift/volunteer pair: the smaller of both radii."""
    return min(shift.max_distance_m, volunteer.radius_m)


def shift_hours(start: datetime, end: datetime) -> float:
    """Length of a shift in hours (elapsed time, so DST changes count correctly)."""
    return max(0.0, (end - start).total_seconds() / 3600.0)


def iso_week(moment: datetime, tz: tzinfo) -> tuple[int, int]:
    """(ISO year, ISO week) of a moment in local time: weekly hours are counted per this key."""
    iso = moment.astimezone(tz).isocalendar()
    return (iso[0], iso[1])


def hours_in_week(
    week: tuple[int, int], booked: Iterable[tuple[datetime, datetime]], tz: tzinfo
) -> float:
    """Hours of the booked shifts whose start falls in `week` (local ISO week of the start)."""
    return sum(shift_hours(s, e) for s, e in booked if iso_week(s, tz) == week)


def overlaps(start: datetime, end: datetime, booked: Iterable[tuple[datetime, datetime]]) -> bool:
    """True if [start, end) meets any booked interval; shifts that only touch do not overlap."""
    return any(s < end and start < e for s, e in booked)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _slot_spans(slot: WeeklySlot) -> list[tuple[int, int, int]]:
    """(weekday, start second, end second) pieces of a weekly slot.

    An end of 00:00 means midnight at the end of the day (a slot 18:00-00:00 is the evening).
    An end before the start (22:00-02:00) wraps into the next weekday. A slot whose start
    equals its end (other than 00:00-00:00, the whole day) covers nothing.
    """
    start, end = _seconds(slot.start), _seconds(slot.end)
    if end == 0:
        return [(slot.weekday, start, _DAY_SECONDS)]
    if end > start:
        return [(slot.weekday, start, end)]
    if end == start:
        return []
    return [(slot.weekday, start, _DAY_SECONDS), ((slot.weekday + 1) % 7, 0, end)]


def _local_days(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[date, int, int]]:
    """The local calendar days a shift touches, with the covered seconds on each day.

    Works on local wall-clock time: a shift 22:00-02:00 yields (day 1, 22:00-24:00) and
    (day 2, 00:00-02:00). A shift ending exactly at midnight does not touch the next day.
    """
    local_start = start.astimezone(tz).replace(tzinfo=None)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    if local_end <= local_start:
        # Zero-length (or inverted by a DST fold): judge it by its start moment alone.
        local_end = local_start + timedelta(seconds=1)
    days = []
    day = local_start.date()
    while True:
        day_start = datetime.combine(day, time(0))
        day_end = day_start + timedelta(days=1)
        if day_start >= local_end:
            break
        seg_start = max(local_start, day_start)
        seg_end = min(local_end, day_end)
        days.append(
            (
                day,
                int((seg_start - day_start).total_seconds()),
                int((seg_end - day_start).total_seconds()),
            )
        )
        day += timedelta(days=1)
    return days


def is_available(volunteer: Volunteer, start: datetime, end: datetime, tz: tzinfo) -> bool:
    """Whether the weekly slots cover the whole shift and no day of it is in an away period.

    Each local day the shift touches must be covered by a single slot on that weekday; a shift
    across midnight therefore needs a slot to midnight on the first day and one from midnight
    on the next.
    """
    spans: dict[int, list[tuple[int, int]]] = {}
    for slot in volunteer.slots:
        for weekday, s, e in _slot_spans(slot):
            spans.setdefault(weekday, []).append((s, e))
    for day, seg_start, seg_end in _local_days(start, end, tz):
        if any(a <= day <= b for a, b in volunteer.away):
            return False
        if not any(s <= seg_start and seg_end <= e for s, e in spans.get(day.weekday(), ())):
            return False
    return True


def has_certificate_for(shift: Shift, volunteer: Volunteer) -> bool:
    """A need that works with children takes only volunteers whose certificate of conduct
    still counts on the day of the shift; other needs take anyone."""
    if shift.certificate_since is None:
        return True
    return volunteer.certificate_date is not None and (
        volunteer.certificate_date >= shift.certificate_since
    )


def volunteer_reason(
    shift: Shift,
    volunteer: Volunteer,
    distance_m: float,
    *,
    now: datetime,
    tz: tzinfo,
    booked_extra: Iterable[tuple[datetime, datetime]] = (),
) -> Reason | None:
    """The first hard constraint a shift/volunteer pair fails (VOLUNTEER_CHECK_ORDER), or None.

    `booked_extra` are shifts the volunteer would also hold (other allocations of the same
    batch); they block overlaps and count against the weekly hours like `volunteer.booked`.
    """
    if distance_m > volunteer_distance_limit(shift, volunteer) + _EPS:
        return Reason.OUT_OF_RANGE
    if shift.start <= now:
        return Reason.SHIFT_OVER
    if not shift.required_skills <= volunteer.skills:
        return Reason.MISSING_SKILLS
    if not has_certificate_for(shift, volunteer):
        return Reason.NO_CERTIFICATE
    if shift.languages and not (shift.languages & set(volunteer.languages)):
        return Reason.NO_SHARED_LANGUAGE
    if not is_available(volunteer, shift.start, shift.end, tz):
        return Reason.NOT_AVAILABLE
    booked = list(volunteer.booked) + list(booked_extra)
    if overlaps(shift.start, shift.end, booked):
        return Reason.OVERLAPPING_SHIFT
    week = iso_week(shift.start, tz)
    already = hours_in_week(week, booked, tz)
    if already + shift_hours(shift.start, shift.end) > volunteer.max_hours_per_week + _EPS:
        return Reason.HOURS_EXCEEDED
    if shift.people_open <= 0:
        return Reason.ALL_RESERVED
    return None


# --- housing ------------------------------------------------------------------------------


def whole_months(start: date, end_inclusive: date) -> int:
    """Full calendar months from `start` through `end_inclusive` (the last day available).

    1 Jan through 31 Mar is 3 months; 15 Jan through 13 Feb is 0.
    """
    end = end_inclusive + timedelta(days=1)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(0, months)


def housing_reason(
    household: Household, flat: Flat, distance_m: float, *, move_in_tolerance_days: int = 30
) -> Reason | None:
    """The first hard constraint a household/flat pair fails (HOUSING_CHECK_ORDER), or None.

    The flat may become free up to `move_in_tolerance_days` after the wanted move-in date; the
    stay starts at the later of both dates.
    """
    if distance_m > household.max_distance_m + _EPS:
        return Reason.OUT_OF_RANGE
    if household.persons > flat.max_occupants:
        return Reason.TOO_SMALL
    if flat.warm_rent > household.rent_ceiling + _EPS:
        return Reason.RENT_TOO_HIGH
    if household.needs_step_free and not flat.step_free:
        return Reason.NOT_STEP_FREE
    if household.has_pets and not flat.pets_allowed:
        return Reason.NO_PETS
    start = max(household.move_in_date, flat.available_from)
    if flat.available_from > household.move_in_date + timedelta(days=move_in_tolerance_days):
        return Reason.NOT_AVAILABLE_IN_TIME
    if flat.available_until is not None and flat.available_until < start:
        return Reason.NOT_AVAILABLE_IN_TIME
    if (
        household.min_stay_months is not None
        and flat.available_until is not None
        and whole_months(start, flat.available_until) < household.min_stay_months
    ):
        return Reason.STAY_TOO_SHORT
    return None
