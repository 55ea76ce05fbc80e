"""The work pages (issue 15): an employer registers a company and posts, changes and withdraws
jobs; a person keeps their profile and asks why no proposal came yet; a counsellor keeps a
profile for a person who agreed; a coordinator checks employers and corrects whom a job is
open to. And what the match page of a job tells each side before both said yes."""

import math
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role
from jobs.models import Employer, Job, JobSeeker
from lifecycle.states import Status
from matching import workflow
from matching.models import MatchState
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.jobs.factories import EmployerFactory, JobFactory, JobSeekerFactory
from tests.matching.batching import created, run_for
from tests.safety.scenes import offered
from tests.web.fixtures import verified_login

pytestmark = pytest.mark.django_db

LINDENAU = (51.3400, 12.3300)


def east(km: float) -> dict:
    lat, lon = LINDENAU
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _job(**overrides) -> dict:
    data = {
        "title": "Cook for our canteen",
        "description": "Lunch for 200 people.",
        "occupation": "5120",
        "places": "2",
        "hours": "full_time",
        "start_date": _day(14),
        "pay_min": "2400",
        "pay_max": "2800",
        "pay_period": "month",
        "german_min": "A2",
        "language_rows": "3",
        "language_0": "en",
        "language_1": "",
        "language_2": "",
        "skills": "HACCP, grill",
        "open_to": ["permit", "approval"],
        "max_distance_km": "25",
        "address": "04109 Leipzig",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _profile(**overrides) -> dict:
    data = {
        "experience_rows": "3",
        "occupation_0": "5120",
        "years_0": "4",
        "occupation_1": "9412",
        "years_1": "1,5",
        "occupation_2": "",
        "years_2": "",
        "german_level": "B1",
        "language_rows": "3",
        "language_0": "ar",
        "language_1": "en",
        "language_2": "",
        "skills": "cooking",
        "recognition": "none",
        "hours_wanted": ["full_time", "part_time"],
        "available_from": _day(0),
        "residence": "permit",
        "description": "Ich koche gern.",
        "travel_radius_km": "15",
        "address": "04177 Leipzig",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def emma(db):
    """A member of a checked employer."""
    user = UserFactory(username="emma", role=Role.DONOR, preferred_language="en")
    employer = EmployerFactory(organisation__name="Kantine Plagwitz")
    MembershipFactory(user=user, organisation=employer.organisation, is_admin=True)
    return user


@pytest.fixture
def samir(db):
    return UserFactory(username="samir", role=Role.DONOR, preferred_language="en")


@pytest.fixture
def clara(db):
    user = UserFactory(username="clara", role=Role.COORDINATOR, is_staff=True)
    user.preferred_language = "en"
    user.save()
    return user


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/work/",
        "/work/jobs/",
        "/work/jobs/new/",
        "/work/employers/new/",
        "/work/profile/",
        "/work/profile/new/",
        "/work/counselling/",
        "/work/employers/",
    ],
)
def test_the_work_pages_need_a_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("de", "ltr"), ("uk", "ltr"), ("ar", "rtl")]
)
@pytest.mark.parametrize(
    ("path", "names"),
    [
        (
            "/work/jobs/new/",
            ("title", "occupation", "places", "hours", "start_date", "german_min", "pay_max"),
        ),
        (
            "/work/profile/new/",
            ("occupation_0", "years_0", "german_level", "available_from", "residence"),
        ),
        ("/work/employers/new/", ("name", "city", "email")),
    ],
)
def test_the_work_forms_render_in_the_persons_language(
    client, emma, language, direction, path, names
):
    emma.preferred_language = language
    emma.save()
    client.force_login(emma)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    for name in names:
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html  # every input has its label
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_the_occupations_are_grouped_in_the_persons_language(client, emma):
    emma.preferred_language = "de"
    emma.save()
    client.force_login(emma)
    html = client.get("/work/jobs/new/").content.decode()
    assert '<optgroup label="Ingenieurwesen">' in html
    assert ">Bauingenieur/in</option>" in html


def test_only_members_of_an_employer_may_post_a_job(client, samir):
    client.force_login(samir)
    assert client.get("/work/jobs/new/").status_code == 403
    assert client.post("/work/jobs/new/", _job()).status_code == 403
    page = client.get("/work/jobs/")
    assert page.status_code == 200
    assert "/work/employers/new/" in page.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("action", ["edit", "withdraw"])
def test_someone_elses_job_is_not_found(client, emma, samir, action):
    job = JobFactory()
    client.force_login(emma)
    assert client.get(f"/work/jobs/{job.pk}/{action}/").status_code == 404
    client.force_login(samir)
    assert client.post(f"/work/jobs/{job.pk}/{action}/").status_code == 404
    job.refresh_from_db()
    assert job.status == Status.OPEN


@pytest.mark.parametrize("action", ["edit", "withdraw", "why"])
def test_someone_elses_profile_is_not_found(client, samir, action):
    seeker = JobSeekerFactory()
    client.force_login(samir)
    assert client.get(f"/work/profiles/{seeker.pk}/{action}/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/work/employers/", "/work/jobs/{job}/residence/", "/work/counselling/"]
)
def test_coordinator_and_counsellor_pages_are_refused_to_others(client, samir, path):
    job = JobFactory()
    client.force_login(samir)
    assert client.get(path.format(job=job.pk)).status_code == 403


def test_checking_an_employer_is_refused_to_others(client, emma):
    employer = EmployerFactory(checked_at=None)
    client.force_login(emma)
    assert client.post(f"/work/employers/{employer.pk}/check/").status_code == 403
    employer.refresh_from_db()
    assert employer.checked_at is None


# --- employers ------------------------------------------------------------------------------


def test_a_person_registers_a_company_and_is_told_it_waits_for_the_check(client, samir):
    client.force_login(samir)
    form = client.get("/work/employers/new/").content.decode()
    assert "checks every company before its jobs are published" in form
    response = client.post(
        "/work/employers/new/", {"name": "Bäckerei Kunze", "city": "Leipzig", "email": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/work/jobs/"
    organisation = Organisation.objects.get(name="Bäckerei Kunze")
    assert organisation.kind == OrganisationKind.EMPLOYER
    assert organisation.employer.checked_at is None
    page = client.get("/work/jobs/").content.decode()
    assert 'data-checked="no"' in page
    assert client.get("/work/jobs/new/").status_code == 200


def test_a_company_name_taken_shows_the_error_beside_the_name(client, samir, emma):
    client.force_login(samir)
    response = client.post("/work/employers/new/", {"name": "kantine plagwitz"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="name-error"' in html and 'aria-invalid="true"' in html
    assert "registered already" in html
    assert Employer.objects.count() == 1


def test_a_good_post_saves_the_job_through_the_service(client, emma):
    client.force_login(emma)
    response = client.post("/work/jobs/new/", _job())
    assert response.status_code == 302, response.context and response.context["errors"]
    job = Job.objects.get()
    assert (job.title, job.occupation.code, job.places, job.places_open) == (
        "Cook for our canteen",
        "5120",
        2,
        2,
    )
    assert job.languages == ["en"] and job.skills == ["grill", "haccp"]
    assert job.open_to == ["approval", "permit"] and job.german_min == "A2"
    assert job.created_by == emma and job.status == Status.OPEN
    page = client.get("/work/jobs/").content.decode()
    card = re.search(rf'data-job="{job.pk}".*?</li>', page, re.S).group(0)
    assert "2 of 2" in card and 'data-status="open"' in card
    assert "data-waiting-check" not in card


def test_a_job_of_an_unchecked_employer_says_it_waits_for_the_check(client, samir):
    employer = EmployerFactory(checked_at=None)
    MembershipFactory(user=samir, organisation=employer.organisation)
    JobFactory(organisation=employer.organisation, created_by=samir)
    client.force_login(samir)
    page = client.get("/work/jobs/").content.decode()
    assert "data-waiting-check" in page
    assert "Waiting for the welcome centre's check" in page


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"german_min": "Z9"}, "german_min", "not a valid choice"),
        ({"start_date": "1900-05-01"}, "start_date", "before 2000"),
        ({"pay_min": "3000", "pay_max": "2000"}, "pay_max", "cannot be lower"),
        ({"places": "0"}, "places", "at least one place"),
        ({"occupation": "9999"}, "occupation", "Unknown occupation"),
        ({"open_to": None}, "open_to", "whom the job is open to"),
    ],
)
def test_a_bad_job_shows_the_error_beside_the_field_and_saves_nothing(
    client, emma, changes, field, words
):
    client.force_login(emma)
    response = client.post("/work/jobs/new/", _job(**changes))
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert re.search(rf'aria-describedby="(?:{field}-hint )?{field}-error"', html)
    assert 'aria-invalid="true"' in html
    assert "Lunch for 200 people." in html  # what was typed stays
    assert not Job.objects.exists()


def test_the_employer_edits_the_job_and_a_bad_edit_changes_nothing(client, emma):
    job = JobFactory(
        organisation=Organisation.objects.get(membership__user=emma), created_by=emma, places=2
    )
    client.force_login(emma)
    form = client.get(f"/work/jobs/{job.pk}/edit/")
    assert form.status_code == 200
    values = dict(form.context["values"])
    assert values["occupation"] == "5120"

    bad = client.post(f"/work/jobs/{job.pk}/edit/", _job(places="0", title="Changed"))
    assert bad.status_code == 400
    assert 'id="places-error"' in bad.content.decode()
    job.refresh_from_db()
    assert job.title != "Changed" and job.places == 2

    good = client.post(f"/work/jobs/{job.pk}/edit/", _job(places="3", title="Changed"))
    assert good.status_code == 302
    job.refresh_from_db()
    assert (job.title, job.places, job.places_open) == ("Changed", 3, 3)


def test_withdrawing_a_job_asks_first(client, emma):
    job = JobFactory(organisation=Organisation.objects.get(membership__user=emma), created_by=emma)
    client.force_login(emma)
    page = client.get(f"/work/jobs/{job.pk}/withdraw/")
    assert page.status_code == 200 and "Yes, withdraw it" in page.content.decode()
    job.refresh_from_db()
    assert job.status == Status.OPEN
    assert client.post(f"/work/jobs/{job.pk}/withdraw/").status_code == 302
    job.refresh_from_db()
    assert job.status == Status.WITHDRAWN


# --- people looking for work ---------------------------------------------------------------


def test_a_person_makes_their_profile_and_sees_it(client, samir):
    client.force_login(samir)
    form = client.get("/work/profile/new/").content.decode()
    assert "not legal advice" in form
    response = client.post("/work/profile/new/", _profile())
    assert response.status_code == 302, response.context and response.context["errors"]
    seeker = JobSeeker.objects.get()
    assert seeker.created_by == samir and seeker.counsellor_organisation is None
    assert {(e.occupation.code, str(e.years)) for e in seeker.experience.all()} == {
        ("5120", "4.0"),
        ("9412", "1.5"),
    }
    assert seeker.languages == ["ar", "en"] and seeker.hours_wanted == ["full_time", "part_time"]
    page = client.get("/work/profile/").content.decode()
    assert f'data-profile="{seeker.pk}"' in page
    assert "04177 Leipzig" in page  # the address, to the person themselves
    # A second profile is not made: the page leads to the one there is.
    assert client.get("/work/profile/new/")["Location"] == "/work/profile/"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"german_level": "Z9"}, "german_level", "not a valid choice"),
        ({"available_from": "1900-01-01"}, "available_from", "before 2000"),
        (
            {"occupation_0": "", "years_0": "", "occupation_1": "", "years_1": ""},
            "experience",
            "at least one occupation",
        ),
        ({"hours_wanted": None}, "hours_wanted", "at least one kind of work"),
        ({"residence": ""}, "residence", "required"),
    ],
)
def test_a_bad_profile_shows_the_error_beside_the_field_and_saves_nothing(
    client, samir, changes, field, words
):
    client.force_login(samir)
    response = client.post("/work/profile/new/", _profile(**changes))
    assert response.status_code == 400
    assert words in " ".join(response.context["errors"][field])
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert "Ich koche gern." in html
    assert not JobSeeker.objects.exists()


def test_the_person_edits_the_experience_and_withdraws_the_profile(client, samir):
    seeker = JobSeekerFactory(created_by=samir, experience={"5120": 4})
    client.force_login(samir)
    assert client.get(f"/work/profiles/{seeker.pk}/edit/").status_code == 200
    response = client.post(
        f"/work/profiles/{seeker.pk}/edit/",
        _profile(occupation_0="5120", years_0="6", occupation_1="", years_1=""),
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert [(e.occupation.code, str(e.years)) for e in seeker.experience.all()] == [("5120", "6.0")]
    assert client.post(f"/work/profiles/{seeker.pk}/withdraw/").status_code == 302
    seeker.refresh_from_db()
    assert seeker.status == Status.WITHDRAWN


def test_why_no_proposal_explains_the_nearest_miss(client, samir):
    seeker = JobSeekerFactory(created_by=samir, german_level="A1", **east(0))
    JobFactory(german_min="B2", **east(1))
    client.force_login(samir)
    response = client.get(f"/work/profiles/{seeker.pk}/why/")
    assert response.status_code == 200
    assert response.context["reason"] == "german_too_low"
    assert "1 job nearby asks for more German." in response.content.decode()


def test_why_no_proposal_with_nothing_near(client, samir):
    seeker = JobSeekerFactory(created_by=samir, **east(0))
    client.force_login(samir)
    html = client.get(f"/work/profiles/{seeker.pk}/why/").content.decode()
    assert "No job of a checked employer within 15 km." in html


# --- counsellors ----------------------------------------------------------------------------


@pytest.fixture
def nadia(db):
    user = UserFactory(username="nadia", role=Role.INITIATIVE_MEMBER, preferred_language="en")
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Migrationsberatung"))
    return user


def test_a_counsellor_keeps_a_profile_with_the_persons_name_and_consent(client, nadia):
    client.force_login(nadia)
    assert client.get("/work/counselling/new/").status_code == 200
    data = _profile(person_name="Amal Haddad", person_phone="0176 1", consent_on=_day(-1))
    response = client.post("/work/counselling/new/", data)
    assert response.status_code == 302, response.context and response.context["errors"]
    seeker = JobSeeker.objects.get()
    assert seeker.counsellor_organisation.name == "Migrationsberatung"
    assert seeker.person_name == "Amal Haddad" and seeker.consent_on.isoformat() == _day(-1)
    page = client.get("/work/counselling/").content.decode()
    assert "Amal Haddad" in page


def test_a_counsellor_must_give_the_day_of_consent(client, nadia):
    client.force_login(nadia)
    response = client.post("/work/counselling/new/", _profile(person_name="Amal Haddad"))
    assert response.status_code == 400
    assert 'id="consent_on-error"' in response.content.decode()
    assert not JobSeeker.objects.exists()


# --- coordinators ---------------------------------------------------------------------------


def test_the_coordinator_sees_unchecked_employers_first_and_checks_one(client, clara):
    checked = EmployerFactory(organisation__name="Alpha GmbH")
    waiting = EmployerFactory(organisation__name="Zeta GmbH", checked_at=None)
    verified_login(client, clara)
    page = client.get("/work/employers/")
    assert page.status_code == 200
    assert [row["employer"].pk for row in page.context["rows"]] == [waiting.pk, checked.pk]
    assert client.post(f"/work/employers/{waiting.pk}/check/").status_code == 302
    waiting.refresh_from_db()
    assert waiting.checked_at is not None and waiting.checked_by == clara
    assert client.post(f"/work/employers/{checked.pk}/withdraw-check/").status_code == 302
    checked.refresh_from_db()
    assert checked.checked_at is None


def test_the_coordinator_corrects_whom_a_job_is_open_to(client, clara):
    job = JobFactory(open_to=["permit"])
    verified_login(client, clara)
    assert client.get(f"/work/jobs/{job.pk}/residence/").status_code == 200
    bad = client.post(f"/work/jobs/{job.pk}/residence/", {})
    assert bad.status_code == 400 and 'id="open_to-error"' in bad.content.decode()
    response = client.post(f"/work/jobs/{job.pk}/residence/", {"open_to": ["permit", "approval"]})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.open_to == ["approval", "permit"]


# --- the match page -------------------------------------------------------------------------


def _job_match():
    employer_user = UserFactory(username="erik", preferred_language="en")
    employer = EmployerFactory(organisation__name="Kantine Lindenau")
    MembershipFactory(user=employer_user, organisation=employer.organisation)
    job = JobFactory(
        organisation=employer.organisation, created_by=employer_user, title="Cook", **east(0)
    )
    person = UserFactory(
        username="samira", first_name="Samira", preferred_language="en", phone="0176 999"
    )
    seeker = JobSeekerFactory(
        created_by=person,
        address="Geheimweg 7, 04177 Leipzig",
        district="Altlindenau",
        description="Ich koche seit zehn Jahren syrisch.",
        experience={"5120": 4},
        **east(1),
    )
    [match] = created(run_for(job, seeker))
    return offered(match), employer_user, person


def test_the_employer_sees_only_the_anonymous_summary_before_both_said_yes(client):
    match, employer_user, person = _job_match()
    client.force_login(employer_user)
    response = client.get(f"/matches/{match.pk}/")
    assert response.status_code == 200
    facts = dict(response.context["facts"])
    assert facts["What"] == "Work"
    assert facts["Offered"] == "A person looking for work"
    assert facts["Experience"] == "Cook (4 years)"
    assert facts["German level"] == "B1"
    assert "Arabic" in facts["Languages"]
    assert facts["Offer's area"] == "Altlindenau"
    html = response.content.decode()
    for secret in ("Samira", "Geheimweg", "0176 999", person.email, "syrisch"):
        assert secret not in html
    assert not response.context["contacts"]
    assert response.context["can_answer"]


def test_the_person_sees_the_job_and_answers_on_the_match_page(client):
    match, employer_user, person = _job_match()
    client.force_login(person)
    response = client.get(f"/matches/{match.pk}/")
    assert response.status_code == 200
    facts = dict(response.context["facts"])
    assert facts["Needed by"] == "Kantine Lindenau: Cook"
    assert facts["Occupation"] == "Cook" and facts["Hours"] == "Full time"
    assert response.context["can_answer"]
    assert client.post(f"/matches/{match.pk}/respond/", {"answer": "yes"}).status_code == 302
    workflow.respond(match, user=employer_user, answer="yes")
    match.refresh_from_db()
    assert match.state == MatchState.ACCEPTED
    client.force_login(employer_user)
    assert "Samira" in client.get(f"/matches/{match.pk}/").content.decode()


def test_a_stranger_does_not_find_the_jobs_match(client, samir):
    match, _employer, _person = _job_match()
    client.force_login(samir)
    assert client.get(f"/matches/{match.pk}/").status_code == 404


def test_why_no_proposal_says_a_proposal_is_under_way_once_it_is_offered(client):
    match, _employer, person = _job_match()
    client.force_login(person)
    html = client.get(f"/matches/{match.pk}/").content.decode()
    assert "Cook" in html
    response = client.get(f"/work/profiles/{match.job_seeker_id}/why/")
    assert "A proposal is under way" in response.content.decode()


def test_a_colleague_of_the_counsellor_finds_the_kept_profile(client, nadia):
    organisation = Organisation.objects.get(membership__user=nadia)
    seeker = JobSeekerFactory(
        created_by=nadia,
        counsellor_organisation=organisation,
        consent_on=timezone.localdate(),
        person_name="Amal Haddad",
    )
    colleague = UserFactory(username="jonas", preferred_language="en")
    MembershipFactory(user=colleague, organisation=organisation)
    client.force_login(colleague)
    assert "Amal Haddad" in client.get("/work/counselling/").content.decode()
    assert client.get(f"/work/profiles/{seeker.pk}/edit/").status_code == 200
