"""Plain records the core works on; the adapter builds them from database rows.

Distances are metres, times are timezone-aware datetimes, money is float euros. Nothing here
knows about Django.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

INFINITY = float("inf")


class Kind(StrEnum):
    GOODS = "goods"
    VOLUNTEERS = "volunteers"
    HOUSING = "housing"
    JOBS = "jobs"


class Reason(StrEnum):
    """Why a pair is not feasible, or why a need stays unmet (diagnostics).

    Values are stable codes for the API; the adapter translates them into sentences.
    """

    NOTHING_IN_RANGE = "nothing_in_range"  # no offer of any sort within reach
    OUT_OF_RANGE = "out_of_range"  # beyond the smaller of the two radii
    WRONG_CATEGORY = "wrong_category"
    WRONG_ATTRIBUTES = "wrong_attributes"  # size, age group … differ
    ALL_RESERVED = "all_reserved"  # fitting offers exist, their capacity is held by matches
    OUTSCORED = "outscored"  # fitting and free offers went to needs with a better score
    MISSING_SKILLS = "missing_skills"
    NO_CERTIFICATE = "no_certificate"  # works with children; no certificate of conduct
    # that still counts on the day of the shift
    NO_SHARED_LANGUAGE = "no_shared_language"
    NOT_AVAILABLE = "not_available"  # weekly slots do not cover the shift, or away
    OVERLAPPING_SHIFT = "overlapping_shift"  # already booked for a shift at that time
    HOURS_EXCEEDED = "hours_exceeded"  # the shift would pass the volunteer's weekly hours
    SHIFT_OVER = "shift_over"  # the shift has started or ended
    TOO_SMALL = "too_small"  # more people than the flat takes
    RENT_TOO_HIGH = "rent_too_high"
    NOT_STEP_FREE = "not_step_free"
    NO_PETS = "no_pets"
    NOT_AVAILABLE_IN_TIME = "not_available_in_time"  # flat free too late / ends too soon
    STAY_TOO_SHORT = "stay_too_short"  # the flat's shortest stay is longer than wanted, or
    # the household's shortest stay is longer than the flat is available
    OTHER_OCCUPATION = "other_occupation"  # no experience in the job's occupation or group
    HOURS_DIFFER = "hours_differ"  # full time, part time, mini-job … not what is wanted
    GERMAN_TOO_LOW = "german_too_low"  # below the job's CEFR level
    STARTS_TOO_LATE = "starts_too_late"  # the person can start only after the job's start
    RESIDENCE_DOES_NOT_FIT = "residence_does_not_fit"  # the job is not open to what the
    # person may do (a permit in hand, or employment with the authorities' approval)
    NOT_RECOGNISED = "not_recognised"  # the job needs a recognised qualification


# --- goods -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoodsNeed:
    id: int
    category_id: int
    # Every category the need accepts: its own and all below it.
    accepted_category_ids: frozenset[int]
    attributes: Mapping[str, str]
    quantity_open: int
    max_distance_m: float
    deadline: date | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GoodsOffer:
    id: int
    category_id: int
    attributes: Mapping[str, str]
    quantity_open: int
    radius_m: float
    condition: str  # new, like_new, good, used
    created_at: datetime


# --- volunteers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shift:
    """One shift of a volunteer need: the need side of a volunteer match."""

    id: int
    need_id: int
    start: datetime
    end: datetime
    people_open: int
    required_skills: frozenset[str]  # slugs; the volunteer needs all of them
    languages: frozenset[str]  # ISO codes; the volunteer needs one of them (empty: any)
    max_distance_m: float
    created_at: datetime  # of the need
    # The need works with children: the volunteer needs a certificate of conduct dated on or
    # after this day (its validity counted back from the shift's day). None: no certificate.
    certificate_since: date | None = None


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    weekday: int  # 0 = Monday, as date.weekday()
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A volunteer profile: the offer side of a volunteer match."""

    id: int
    skills: frozenset[str]
    languages: Mapping[str, str]  # code -> level (basic, conversational, fluent, native)
    slots: tuple[WeeklySlot, ...]  # local time, Europe/Berlin
    away: tuple[tuple[date, date], ...]  # inclusive
    radius_m: float
    max_hours_per_week: float
    # Shifts already held by the volunteer's live matches: (start, end). They block
    # overlapping shifts and count against the weekly hours (ISO week of the start).
    booked: tuple[tuple[datetime, datetime], ...] = ()
    created_at: datetime | None = None
    # The date of the newest certificate of conduct a coordinator has seen (not withdrawn).
    certificate_date: date | None = None


# --- housing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Household:
    id: int
    adults: int
    children: int
    rent_ceiling: float
    needs_step_free: bool
    has_pets: bool
    move_in_date: date
    max_distance_m: float
    min_stay_months: int | None
    created_at: datetime

    @property
    def persons(self) -> int:
        return self.adults + self.children


@dataclass(frozen=True, slots=True)
class Flat:
    id: int
    rooms: float
    size_m2: int | None
    warm_rent: float
    max_occupants: int
    step_free: bool
    pets_allowed: bool
    available_from: date
    available_until: date | None
    min_stay_months: int | None
    created_at: datetime


# --- allocation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edge:
    """A feasible, scored pair: need `need_id` may be served by offer `offer_id`.

    `score` is in (0, 1] and counts per unit allocated (one item, one person on a shift, one
    flat). `breakdown` is what a coordinator reads: factor -> points, summing to `score`.
    """

    need_id: int
    offer_id: int
    score: float
    distance_m: float
    breakdown: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    """One batch: capacities of both sides and the feasible edges between them.

    `need_arrival` and `offer_arrival` order records for the first-come baselines (earlier
    first): usually their creation times as timestamps.
    """

    need_capacity: Mapping[int, int]
    offer_capacity: Mapping[int, int]
    edges: tuple[Edge, ...]
    need_arrival: Mapping[int, float] = field(default_factory=dict)
    offer_arrival: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Allocation:
    need_id: int
    offer_id: int
    quantity: int
    score: float
    distance_m: float
    breakdown: Mapping[str, float] = field(default_factory=dict)


def total_score(allocations: "list[Allocation] | tuple[Allocation, ...]") -> float:
    """The objective every allocator is compared by: score per unit times units."""
    return sum(a.score * a.quantity for a in allocations)
