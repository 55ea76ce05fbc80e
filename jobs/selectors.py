"""Reads for employers, their jobs, and people looking for work."""

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from accounts.models import Membership, Organisation, OrganisationKind, User
from jobs.models import Employer, Experience, GermanLevel, Job, JobSeeker, Occupation

# --- read functions for the web pages (issue 15; web/job_views.py) -------------------------


def employers_of(user: User) -> QuerySet[Organisation]:
    """The employers the user is an active member of, and so posts jobs for."""
    return Organisation.objects.filter(
        employer__isnull=False,
        membership__user=user,
        membership__status=Membership.Status.ACTIVE,
    ).select_related("employer")


def jobs_of_employers(user: User) -> QuerySet[Job]:
    """The jobs of every employer the user is an active member of."""
    return Job.objects.filter(organisation__in=employers_of(user)).select_related(
        "occupation", "organisation__employer"
    )


def occupation_groups(language: str) -> list[tuple[Occupation, list[Occupation]]]:
    """The taxonomy as (group, its occupations), both in ISCO-08 order; names are read with
    `Occupation.name(language)` by the caller."""
    everything = list(Occupation.objects.order_by("code"))
    members: dict[int, list[Occupation]] = {}
    for occupation in everything:
        if occupation.parent_id is not None:
            members.setdefault(occupation.parent_id, []).append(occupation)
    groups = [(group, members.get(group.pk, [])) for group in everything if group.is_group]
    return sorted(groups, key=lambda pair: pair[0].name(language).casefold())


def own_profiles(user: User) -> QuerySet[JobSeeker]:
    """The profiles a person keeps for themselves (not those they keep as a counsellor)."""
    return JobSeeker.objects.filter(created_by=user, counsellor_organisation__isnull=True)


def counselling_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations (not employers) in whose name the user may keep profiles for people."""
    return (
        Organisation.objects.filter(
            membership__user=user, membership__status=Membership.Status.ACTIVE
        )
        .exclude(kind=OrganisationKind.EMPLOYER)
        .filter(employer__isnull=True)
    )


def profiles_kept_by(user: User) -> QuerySet[JobSeeker]:
    """The profiles the user's counselling organisations keep for people who agreed (any
    counsellor of the organisation answers for them, as `job_seekers_kept_q` says)."""
    return JobSeeker.objects.filter(
        counsellor_organisation__in=counselling_organisations(user)
    ).select_related("counsellor_organisation")


def employers_to_check() -> QuerySet[Employer]:
    """Every employer, those not checked yet first (oldest first), then the checked ones."""
    checked = ExpressionWrapper(Q(checked_at__isnull=False), output_field=BooleanField())
    return Employer.objects.select_related("organisation", "checked_by").order_by(
        checked, "created_at", "pk"
    )


# --- read functions for the API (issue 15; api/jobs.py) ------------------------------------

# A job is published for everyone once a coordinator checked its employer.
CHECKED_EMPLOYER = Q(organisation__employer__checked_at__isnull=False)


def employers_by_check(*, checked: bool | None = None) -> QuerySet[Employer]:
    """Every employer, newest first; only the checked or unchecked ones if `checked` says."""
    found = Employer.objects.select_related("organisation", "checked_by").order_by(
        "-created_at", "-pk"
    )
    if checked is not None:
        found = found.filter(checked_at__isnull=not checked)
    return found


def jobs_published_or_own(jobs: QuerySet[Job], user: User, *, also=()) -> QuerySet[Job]:
    """Among `jobs`, those of checked employers, any of the user's own employers, and the
    ids in `also` (the other side of the user's accepted matches); coordinators see all."""
    if user.is_authenticated and user.is_coordinator:
        return jobs
    own = Q(organisation__in=employers_of(user)) if user.is_authenticated else Q(pk__in=[])
    return jobs.filter(CHECKED_EMPLOYER | own | Q(pk__in=also))


def jobs_in_occupation(jobs: QuerySet[Job], code: str) -> QuerySet[Job]:
    """Jobs for an occupation: a group includes its members; a unit group also finds the
    jobs that name its whole group (they accept experience in any member)."""
    code = code.strip()
    if len(code) <= 2:
        return jobs.filter(Q(occupation__code=code) | Q(occupation__parent__code=code))
    return jobs.filter(Q(occupation__code=code) | Q(occupation__children__code=code)).distinct()


def jobs_asking_german_at_most(jobs: QuerySet[Job], level: str) -> QuerySet[Job]:
    """Jobs that ask for no more German than `level` (CEFR levels sort as text), or none."""
    levels = [value for value in GermanLevel.values if value <= level.upper()]
    return jobs.filter(german_min__in=["", *levels])


def job_seekers_kept_q(user: User) -> Q:
    """Profiles the user answers for: their own, and those a counsellor organisation of
    theirs keeps for a person."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    organisations = Organisation.objects.filter(
        membership__user=user, membership__status=Membership.Status.ACTIVE
    )
    return Q(created_by=user) | Q(counsellor_organisation__in=organisations)


def job_seekers_changeable_by(user: User) -> QuerySet[JobSeeker]:
    """The profiles the user may change: those they answer for (`job_seekers_kept_q`), and
    every profile for coordinators (a person may ask the welcome centre to help with it)."""
    if user.is_authenticated and user.is_coordinator:
        return JobSeeker.objects.all()
    return JobSeeker.objects.filter(job_seekers_kept_q(user))


# A person's experience with its occupations, for lists that show many people at once.
EXPERIENCE = Prefetch("experience", queryset=Experience.objects.select_related("occupation"))


def experience_of(seeker: JobSeeker) -> list[Experience]:
    """A person's experience with its occupations, most years first (then by occupation
    code); read from the prefetch where the caller made one (`EXPERIENCE`), else fetched."""
    prefetch_related_objects([seeker], EXPERIENCE)
    return sorted(seeker.experience.all(), key=lambda row: (-row.years, row.occupation.code))


def seeker_summary(seeker: JobSeeker, language: str | None = None) -> dict:
    """What an employer may know of a person before both said yes: occupations with years of
    experience, languages, German level and district. No name, contact, place or text."""
    rows = experience_of(seeker)
    return {
        "occupations": [
            {
                "code": row.occupation.code,
                "name": row.occupation.name(language),
                "years": float(row.years),
            }
            for row in rows
        ],
        "languages": list(seeker.languages or []),
        "german_level": seeker.german_level,
        "district": seeker.district,
    }
