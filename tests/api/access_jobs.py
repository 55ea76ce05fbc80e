"""Access rows for work: occupations, employers, jobs and people looking for work.

In these rows "member" is also an active member of an employer (`employer(world)`), which
posts the jobs; "volunteer" is a person looking for work, owning their profile; a profile a
counsellor keeps is kept by "other_member" for `world.other_initiative`.
"""

from datetime import date, timedelta

from accounts.models import OrganisationKind
from jobs.models import Employer
from matching.models import Match, MatchState
from tests.api.access import Call, Row, World, everyone, roles
from tests.factories import MembershipFactory, OrganisationFactory
from tests.jobs.factories import EmployerFactory, JobFactory, JobSeekerFactory

JOB_ADDRESS = "Prager Straße 118, 04317 Leipzig"
JOB_LAT, JOB_LON = 51.325871, 12.408339
EMPLOYER_NAME = "Bäckerei Sonnenschein"
EMPLOYER_EMAIL = "jobs@sonnenschein.example"
SEEKER_ADDRESS = "Ihmelsstraße 7, 04315 Leipzig"
SEEKER_LAT, SEEKER_LON = 51.345127, 12.417836
SEEKER_NOTES = "Ich habe in Charkiw zwölf Jahre in einer Großküche gearbeitet"
PERSON_NAME = "Olena Kowalenko"
PERSON_PHONE = "0176 5550123"


def employer(world: World, *, checked: bool = True) -> Employer:
    """The employer of world.users["member"] (made once per call of a row: looked up, as a
    row's records are rolled back after each role)."""
    found = Employer.objects.filter(organisation__name=EMPLOYER_NAME).first()
    if found is None:
        organisation = OrganisationFactory(
            name=EMPLOYER_NAME, kind=OrganisationKind.EMPLOYER, email=EMPLOYER_EMAIL
        )
        MembershipFactory(user=world.users["member"], organisation=organisation, is_admin=True)
        found = EmployerFactory(organisation=organisation)
    if not checked:
        found.checked_at = None
        found.save(update_fields=["checked_at"])
    return found


def job(world: World, **fields):
    return JobFactory(
        organisation=employer(world).organisation,
        created_by=world.users["member"],
        address=JOB_ADDRESS,
        lat=JOB_LAT,
        lon=JOB_LON,
        **fields,
    )


def seeker(world: World, **fields):
    return JobSeekerFactory(
        created_by=world.users["volunteer"],
        address=SEEKER_ADDRESS,
        lat=SEEKER_LAT,
        lon=SEEKER_LON,
        description=SEEKER_NOTES,
        **fields,
    )


def counselled(world: World, **fields):
    """A profile other_member keeps for a person, in the name of world.other_initiative."""
    return JobSeekerFactory(
        created_by=world.users["other_member"],
        counsellor_organisation=world.other_initiative,
        consent_on=date.today(),
        person_name=PERSON_NAME,
        person_phone=PERSON_PHONE,
        address=SEEKER_ADDRESS,
        lat=SEEKER_LAT,
        lon=SEEKER_LON,
        **fields,
    )


def job_markers(world: World) -> list[str]:
    # The workplace's street and exact point, the employer's email and its member's phone.
    return [JOB_ADDRESS, str(JOB_LAT), str(JOB_LON), EMPLOYER_EMAIL, "0341 111"]


def seeker_markers(world: World) -> list[str]:
    # The person's street, exact point, own words, phone and email.
    return [
        SEEKER_ADDRESS,
        str(SEEKER_LAT),
        str(SEEKER_LON),
        SEEKER_NOTES,
        "0176 444",
        "volunteer@example.org",
    ]


def counselled_markers(world: World) -> list[str]:
    return [SEEKER_ADDRESS, str(SEEKER_LAT), str(SEEKER_LON), PERSON_NAME, PERSON_PHONE]


def jobs_match(world: World, state: str) -> Match:
    return Match.objects.create(
        kind=Match.Kind.JOBS,
        job=job(world, status="partly_matched", places_open=1),
        job_seeker=seeker(world, status="partly_matched"),
        quantity=1,
        distance_m=2300,
        score=0.7,
        state=state,
    )


def new_employer(world: World) -> Call:
    return Call(body={"name": "Gärtnerei Grünfink", "city": "Leipzig"})


def new_job(world: World) -> Call:
    employer(world)
    return Call(
        body={
            "title": "Bäcker/in, Frühschicht",
            "address": "04317 Leipzig",
            "occupation": "7512",
            "places": 1,
            "hours": "full_time",
            "start_date": (date.today() + timedelta(days=10)).isoformat(),
            "open_to": ["permit"],
        }
    )


def new_seeker(world: World) -> Call:
    return Call(
        body={
            "address": "04315 Leipzig",
            "experience": [{"occupation": "5120", "years": 3}],
            "hours_wanted": ["part_time"],
            "available_from": date.today().isoformat(),
            "residence": "approval",
        }
    )


def _pk(make):
    return lambda world: Call(kwargs={"pk": make(world).pk})


PUBLIC = everyone(200)
SIGNED_IN = roles(200, anonymous=401)
COORDINATORS = roles(403, anonymous=401, coordinator=200)
# Only members of an employer post jobs; anyone else is told so (organisation field).
JOB_CREATED_BY_MEMBER = roles(400, anonymous=401, member=201)
CHANGED_BY_EMPLOYER = roles(403, anonymous=401, member=200)
DRAFT_PUBLISHED_BY_EMPLOYER = roles(404, anonymous=401, member=200, coordinator=403)
# A profile is private: for anyone but its person and coordinators it does not exist.
KEPT_BY_PERSON = roles(404, anonymous=401, volunteer=200, coordinator=200)
KEPT_BY_COUNSELLOR = roles(404, anonymous=401, other_member=200, coordinator=200)
MATCH_SEEN_BY_SIDES = roles(404, anonymous=401, member=200, volunteer=200, coordinator=200)

ROWS = [
    Row("occupations", "get", lambda w: Call(), PUBLIC),
    # employers
    Row(
        "employers",
        "get",
        lambda w: employer(w) and Call(),
        COORDINATORS,
        exact_for={"coordinator"},
        exact_markers=lambda w: [EMPLOYER_EMAIL],
    ),
    Row("employers", "post", new_employer, roles(201, anonymous=401)),
    Row("employers-check", "post", _pk(lambda w: employer(w, checked=False)), COORDINATORS),
    Row("employers-uncheck", "post", _pk(employer), COORDINATORS),
    # jobs, posted by the employer of "member"
    Row(
        "jobs",
        "get",
        lambda w: job(w) and Call(),
        PUBLIC,
        exact_for={"member", "coordinator"},
        exact_markers=job_markers,
    ),
    Row("jobs", "post", new_job, JOB_CREATED_BY_MEMBER),
    Row(
        "jobs-detail",
        "get",
        _pk(job),
        PUBLIC,
        exact_for={"member", "coordinator"},
        exact_markers=job_markers,
    ),
    Row(
        "jobs-detail",
        "get",
        _pk(lambda w: employer(w, checked=False) and job(w)),
        roles(404, member=200, coordinator=200),
        exact_for={"member", "coordinator"},
        exact_markers=job_markers,
        id="get-jobs-detail-of-an-unchecked-employer",
    ),
    Row(
        "jobs-detail",
        "patch",
        lambda w: Call(kwargs={"pk": job(w).pk}, body={"places": 3}),
        CHANGED_BY_EMPLOYER,
        exact_for={"member"},
        exact_markers=job_markers,
    ),
    Row(
        "jobs-withdraw",
        "post",
        _pk(job),
        CHANGED_BY_EMPLOYER,
        exact_for={"member"},
        exact_markers=job_markers,
    ),
    Row(
        "jobs-publish",
        "post",
        _pk(lambda w: job(w, status="draft")),
        DRAFT_PUBLISHED_BY_EMPLOYER,
        exact_for={"member"},
        exact_markers=job_markers,
    ),
    Row(
        "jobs-residence",
        "post",
        lambda w: Call(kwargs={"pk": job(w).pk}, body={"open_to": ["permit"]}),
        COORDINATORS,
        exact_for={"coordinator"},
        exact_markers=job_markers,
    ),
    Row(
        "jobs-diagnosis",
        "get",
        lambda w: seeker(w) and Call(kwargs={"pk": job(w).pk}),
        COORDINATORS,
        exact_markers=lambda w: job_markers(w) + seeker_markers(w),
    ),
    Row("jobs-map", "get", lambda w: job(w) and Call(), PUBLIC, exact_markers=job_markers),
    # people looking for work: "volunteer" keeps their own profile
    Row(
        "job-seekers",
        "get",
        lambda w: seeker(w) and Call(),
        SIGNED_IN,  # everyone may list; the list holds only the profiles they keep
        exact_for={"volunteer", "coordinator"},
        exact_markers=seeker_markers,
    ),
    Row("job-seekers", "post", new_seeker, roles(201, anonymous=401)),
    Row(
        "job-seekers-detail",
        "get",
        _pk(seeker),
        KEPT_BY_PERSON,
        exact_for={"volunteer", "coordinator"},
        exact_markers=seeker_markers,
    ),
    Row(
        "job-seekers-detail",
        "get",
        _pk(counselled),
        KEPT_BY_COUNSELLOR,
        exact_for={"other_member", "coordinator"},
        exact_markers=counselled_markers,
        id="get-job-seekers-detail-kept-by-a-counsellor",
    ),
    Row(
        "job-seekers-detail",
        "patch",
        lambda w: Call(kwargs={"pk": seeker(w).pk}, body={"german_level": "B2"}),
        KEPT_BY_PERSON,
        exact_for={"volunteer", "coordinator"},
        exact_markers=seeker_markers,
    ),
    Row(
        "job-seekers-withdraw",
        "post",
        _pk(seeker),
        KEPT_BY_PERSON,
        exact_for={"volunteer", "coordinator"},
        exact_markers=seeker_markers,
    ),
    Row(
        "job-seekers-publish",
        "post",
        _pk(lambda w: seeker(w, status="draft")),
        KEPT_BY_PERSON,
        exact_for={"volunteer", "coordinator"},
        exact_markers=seeker_markers,
    ),
    Row(
        "job-seekers-diagnosis",
        "get",
        lambda w: job(w) and Call(kwargs={"pk": seeker(w).pk}),
        KEPT_BY_PERSON,
        exact_markers=lambda w: job_markers(w) + seeker_markers(w),
    ),
    # a match of work: the employer sees the person only after both said yes
    Row(
        "match-detail",
        "get",
        _pk(lambda w: jobs_match(w, MatchState.OFFERED)),
        MATCH_SEEN_BY_SIDES,
        exact_for={"volunteer", "coordinator"},
        exact_markers=seeker_markers,
        id="get-match-detail-jobs-offered",
    ),
    Row(
        "match-detail",
        "get",
        _pk(lambda w: jobs_match(w, MatchState.ACCEPTED)),
        MATCH_SEEN_BY_SIDES,
        exact_for={"volunteer", "member", "coordinator"},
        exact_markers=seeker_markers,
        id="get-match-detail-jobs-accepted",
    ),
]
