"""Jobs: an employer's job or training places (the need side) and a person looking for work
(the offer side). Plain records, the hard constraints with their reasons, and the score.

Nothing here knows about Django; `matching.kinds.jobs` builds the records from rows. German
levels are CEFR steps as numbers (A1 = 1 … C2 = 6, 0 = none), so "at least" is a comparison.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .types import Reason

CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
NO_GERMAN = 0

# What a person may do, as they state it and as a job is open to: a work permit in hand, or
# employment that the authorities must approve first. Never legal advice: both sides state it
# and a coordinator may correct it.
PERMIT = "permit"
APPROVAL = "approval"
RESIDENCE_OPTIONS: tuple[str, ...] = (PERMIT, APPROVAL)

RECOGNISED = "recognised"
IN_RECOGNITION = "in_recognition"
NOT_RECOGNISED = "none"

# How long before a full score for experience in the occupation.
FULL_EXPERIENCE_YEARS = 5.0
# A person who waited this long gets the full waiting points.
FULL_WAITING_DAYS = 60.0

JOBS_CHECK_ORDER: tuple[Reason, ...] = (
    Reason.OUT_OF_RANGE,
    Reason.OTHER_OCCUPATION,
    Reason.HOURS_DIFFER,
    Reason.RESIDENCE_DOES_NOT_FIT,
    Reason.GERMAN_TOO_LOW,
    Reason.NO_SHARED_LANGUAGE,
    Reason.NOT_RECOGNISED,
    Reason.STARTS_TOO_LATE,
    Reason.ALL_RESERVED,
)


def cefr_step(level: str | None) -> int:
    """`"B1"` -> 3; empty or None -> 0. ValueError for anything else."""
    if not level:
        return NO_GERMAN
    return CEFR_LEVELS.index(level.upper()) + 1


@dataclass(frozen=True, slots=True)
class Job:
    """Places of one job or training offer: the need side of a jobs match."""

    id: int
    # ISCO-08: a unit group ("5120", cooks) or a sub-major group ("51", accepts its members).
    occupation: str
    places_open: int
    remote: bool
    hours: str  # full_time, part_time, mini_job, training, internship
    start_date: date
    german_min: int  # CEFR step, 0: no German needed
    languages: frozenset[str]  # the person speaks one of them (empty: none required)
    skills: frozenset[str]
    requires_recognition: bool
    # What the job is open to (RESIDENCE_OPTIONS); `residence_irrelevant` for training places
    # where the employer says it does not matter.
    open_to: frozenset[str]
    residence_irrelevant: bool
    max_distance_m: float  # how far applicants may live (ignored when remote)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class JobSeeker:
    """A person looking for work: the offer side of a jobs match. Takes one place."""

    id: int
    experience: Mapping[str, float]  # ISCO-08 unit group -> years of experience
    german: int  # CEFR step
    languages: frozenset[str]
    skills: frozenset[str]
    hours: frozenset[str]  # the kinds of hours the person wants
    radius_m: float
    available_from: date
    recognition: str  # RECOGNISED, IN_RECOGNITION or NOT_RECOGNISED
    residence: str  # one of RESIDENCE_OPTIONS
    created_at: datetime


def occupation_years(job: Job, seeker: JobSeeker) -> float | None:
    """Years of experience the person has in the job's occupation (the most in any member
    of its group, for a job that names a group); None without any."""
    years = [
        value
        for code, value in seeker.experience.items()
        if code == job.occupation or (len(job.occupation) < 4 and code.startswith(job.occupation))
    ]
    return max(years) if years else None


def jobs_distance_limit(job: Job, seeker: JobSeeker) -> float:
    """Within both radii; a remote job is reachable from anywhere."""
    if job.remote:
        return float("inf")
    return min(job.max_distance_m, seeker.radius_m)


def residence_fits(job: Job, seeker: JobSeeker) -> bool:
    return job.residence_irrelevant or seeker.residence in job.open_to


def job_reason(
    job: Job,
    seeker: JobSeeker,
    distance_m: float,
    *,
    today: date,
    start_tolerance_days: int,
) -> Reason | None:
    """The first hard constraint the pair fails, in `JOBS_CHECK_ORDER`; None if it fits.

    A job whose start date has passed starts as soon as someone can: the person's start is
    compared with the later of the job's start and today.
    """
    if distance_m > jobs_distance_limit(job, seeker) + 1e-9:
        return Reason.OUT_OF_RANGE
    if occupation_years(job, seeker) is None:
        return Reason.OTHER_OCCUPATION
    if job.hours not in seeker.hours:
        return Reason.HOURS_DIFFER
    if not residence_fits(job, seeker):
        return Reason.RESIDENCE_DOES_NOT_FIT
    if seeker.german < job.german_min:
        return Reason.GERMAN_TOO_LOW
    if job.languages and not (job.languages & seeker.languages):
        return Reason.NO_SHARED_LANGUAGE
    if job.requires_recognition and seeker.recognition != RECOGNISED:
        return Reason.NOT_RECOGNISED
    latest_start = max(job.start_date, today) + timedelta(days=start_tolerance_days)
    if seeker.available_from > latest_start:
        return Reason.STARTS_TOO_LATE
    return None


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def job_factors(job: Job, seeker: JobSeeker, distance_m: float, *, now: datetime) -> dict:
    """Each factor in [0, 1]: distance, fit of experience and skills, language, waiting."""
    limit = jobs_distance_limit(job, seeker)
    distance = 1.0 if job.remote or limit <= 0 else _clamp(1.0 - distance_m / limit)
    years = occupation_years(job, seeker) or 0.0
    experience = _clamp(years / FULL_EXPERIENCE_YEARS)
    if job.skills:
        skills = len(job.skills & seeker.skills) / len(job.skills)
        fit = 0.7 * experience + 0.3 * skills
    else:
        fit = experience
    # German beyond what the job asks counts, up to C2; so does a required language spoken.
    headroom = len(CEFR_LEVELS) - job.german_min
    german = 1.0 if headroom <= 0 else _clamp((seeker.german - job.german_min) / headroom)
    language = 0.5 + 0.5 * german if job.german_min else 0.5 + 0.5 * _clamp(seeker.german / 3)
    waited = (now - seeker.created_at).total_seconds() / 86400.0
    waiting = _clamp(waited / FULL_WAITING_DAYS)
    return {"distance": distance, "fit": fit, "language": language, "waiting": waiting}
