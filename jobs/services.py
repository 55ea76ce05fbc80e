"""Writes for employers, their job and training places, and people looking for work."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, OrganisationKind, User
from accounts.selectors import active_organisations_of
from base.errors import NOT_ALLOWED, ApplicationError
from jobs.models import EARLIEST_DATE, Employer, Experience, Job, JobSeeker, Occupation
from lifecycle.services import FieldErrors, create_record, update_record

# A start this far back is a typo (a wrong year), not "as soon as possible".
PAST_TOLERANCE = timedelta(days=92)
# Nobody plans a job or a start more than two years ahead; further is a typo too.
FUTURE_LIMIT = timedelta(days=2 * 366)


def _check_start(value: date | None, name: str, today: date) -> None:
    """Plausibility of a date being set now (the model refuses years before 2000)."""
    if value is None or value < EARLIEST_DATE:
        return
    if value > today + FUTURE_LIMIT:
        raise ApplicationError({name: _("Please check the year: the date lies too far ahead.")})
    if value < today - PAST_TOLERANCE:
        raise ApplicationError(
            {
                name: _(
                    "This date lies more than three months in the past. Please check the "
                    "year, or give today's date if the start can be at once."
                )
            }
        )


def _occupation(code: str, *, field: str, unit_only: bool) -> Occupation:
    occupation = Occupation.objects.filter(code=str(code).strip()).first()
    if occupation is None:
        raise ApplicationError({field: _("Unknown occupation “%(code)s”.") % {"code": code}})
    if unit_only and occupation.is_group:
        raise ApplicationError(
            {field: _("Choose an occupation, not a group of occupations, for experience.")}
        )
    return occupation


# --- employers ------------------------------------------------------------------------


@transaction.atomic
def register_employer(*, organisation: Organisation) -> Employer:
    """The organisation offers work; its jobs wait for a coordinator's check. Idempotent."""
    employer, _created = Employer.objects.get_or_create(organisation=organisation)
    return employer


@transaction.atomic
def create_employer(*, user: User, name: str, city: str = "", email: str = "") -> Employer:
    """A person registers a company: a new organisation of which they are the admin."""
    name = name.strip()
    if not name:
        raise ApplicationError({"name": _("Please give the company's name.")})
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ApplicationError({"name": _("An organisation of this name is registered already.")})
    organisation = Organisation.objects.create(
        name=name, kind=OrganisationKind.EMPLOYER, city=city.strip(), email=email.strip()
    )
    Membership.objects.create(user=user, organisation=organisation, is_admin=True)
    return register_employer(organisation=organisation)


def _employer_jobs_to_match(employer: Employer) -> None:
    for job in Job.objects.filter(organisation_id=employer.organisation_id):
        job.request_matching()


@transaction.atomic
def check_employer(*, employer: Employer, coordinator: User) -> Employer:
    """A coordinator has checked the employer: its open jobs are matched from now on."""
    if not coordinator.is_coordinator:
        raise ApplicationError(_("Only coordinators check employers."), code=NOT_ALLOWED)
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if locked.checked_at is None:
        locked.checked_at = timezone.now()
        locked.checked_by = coordinator
        locked.save(update_fields=["checked_at", "checked_by"])
        _employer_jobs_to_match(locked)
    return locked


@transaction.atomic
def withdraw_employer_check(*, employer: Employer, coordinator: User) -> Employer:
    """The check no longer stands: the employer's jobs are not matched (proposals already
    made are refused at approval, `matching.kinds.jobs`)."""
    if not coordinator.is_coordinator:
        raise ApplicationError(_("Only coordinators check employers."), code=NOT_ALLOWED)
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    locked.checked_at = None
    locked.checked_by = None
    locked.save(update_fields=["checked_at", "checked_by"])
    return locked


# --- jobs --------------------------------------------------------------------------------


def employer_to_post_for(user: User, organisation: Organisation | None) -> Organisation:
    """The employer a job is posted for: the one given if the user is an active member of it,
    else the user's first employer."""
    employers = Organisation.objects.filter(
        employer__isnull=False,
        membership__user=user,
        membership__status=Membership.Status.ACTIVE,
    )
    if organisation is None:
        organisation = employers.order_by("pk").first()
        if organisation is None:
            raise ApplicationError({"organisation": _("Only members of an employer post jobs.")})
    elif not employers.filter(pk=organisation.pk).exists():
        raise ApplicationError({"organisation": _("You are not a member of this employer.")})
    return organisation


@transaction.atomic
def create_job(
    *,
    user: User,
    title: str,
    address: str,
    occupation: str,
    places: int,
    hours: str,
    start_date: date,
    organisation: Organisation | None = None,
    description: str = "",
    remote: bool = False,
    pay_min: Decimal | None = None,
    pay_max: Decimal | None = None,
    pay_period: str = "month",
    german_min: str = "",
    languages: list[str] | None = None,
    skills: list[str] | None = None,
    requires_recognition: bool = False,
    open_to: list[str] | None = None,
    residence_irrelevant: bool = False,
    max_distance_km: float = 30,
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> Job:
    """Members of an employer post its jobs; they are matched once the employer is checked."""
    errors = FieldErrors()
    organisation = errors.check(employer_to_post_for, user, organisation)
    found = errors.check(_occupation, occupation, field="occupation", unit_only=False)
    errors.check(_check_start, start_date, "start_date", timezone.localdate())
    job = Job(
        organisation=organisation,
        created_by=user,
        title=title,
        description=description,
        address=address,
        occupation=found,
        places=places,
        places_open=places,
        remote=remote,
        hours=hours,
        start_date=start_date,
        pay_min=pay_min,
        pay_max=pay_max,
        pay_period=pay_period,
        german_min=(german_min or "").upper() if isinstance(german_min, str) else german_min,
        languages=languages or [],
        skills=_skills(skills),
        requires_recognition=requires_recognition,
        open_to=sorted(set(open_to or [])),
        residence_irrelevant=residence_irrelevant,
        max_distance_km=max_distance_km,
    )
    return create_record(
        job, user=user, draft=draft, latitude=latitude, longitude=longitude, errors=errors
    )


def _skills(skills: list[str] | None) -> list[str]:
    return sorted({str(skill).strip().lower() for skill in skills or [] if str(skill).strip()})


def _adjust_job(record: Job, changes: dict) -> None:
    if "start_date" in changes:
        _check_start(record.start_date, "start_date", timezone.localdate())
    if "skills" in changes:
        record.skills = _skills(record.skills)
    if "german_min" in changes and isinstance(record.german_min, str):
        record.german_min = record.german_min.upper()
    if "places" in changes:
        before = Job.objects.values("places", "places_open").get(pk=record.pk)
        held = before["places"] - before["places_open"]
        if isinstance(record.places, int) and record.places < held:
            raise ApplicationError(
                {
                    "places": _("%(held)s places are held by matches; the job cannot have fewer.")
                    % {"held": held}
                }
            )
        if isinstance(record.places, int):
            record.places_open = record.places - held


def update_job(*, record: Job, user: User, **changes) -> Job:
    if "occupation" in changes and not isinstance(changes["occupation"], Occupation):
        changes["occupation"] = _occupation(
            changes["occupation"], field="occupation", unit_only=False
        )
    return update_record(record, user=user, changes=changes, adjust=_adjust_job)


@transaction.atomic
def correct_residence(
    *, record: Job, coordinator: User, open_to: list[str], residence_irrelevant: bool
) -> Job:
    """A coordinator corrects whom a job is open to (what the employer stated was wrong)."""
    if not coordinator.is_coordinator:
        raise ApplicationError(_("Only coordinators correct this."), code=NOT_ALLOWED)
    return update_record(
        record,
        user=coordinator,
        changes={"open_to": sorted(set(open_to)), "residence_irrelevant": residence_irrelevant},
    )


# --- people looking for work ---------------------------------------------------------------


def _experience_rows(experience: list[dict] | None) -> list[tuple[Occupation, Decimal]]:
    """[{"occupation": "5120", "years": 3}, …] -> rows; a field error names what is wrong."""
    rows: list[tuple[Occupation, Decimal]] = []
    seen: set[str] = set()
    for item in experience or []:
        code = str(item.get("occupation", "")).strip()
        occupation = _occupation(code, field="experience", unit_only=True)
        if code in seen:
            raise ApplicationError({"experience": _("Each occupation may be given only once.")})
        seen.add(code)
        try:
            years = Decimal(str(item.get("years", 0)))
        except ArithmeticError:
            years = Decimal("-1")
        if not years.is_finite() or years < 0 or years > 60:
            raise ApplicationError(
                {"experience": _("Give the years of experience as a number from 0 to 60.")}
            )
        rows.append((occupation, years.quantize(Decimal("0.1"))))
    if not rows:
        raise ApplicationError(
            {"experience": _("Name at least one occupation you have worked in or trained for.")}
        )
    return rows


def _write_experience(seeker: JobSeeker, rows: list[tuple[Occupation, Decimal]]) -> None:
    Experience.objects.filter(job_seeker=seeker).delete()
    Experience.objects.bulk_create(
        Experience(job_seeker=seeker, occupation=occupation, years=years)
        for occupation, years in rows
    )


def _check_counsellor(
    user: User, organisation: Organisation | None, consent_on: date | None
) -> None:
    if organisation is None:
        return
    if not active_organisations_of(user).filter(pk=organisation.pk).exists():
        raise ApplicationError(
            {"counsellor_organisation": _("You are not a member of this organisation.")}
        )
    if consent_on is None:
        raise ApplicationError(
            {
                "consent_on": _(
                    "Record the day the person agreed that you keep this profile for them."
                )
            }
        )
    if consent_on > timezone.localdate():
        raise ApplicationError({"consent_on": _("The consent cannot lie in the future.")})


@transaction.atomic
def create_job_seeker(
    *,
    user: User,
    address: str,
    experience: list[dict],
    hours_wanted: list[str],
    available_from: date,
    residence: str,
    german_level: str = "",
    languages: list[str] | None = None,
    skills: list[str] | None = None,
    travel_radius_km: float = 15,
    recognition: str = "none",
    description: str = "",
    counsellor_organisation: Organisation | None = None,
    consent_on: date | None = None,
    person_name: str = "",
    person_phone: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    draft: bool = False,
) -> JobSeeker:
    """A person keeps their own profile; a counsellor of a registered organisation may keep
    one for a person who agreed (the day is recorded)."""
    errors = FieldErrors()
    rows = errors.check(_experience_rows, experience)
    errors.check(_check_counsellor, user, counsellor_organisation, consent_on)
    errors.check(_check_start, available_from, "available_from", timezone.localdate())
    if counsellor_organisation is not None and not person_name.strip():
        errors.errors.setdefault("person_name", []).append(
            _("Give the name of the person you keep this profile for.")
        )
    seeker = JobSeeker(
        created_by=user,
        counsellor_organisation=counsellor_organisation,
        consent_on=consent_on if counsellor_organisation is not None else None,
        person_name=person_name,
        person_phone=person_phone,
        address=address,
        german_level=(german_level or "").upper() if isinstance(german_level, str) else "",
        languages=languages or [],
        skills=_skills(skills),
        hours_wanted=sorted(set(hours_wanted or [])),
        travel_radius_km=travel_radius_km,
        available_from=available_from,
        recognition=recognition,
        residence=residence,
        description=description,
    )
    if not hours_wanted:
        errors.errors.setdefault("hours_wanted", []).append(
            _("Choose at least one kind of work: full time, part time, mini-job, training …")
        )
    return create_record(
        seeker,
        user=user,
        draft=draft,
        latitude=latitude,
        longitude=longitude,
        errors=errors,
        related=lambda saved: _write_experience(saved, rows or []),
    )


def _adjust_seeker(record: JobSeeker, changes: dict) -> None:
    if "available_from" in changes:
        _check_start(record.available_from, "available_from", timezone.localdate())
    if "skills" in changes:
        record.skills = _skills(record.skills)
    if "german_level" in changes and isinstance(record.german_level, str):
        record.german_level = record.german_level.upper()
    if "hours_wanted" in changes:
        if not record.hours_wanted:
            raise ApplicationError(
                {"hours_wanted": _("Choose at least one kind of work: full time, part time …")}
            )
        record.hours_wanted = sorted(set(record.hours_wanted))


@transaction.atomic
def update_job_seeker(
    *, record: JobSeeker, user: User, experience: list[dict] | None = None, **changes
) -> JobSeeker:
    rows = _experience_rows(experience) if experience is not None else None
    updated = update_record(record, user=user, changes=changes, adjust=_adjust_seeker)
    if rows is not None:
        _write_experience(updated, rows)
        updated.request_matching()
    return updated
