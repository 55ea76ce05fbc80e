"""Writes for volunteer profiles and volunteer needs.

Nested rows (weekly availability, away periods, shifts) are given as lists of plain dicts and,
on update, replace the record's rows as a whole. Every check runs before the first write, and
everything happens in one transaction, so bad input writes nothing.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from accounts.selectors import initiative_to_post_for
from base.errors import NOT_ALLOWED, ApplicationError
from lifecycle.services import FieldErrors, create_record, update_record
from volunteers.models import (
    AvailabilitySlot,
    AwayPeriod,
    Shift,
    Skill,
    VolunteerNeed,
    VolunteerProfile,
)

# Dates before this are typing mistakes ("1900", "0024"), not plans.
EARLIEST_YEAR = 2000
MAX_SHIFTS = 100
MAX_SLOTS = 50
MAX_AWAY_PERIODS = 50
# A shift is one stretch of work: a night shift from 22:00 to 08:00 fits, a day and night at
# a shelter too; longer is several shifts (or a typo in the date).
MAX_SHIFT_LENGTH = timedelta(hours=24)
# Longer than this away is no longer an absence: withdraw the profile instead.
MAX_AWAY_LENGTH = timedelta(days=2 * 366)
# A date further ahead is a wrong year (3026, 2062) or junk, as housing's FUTURE_LIMIT says
# for flats. Five years rather than housing's three: plans for help are few that far out, but
# the API's published examples (and clients copying them) use dates about five years ahead.
FUTURE_LIMIT = timedelta(days=5 * 366)
ONE_PROFILE = gettext_lazy("You already have a volunteer profile; change that one instead.")


# --- nested rows -----------------------------------------------------------------------------


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


def _too_early(value: date | datetime) -> bool:
    return value.year < EARLIEST_YEAR


def _check_rows(rows: list, *, field: str, limit: int) -> None:
    if not isinstance(rows, list | tuple):
        raise ApplicationError({field: _("Give a list.")})
    if len(rows) > limit:
        raise ApplicationError(
            {field: _("At most %(limit)s entries are allowed.") % {"limit": limit}}
        )


def _clean_row(row, label: str, errors: list[str], exclude: list[str]) -> None:
    try:
        row.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors.extend(f"{label}: {message}" for message in _messages(exc))


def build_availability(slots: Iterable[dict]) -> list[AvailabilitySlot]:
    """Unsaved weekly slots from [{"weekday": 0, "start": time, "end": time}, …]."""
    slots = list(slots)
    _check_rows(slots, field="availability", limit=MAX_SLOTS)
    built, errors = [], []
    for number, data in enumerate(slots, start=1):
        label = _("Slot %(number)s") % {"number": number}
        slot = AvailabilitySlot(
            weekday=data.get("weekday"), start=data.get("start"), end=data.get("end")
        )
        _clean_row(slot, label, errors, exclude=["profile"])
        if isinstance(slot.start, time) and isinstance(slot.end, time) and slot.end <= slot.start:
            errors.append(
                _("Slot %(number)s ends before it starts. Split a slot that runs past midnight.")
                % {"number": number}
            )
        built.append(slot)
    if errors:
        raise ApplicationError({"availability": errors})
    return built


def build_away_periods(periods: Iterable[dict]) -> list[AwayPeriod]:
    """Unsaved away periods from [{"start": date, "end": date}, …]."""
    periods = list(periods)
    _check_rows(periods, field="away_periods", limit=MAX_AWAY_PERIODS)
    built, errors = [], []
    for number, data in enumerate(periods, start=1):
        label = _("Period %(number)s") % {"number": number}
        period = AwayPeriod(start=data.get("start"), end=data.get("end"))
        _clean_row(period, label, errors, exclude=["profile"])
        if not (isinstance(period.start, date) and isinstance(period.end, date)):
            built.append(period)
            continue
        if _too_early(period.start) or _too_early(period.end):
            errors.append(
                _("Period %(number)s: dates before %(year)s are not accepted.")
                % {"number": number, "year": EARLIEST_YEAR}
            )
        elif period.end < period.start:
            errors.append(_("Period %(number)s ends before it starts.") % {"number": number})
        elif period.end - period.start > MAX_AWAY_LENGTH:
            errors.append(
                _(
                    "Period %(number)s lasts more than two years; if you cannot help for that "
                    "long, withdraw your profile instead."
                )
                % {"number": number}
            )
        elif period.end > timezone.localdate() + FUTURE_LIMIT:
            errors.append(
                _("Period %(number)s: check the year; it lies too far in the future.")
                % {"number": number}
            )
        built.append(period)
    if errors:
        raise ApplicationError({"away_periods": errors})
    return built


def build_shifts(shifts: Iterable[dict], *, keep: Iterable[Shift] = ()) -> list[Shift]:
    """Unsaved shifts from [{"start": datetime, "end": datetime, "people": 3}, …].

    A new shift must not be over already. Shifts in `keep` (the need's current ones) may be
    given again unchanged even if they are over, so that a need can be edited after its
    first shift took place. Every shift lasts at most MAX_SHIFT_LENGTH and starts within
    FUTURE_LIMIT.
    """
    shifts = list(shifts)
    _check_rows(shifts, field="shifts", limit=MAX_SHIFTS)
    if not shifts:
        raise ApplicationError({"shifts": _("Give at least one shift.")})
    existing = {(s.start, s.end) for s in keep}
    now = timezone.now()
    built, errors = [], []
    for number, data in enumerate(shifts, start=1):
        label = _("Shift %(number)s") % {"number": number}
        people = data.get("people")
        shift = Shift(
            start=data.get("start"), end=data.get("end"), people=people, people_open=people
        )
        _clean_row(shift, label, errors, exclude=["need"])
        if not (isinstance(shift.start, datetime) and isinstance(shift.end, datetime)):
            built.append(shift)
            continue
        if _too_early(shift.start) or _too_early(shift.end):
            errors.append(
                _("Shift %(number)s: dates before %(year)s are not accepted.")
                % {"number": number, "year": EARLIEST_YEAR}
            )
        elif shift.end <= shift.start:
            errors.append(_("Shift %(number)s ends before it starts.") % {"number": number})
        elif shift.end - shift.start > MAX_SHIFT_LENGTH:
            errors.append(
                _("Shift %(number)s lasts more than %(hours)s hours; split it into shorter shifts.")
                % {"number": number, "hours": int(MAX_SHIFT_LENGTH.total_seconds() // 3600)}
            )
        elif shift.start > now + FUTURE_LIMIT:
            errors.append(
                _("Shift %(number)s: check the year; it lies too far in the future.")
                % {"number": number}
            )
        elif shift.end <= now and (shift.start, shift.end) not in existing:
            errors.append(_("Shift %(number)s is already over.") % {"number": number})
        built.append(shift)
    if errors:
        raise ApplicationError({"shifts": errors})
    return built


def _replace(manager, rows: list, owner_field: str, owner) -> None:
    """Delete the record's rows behind `manager` and save `rows` in their place."""
    manager.all().delete()
    for row in rows:
        setattr(row, owner_field, owner)
    manager.model.objects.bulk_create(rows)


def _check_skills(skills: Iterable[Skill], field: str) -> list[Skill]:
    skills = list(skills)
    if any(not isinstance(skill, Skill) or skill.pk is None for skill in skills):
        raise ApplicationError({field: _("Unknown skill.")})
    return skills


# --- profiles --------------------------------------------------------------------------------


@transaction.atomic
def create_volunteer_profile(
    *,
    user: User,
    address: str,
    skills: Iterable[Skill] = (),
    languages: list | None = None,
    availability: Iterable[dict] = (),
    away_periods: Iterable[dict] = (),
    travel_radius_km: float = 5,
    max_hours_per_week: int = 4,
    description: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> VolunteerProfile:
    """The user's volunteer profile; each person has one (change it with the update)."""
    if VolunteerProfile.objects.filter(user=user).exists():
        raise ApplicationError({"user": ONE_PROFILE})
    errors = FieldErrors()
    skills = errors.check(_check_skills, skills, "skills") or []
    slots = errors.check(build_availability, availability) or []
    periods = errors.check(build_away_periods, away_periods) or []
    profile = VolunteerProfile(
        user=user,
        languages=list(languages or []),
        travel_radius_km=travel_radius_km,
        max_hours_per_week=max_hours_per_week,
        description=description,
        address=address,
    )

    def write_rows(saved: VolunteerProfile) -> None:
        saved.skills.set(skills)
        _replace(saved.availability, slots, "profile", saved)
        _replace(saved.away_periods, periods, "profile", saved)

    try:
        # A savepoint, so that losing a race for the one profile per user is a field error
        # and not a broken transaction.
        with transaction.atomic():
            return create_record(
                profile,
                user=user,
                draft=draft,
                latitude=latitude,
                longitude=longitude,
                errors=errors,
                related=write_rows,
            )
    except IntegrityError as exc:
        if VolunteerProfile.objects.filter(user=user).exists():
            raise ApplicationError({"user": ONE_PROFILE}) from exc
        raise


@transaction.atomic
def update_volunteer_profile(
    *,
    record: VolunteerProfile,
    user: User,
    availability: Iterable[dict] | None = None,
    away_periods: Iterable[dict] | None = None,
    **changes,
) -> VolunteerProfile:
    """Change what is given; `availability` and `away_periods` replace the rows as a whole."""
    slots = build_availability(availability) if availability is not None else None
    periods = build_away_periods(away_periods) if away_periods is not None else None
    if "skills" in changes:
        changes["skills"] = _check_skills(changes["skills"], "skills")
    if "languages" in changes:
        changes["languages"] = list(changes["languages"] or [])
    profile = update_record(record, user=user, changes=changes)
    if slots is not None:
        _replace(profile.availability, slots, "profile", profile)
    if periods is not None:
        _replace(profile.away_periods, periods, "profile", profile)
    return profile


def renew_calendar_feed(*, record: VolunteerProfile, user: User) -> VolunteerProfile:
    """A new secret address for the volunteer's calendar feed: the version the address is
    signed with counts up, so every older address stops working. Only the volunteer may."""
    if record.user_id != user.pk:
        raise ApplicationError(
            _("Only the volunteer can renew their calendar address."), code=NOT_ALLOWED
        )
    # One conditional statement: two renewals at once both count, neither is lost.
    VolunteerProfile.objects.filter(pk=record.pk).update(
        calendar_feed_version=F("calendar_feed_version") + 1
    )
    record.refresh_from_db(fields=["calendar_feed_version"])
    return record


# --- needs -----------------------------------------------------------------------------------


@transaction.atomic
def create_volunteer_need(
    *,
    user: User,
    title: str,
    address: str,
    shifts: Iterable[dict],
    organisation: Organisation | None = None,
    description: str = "",
    required_skills: Iterable[Skill] = (),
    languages: list | None = None,
    max_distance_km: float | None = None,
    works_with_children: bool = False,
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> VolunteerNeed:
    errors = FieldErrors()
    organisation = errors.check(initiative_to_post_for, user, organisation)
    skills = errors.check(_check_skills, required_skills, "required_skills") or []
    built = errors.check(build_shifts, shifts) or []
    need = VolunteerNeed(
        organisation=organisation,
        created_by=user,
        title=title,
        description=description,
        languages=list(languages or []),
        max_distance_km=max_distance_km,
        works_with_children=bool(works_with_children),
        address=address,
    )

    def write_rows(saved: VolunteerNeed) -> None:
        saved.required_skills.set(skills)
        _replace(saved.shifts, built, "need", saved)

    return create_record(
        need,
        user=user,
        draft=draft,
        latitude=latitude,
        longitude=longitude,
        errors=errors,
        related=write_rows,
    )


@transaction.atomic
def update_volunteer_need(
    *,
    record: VolunteerNeed,
    user: User,
    shifts: Iterable[dict] | None = None,
    **changes,
) -> VolunteerNeed:
    """Change what is given; `shifts` replace the need's shifts as a whole."""
    built = build_shifts(shifts, keep=record.shifts.all()) if shifts is not None else None
    if "required_skills" in changes:
        changes["required_skills"] = _check_skills(changes["required_skills"], "required_skills")
    if "languages" in changes:
        changes["languages"] = list(changes["languages"] or [])
    with transaction.atomic():
        need = update_record(record, user=user, changes=changes)
        if built is not None:
            # update_record asked for matching already (if the need is open); the batch runs
            # after commit and sees the new shifts.
            _reconcile_shifts(need, built)
    return need


def _reconcile_shifts(need: VolunteerNeed, built: list[Shift]) -> None:
    """Put `built` in place of the need's shifts. A shift given again with the same times
    stays the same row, so its matches stay; its places may change, but not below what live
    matches hold. A shift that any match names cannot be removed: that is the match's history.
    """
    current = {(s.start, s.end): s for s in need.shifts.select_for_update()}
    given = {(s.start, s.end) for s in built}
    errors = []
    for shift in current.values():
        if (shift.start, shift.end) not in given and shift.matches.exists():
            errors.append(
                _("The shift from %(start)s has matches and cannot be removed.")
                % {"start": timezone.localtime(shift.start).strftime("%Y-%m-%d %H:%M")}
            )
    kept, new = [], []
    for number, shift in enumerate(built, start=1):
        old = current.get((shift.start, shift.end))
        if old is None:
            new.append(shift)
            continue
        # Places that matches hold are the ones no longer open.
        held = old.people - old.people_open
        if shift.people < held:
            errors.append(
                _("Shift %(number)s: %(held)s volunteers are already matched to it.")
                % {"number": number, "held": held}
            )
        old.people, old.people_open = shift.people, max(0, shift.people - held)
        kept.append(old)
    if errors:
        raise ApplicationError({"shifts": errors})
    need.shifts.exclude(pk__in=[s.pk for s in kept]).delete()
    Shift.objects.bulk_update(kept, ["people", "people_open"])
    for shift in new:
        shift.need = need
    Shift.objects.bulk_create(new)
