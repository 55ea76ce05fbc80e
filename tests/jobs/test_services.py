"""Employers, jobs and people looking for work: the rules of the services, and bad input that
is refused with a message per field and saves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Role
from base.errors import ApplicationError
from jobs.models import Employer, Job, JobSeeker
from jobs.services import (
    check_employer,
    create_employer,
    create_job,
    create_job_seeker,
    update_job,
    withdraw_employer_check,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.jobs.factories import EmployerFactory, JobFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Karl-Liebknecht-Straße 10, 04107 Leipzig"


@pytest.fixture
def employer_member():
    employer = EmployerFactory()
    member = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=member, organisation=employer.organisation)
    return member


def job_fields(**changes) -> dict:
    fields = {
        "title": "Koch/Köchin in der Hotelküche",
        "address": ADDRESS,
        "occupation": "5120",
        "places": 2,
        "hours": "full_time",
        "start_date": date.today() + timedelta(days=20),
        "german_min": "A2",
        "open_to": ["permit", "approval"],
        "pay_min": Decimal("2400"),
        "pay_max": Decimal("2900"),
    }
    return {**fields, **changes}


def test_an_employer_member_posts_a_job_with_all_its_places_open(employer_member):
    job = create_job(user=employer_member, **job_fields())
    assert job.places_open == 2 and job.status == "open" and job.needs_matching


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"german_min": "Z9"}, "german_min"),
        ({"start_date": date(1900, 1, 1)}, "start_date"),
        ({"pay_min": Decimal("3000"), "pay_max": Decimal("2000")}, "pay_max"),
        ({"places": 0}, "places"),
        ({"occupation": "0000"}, "occupation"),
        ({"open_to": ["asylum"]}, "open_to"),
        ({"open_to": []}, "open_to"),
        ({"languages": ["xx"]}, "languages"),
    ],
)
def test_bad_input_for_a_job_is_refused_at_its_field_and_saves_nothing(
    employer_member, changes, field
):
    with pytest.raises(ApplicationError) as refused:
        create_job(user=employer_member, **job_fields(**changes))
    assert field in refused.value.errors
    assert not Job.objects.exists()


def test_every_bad_field_is_named_at_once(employer_member):
    bad = job_fields(german_min="Z9", start_date=date(1900, 1, 1), places=0)
    with pytest.raises(ApplicationError) as refused:
        create_job(user=employer_member, **bad)
    assert {"german_min", "start_date", "places"} <= set(refused.value.errors)


def test_someone_outside_an_employer_cannot_post_a_job():
    with pytest.raises(ApplicationError) as refused:
        create_job(user=UserFactory(), **job_fields())
    assert "organisation" in refused.value.errors and not Job.objects.exists()


def test_a_job_cannot_shrink_below_the_places_its_matches_hold(employer_member):
    job = JobFactory(places=3, places_open=1, created_by=employer_member)
    with pytest.raises(ApplicationError) as refused:
        update_job(record=job, user=employer_member, places=1)
    assert "places" in refused.value.errors
    job = update_job(record=job, user=employer_member, places=5)
    assert (job.places, job.places_open) == (5, 3)


def test_a_registered_company_waits_for_the_check_and_its_jobs_are_matched_after_it():
    founder = UserFactory()
    employer = create_employer(user=founder, name="Bäckerei Sonnenschein", city="Leipzig")
    assert not employer.is_checked
    job = create_job(user=founder, **job_fields())
    Job.objects.filter(pk=job.pk).update(needs_matching=False)

    coordinator = UserFactory(role=Role.COORDINATOR)
    check_employer(employer=employer, coordinator=coordinator)
    job.refresh_from_db()
    assert Employer.objects.get(pk=employer.pk).is_checked and job.needs_matching

    withdraw_employer_check(employer=employer, coordinator=coordinator)
    assert not Employer.objects.get(pk=employer.pk).is_checked


def test_only_coordinators_check_employers():
    employer = EmployerFactory(checked_at=None)
    with pytest.raises(ApplicationError):
        check_employer(employer=employer, coordinator=UserFactory())
    assert not Employer.objects.get(pk=employer.pk).is_checked


def seeker_fields(**changes) -> dict:
    fields = {
        "address": "Eisenbahnstraße 40, 04315 Leipzig",
        "experience": [{"occupation": "5120", "years": 3}],
        "hours_wanted": ["full_time"],
        "available_from": date.today(),
        "residence": "approval",
        "german_level": "b1",
        "languages": ["ar", "en"],
    }
    return {**fields, **changes}


def test_a_person_keeps_their_own_profile_with_their_experience():
    person = UserFactory(role=Role.VOLUNTEER)
    seeker = create_job_seeker(user=person, **seeker_fields())
    assert seeker.german_level == "B1"
    assert [(e.occupation.code, e.years) for e in seeker.experience.all()] == [
        ("5120", Decimal("3.0"))
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"german_level": "Z9"}, "german_level"),
        ({"available_from": date(1900, 1, 1)}, "available_from"),
        ({"experience": []}, "experience"),
        ({"experience": [{"occupation": "51", "years": 2}]}, "experience"),
        ({"experience": [{"occupation": "5120", "years": -1}]}, "experience"),
        ({"hours_wanted": []}, "hours_wanted"),
        ({"residence": "tourist"}, "residence"),
    ],
)
def test_bad_input_for_a_profile_is_refused_at_its_field_and_saves_nothing(changes, field):
    with pytest.raises(ApplicationError) as refused:
        create_job_seeker(user=UserFactory(), **seeker_fields(**changes))
    assert field in refused.value.errors
    assert not JobSeeker.objects.exists()


def test_a_counsellor_keeps_a_profile_only_with_the_persons_recorded_consent():
    service = OrganisationFactory(name="Migrationsberatung Ost")
    counsellor = UserFactory(role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=counsellor, organisation=service)
    on_behalf = {"counsellor_organisation": service, "person_name": "Amal K."}

    with pytest.raises(ApplicationError) as refused:
        create_job_seeker(user=counsellor, **seeker_fields(**on_behalf))
    assert "consent_on" in refused.value.errors and not JobSeeker.objects.exists()

    kept = create_job_seeker(user=counsellor, consent_on=date.today(), **seeker_fields(**on_behalf))
    assert kept.contact_details()["name"] == "Amal K."


def test_a_counsellor_of_another_organisation_cannot_keep_profiles_for_it():
    service = OrganisationFactory()
    with pytest.raises(ApplicationError) as refused:
        create_job_seeker(
            user=UserFactory(),
            counsellor_organisation=service,
            consent_on=date.today(),
            person_name="X",
            **seeker_fields(),
        )
    assert "counsellor_organisation" in refused.value.errors
