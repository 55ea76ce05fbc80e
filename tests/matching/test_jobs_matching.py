"""Jobs through the same engine as the other kinds: batches per area, places held by
proposals, employers' checks, one place per person, diagnostics of a job and of a person."""

import math
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.services import check_employer
from lifecycle.services import withdraw
from matching.diagnostics import diagnose_need
from matching.kinds import JOBS
from matching.models import Match, MatchState
from matching.workflow import create_manual
from tests.factories import UserFactory
from tests.jobs.factories import EmployerFactory, JobFactory, JobSeekerFactory
from tests.matching.batching import created, run_for

pytestmark = pytest.mark.django_db

LINDENAU = (51.3400, 12.3300)


def east(km: float) -> dict:
    lat, lon = LINDENAU
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


def test_three_cooks_nearby_fill_the_two_places_of_a_kitchen_job():
    job = JobFactory(**east(0), places=2)
    people = [JobSeekerFactory(**east(km)) for km in (1, 2, 3)]

    matches = created(run_for(job, *people))

    assert len(matches) == 2 and all(m.kind == "jobs" and m.quantity == 1 for m in matches)
    # The two nearest (equal otherwise) get the places; the batch holds both.
    assert {m.job_seeker_id for m in matches} == {people[0].pk, people[1].pk}
    job.refresh_from_db()
    assert job.places_open == 0 and job.status == "partly_matched"
    assert set(matches[0].score_breakdown) == {"distance", "fit", "language", "waiting"}


def test_a_job_of_an_employer_nobody_checked_is_not_matched_until_the_check():
    employer = EmployerFactory(checked_at=None)
    job = JobFactory(**east(0), organisation=employer.organisation)
    person = JobSeekerFactory(**east(1))
    assert created(run_for(job, person)) == []

    check_employer(employer=employer, coordinator=UserFactory(role="coordinator"))
    assert len(created(run_for(job, person))) == 1


def test_a_person_is_proposed_for_one_place_at_a_time():
    jobs = [JobFactory(**east(km), places=1) for km in (0, 0.5)]
    person = JobSeekerFactory(**east(1))

    matches = created(run_for(*jobs, person))

    assert len(matches) == 1
    # The database refuses a second live match of the person, whoever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(
            kind="jobs", job=jobs[1], job_seeker=person, quantity=1, distance_m=1, score=0.5
        )


def test_running_a_jobs_batch_twice_changes_nothing():
    job = JobFactory(**east(0), places=3)
    people = [JobSeekerFactory(**east(km)) for km in (1, 2)]
    first = created(run_for(job, *people))
    assert len(first) == 2
    assert created(run_for(job, *people)) == []
    assert Match.objects.count() == 2


def test_a_person_who_does_not_fit_is_left_out_and_the_job_says_why():
    job = JobFactory(**east(0), german_min="B2")
    JobSeekerFactory(**east(1), german_level="A2")
    JobSeekerFactory(**east(2), german_level="B1")

    assert created(run_for(job)) == []
    diagnosis = diagnose_need("jobs", job)
    assert diagnosis.diagnosis.reason == "german_too_low"
    assert "less German" in diagnosis.message


def test_a_person_whom_no_employer_nearby_accepts_is_told_why():
    JobFactory(**east(0), open_to=["permit"])
    JobFactory(**east(1), open_to=["permit"])
    waiting = JobSeekerFactory(**east(0.5), residence="approval")

    assert JOBS.seeker_diagnosis(waiting, timezone.now(), limit=50).reason == (
        "residence_does_not_fit"
    )


def test_a_remote_job_reaches_a_person_beyond_their_travel_radius():
    job = JobFactory(**east(0), remote=True)
    far = JobSeekerFactory(**east(60), travel_radius_km=5)
    assert {m.job_seeker_id for m in created(run_for(job, far))} == {far.pk}


def test_a_withdrawn_person_gives_the_place_back_and_the_next_one_is_proposed():
    job = JobFactory(**east(0), places=1)
    first, second = JobSeekerFactory(**east(1)), JobSeekerFactory(**east(3))
    [match] = created(run_for(job, first, second))
    assert match.job_seeker_id == first.pk

    withdraw(first, actor=first.created_by)

    job.refresh_from_db()
    assert job.places_open == 1
    assert Match.objects.get(pk=match.pk).state == MatchState.CANCELLED
    [again] = created(run_for(job, second))
    assert again.job_seeker_id == second.pk


def test_a_coordinator_matches_by_hand_and_the_place_is_held():
    job = JobFactory(**east(0), places=1)
    person = JobSeekerFactory(**east(1), available_from=date.today() + timedelta(days=5))
    coordinator = UserFactory(role="coordinator")
    match = create_manual(
        actor=coordinator, kind="jobs", need=job, offer=person, reason="Knows the kitchen."
    )
    job.refresh_from_db()
    assert match.kind == "jobs" and job.places_open == 0
