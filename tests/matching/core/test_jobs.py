"""Jobs over plain data: each hard constraint and its reason, the score's breakdown, the
diagnosis of a job and of a person, and allocation that respects every constraint and place."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.core.allocation import allocate_flow, allocate_greedy_by_score
from matching.core.diagnostics import diagnose
from matching.core.jobs import (
    APPROVAL,
    CEFR_LEVELS,
    IN_RECOGNITION,
    PERMIT,
    RECOGNISED,
    Job,
    JobSeeker,
    cefr_step,
    job_factors,
    job_reason,
)
from matching.core.scoring import DEFAULT_WEIGHTS, combine
from matching.core.types import Edge, Kind, Problem, Reason, total_score

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
TOLERANCE = 30


def job(**changes) -> Job:
    base = Job(
        id=1,
        occupation="5120",
        places_open=2,
        remote=False,
        hours="full_time",
        start_date=TODAY + timedelta(days=14),
        german_min=cefr_step("A2"),
        languages=frozenset(),
        skills=frozenset({"haccp"}),
        requires_recognition=False,
        open_to=frozenset({PERMIT, APPROVAL}),
        residence_irrelevant=False,
        max_distance_m=20_000,
        created_at=NOW - timedelta(days=3),
    )
    return replace(base, **changes)


def seeker(**changes) -> JobSeeker:
    base = JobSeeker(
        id=100,
        experience={"5120": 4.0},
        german=cefr_step("B1"),
        languages=frozenset({"ar", "en"}),
        skills=frozenset({"haccp"}),
        hours=frozenset({"full_time", "part_time"}),
        radius_m=15_000,
        available_from=TODAY,
        recognition=RECOGNISED,
        residence=PERMIT,
        created_at=NOW - timedelta(days=30),
    )
    return replace(base, **changes)


def reason(j: Job, s: JobSeeker, distance_m: float = 2_000) -> Reason | None:
    return job_reason(j, s, distance_m, today=TODAY, start_tolerance_days=TOLERANCE)


# --- each hard constraint ------------------------------------------------------------------


def test_a_cook_near_enough_with_enough_german_fits_the_kitchen_job():
    assert reason(job(), seeker()) is None


@pytest.mark.parametrize(
    ("job_radius", "seeker_radius", "distance", "expected"),
    [
        (20_000, 15_000, 14_999, None),
        (20_000, 15_000, 15_001, Reason.OUT_OF_RANGE),  # beyond the person's radius
        (10_000, 15_000, 12_000, Reason.OUT_OF_RANGE),  # beyond the job's radius
    ],
)
def test_the_distance_must_lie_within_both_radii(job_radius, seeker_radius, distance, expected):
    j, s = job(max_distance_m=job_radius), seeker(radius_m=seeker_radius)
    assert reason(j, s, distance) == expected


def test_a_remote_job_is_reachable_from_anywhere():
    assert reason(job(remote=True), seeker(radius_m=1_000), 250_000) is None


def test_experience_in_another_occupation_does_not_fit():
    assert reason(job(), seeker(experience={"9112": 10})) == Reason.OTHER_OCCUPATION


def test_a_job_for_a_group_accepts_experience_in_any_of_its_members():
    # 51: personal service workers; 5120 (cooks) and 5131 (waiters) belong to it.
    assert reason(job(occupation="51"), seeker(experience={"5131": 1})) is None
    assert reason(job(occupation="51"), seeker(experience={"9412": 1})) == Reason.OTHER_OCCUPATION


def test_other_hours_than_wanted_do_not_fit():
    assert reason(job(hours="mini_job"), seeker()) == Reason.HOURS_DIFFER


@pytest.mark.parametrize(
    ("required", "spoken", "fits"),
    [("", "", True), ("A2", "A1", False), ("B1", "B1", True), ("B2", "C2", True)],
)
def test_german_must_be_at_least_the_required_level(required, spoken, fits):
    j, s = job(german_min=cefr_step(required)), seeker(german=cefr_step(spoken))
    assert (reason(j, s) is None) is fits
    if not fits:
        assert reason(j, s) == Reason.GERMAN_TOO_LOW


def test_a_job_that_names_languages_needs_one_of_them_spoken():
    assert reason(job(languages=frozenset({"ru", "uk"})), seeker()) == Reason.NO_SHARED_LANGUAGE
    assert reason(job(languages=frozenset({"ru", "ar"})), seeker()) is None


def test_a_job_not_open_to_approval_pending_does_not_fit_a_person_waiting_for_it():
    only_permit = job(open_to=frozenset({PERMIT}))
    assert reason(only_permit, seeker(residence=APPROVAL)) == Reason.RESIDENCE_DOES_NOT_FIT
    assert reason(only_permit, seeker(residence=PERMIT)) is None


def test_a_training_place_where_residence_does_not_matter_fits_every_situation():
    training = job(open_to=frozenset(), residence_irrelevant=True, hours="training")
    person = seeker(residence=APPROVAL, hours=frozenset({"training"}))
    assert reason(training, person) is None


def test_a_job_that_needs_recognition_refuses_a_qualification_still_in_recognition():
    nursing = job(requires_recognition=True)
    assert reason(nursing, seeker(recognition=IN_RECOGNITION)) == Reason.NOT_RECOGNISED
    assert reason(nursing, seeker(recognition=RECOGNISED)) is None


def test_a_person_who_can_start_only_long_after_the_job_begins_does_not_fit():
    starts = TODAY + timedelta(days=14)
    assert (
        reason(job(start_date=starts), seeker(available_from=starts + timedelta(days=30))) is None
    )
    late = seeker(available_from=starts + timedelta(days=31))
    assert reason(job(start_date=starts), late) == Reason.STARTS_TOO_LATE


def test_a_job_whose_start_passed_starts_as_soon_as_someone_can():
    old = job(start_date=TODAY - timedelta(days=60))
    assert reason(old, seeker(available_from=TODAY + timedelta(days=10))) is None


def test_cefr_levels_outside_a1_to_c2_are_refused():
    assert [cefr_step(level) for level in CEFR_LEVELS] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError):
        cefr_step("Z9")


# --- score --------------------------------------------------------------------------------


def test_the_score_reads_distance_fit_language_and_waiting():
    value, breakdown = combine(job_factors(job(), seeker(), 2_000, now=NOW), DEFAULT_WEIGHTS)
    assert set(breakdown) == {"distance", "fit", "language", "waiting"}
    assert abs(sum(breakdown.values()) - value) < 1e-3


def test_more_experience_and_a_nearer_home_score_higher():
    near_expert = combine(job_factors(job(), seeker(), 1_000, now=NOW), DEFAULT_WEIGHTS)[0]
    far_novice = combine(
        job_factors(job(), seeker(experience={"5120": 0.5}), 14_000, now=NOW), DEFAULT_WEIGHTS
    )[0]
    assert near_expert > far_novice


# --- diagnosis ----------------------------------------------------------------------------


def test_a_job_where_nobody_in_range_has_the_german_says_so():
    people = [seeker(id=i, german=cefr_step("A1")) for i in range(3)]
    checks = [(reason(job(german_min=cefr_step("B1")), p), 1) for p in people]
    assert diagnose(Kind.JOBS, checks).reason == Reason.GERMAN_TOO_LOW


def test_a_person_whose_situation_no_employer_nearby_accepts_is_told_so():
    jobs = [job(id=i, open_to=frozenset({PERMIT})) for i in range(2)]
    waiting = seeker(residence=APPROVAL)
    checks = [(reason(j, waiting), j.places_open) for j in jobs]
    assert diagnose(Kind.JOBS, checks).reason == Reason.RESIDENCE_DOES_NOT_FIT


def test_the_nearest_miss_wins_over_a_farther_one():
    # One job only lacks German, another is of another occupation: German is nearer.
    checks = [
        (reason(job(german_min=cefr_step("C1")), seeker()), 1),
        (reason(job(occupation="9112"), seeker()), 1),
    ]
    assert diagnose(Kind.JOBS, checks).reason == Reason.GERMAN_TOO_LOW


# --- allocation over generated jobs and people ----------------------------------------------

levels = st.sampled_from(["", *CEFR_LEVELS])
occupations = st.sampled_from(["5120", "5131", "9112", "8322"])
hours = st.sampled_from(["full_time", "part_time", "mini_job", "training"])
residences = st.sampled_from([PERMIT, APPROVAL])


@st.composite
def jobs_and_people(draw):
    jobs = {}
    for i in range(draw(st.integers(1, 5))):
        jobs[i + 1] = job(
            id=i + 1,
            occupation=draw(st.sampled_from(["5120", "5131", "9112", "8322", "51"])),
            places_open=draw(st.integers(1, 4)),
            remote=draw(st.booleans()),
            hours=draw(hours),
            start_date=TODAY + timedelta(days=draw(st.integers(-30, 60))),
            german_min=cefr_step(draw(levels)),
            languages=frozenset(draw(st.sets(st.sampled_from(["ar", "uk", "en"]), max_size=2))),
            requires_recognition=draw(st.booleans()),
            open_to=frozenset(draw(st.sets(residences, min_size=1))),
            residence_irrelevant=draw(st.booleans()),
            max_distance_m=draw(st.integers(2, 40)) * 1000.0,
        )
    people = {}
    for i in range(draw(st.integers(1, 10))):
        people[100 + i] = seeker(
            id=100 + i,
            experience={draw(occupations): float(draw(st.integers(0, 12)))},
            german=cefr_step(draw(levels)),
            languages=frozenset(draw(st.sets(st.sampled_from(["ar", "uk", "en"]), max_size=2))),
            hours=frozenset(draw(st.sets(hours, min_size=1))),
            radius_m=draw(st.integers(2, 40)) * 1000.0,
            available_from=TODAY + timedelta(days=draw(st.integers(0, 90))),
            recognition=draw(st.sampled_from([RECOGNISED, IN_RECOGNITION, "none"])),
            residence=draw(residences),
        )
    distances = {(j, p): float(draw(st.integers(0, 50_000))) for j in jobs for p in people}
    return jobs, people, distances


def _problem(jobs, people, distances) -> Problem:
    edges = []
    for (j, p), distance in distances.items():
        if reason(jobs[j], people[p], distance) is None:
            value, breakdown = combine(
                job_factors(jobs[j], people[p], distance, now=NOW), DEFAULT_WEIGHTS
            )
            edges.append(Edge(j, p, round(max(value, 0.01), 4), distance, breakdown))
    return Problem(
        need_capacity={j: r.places_open for j, r in jobs.items()},
        offer_capacity={p: 1 for p in people},
        edges=tuple(edges),
    )


@settings(max_examples=150, deadline=None)
@given(jobs_and_people())
def test_no_allocated_pair_breaks_a_hard_constraint_and_no_job_gets_more_people_than_places(
    generated,
):
    jobs, people, distances = generated
    allocations = allocate_flow(_problem(jobs, people, distances))
    per_job: dict[int, int] = {}
    per_person: dict[int, int] = {}
    for a in allocations:
        assert reason(jobs[a.need_id], people[a.offer_id], distances[a.need_id, a.offer_id]) is None
        per_job[a.need_id] = per_job.get(a.need_id, 0) + a.quantity
        per_person[a.offer_id] = per_person.get(a.offer_id, 0) + a.quantity
    assert all(per_job[j] <= jobs[j].places_open for j in per_job)
    assert all(count == 1 for count in per_person.values())


@settings(max_examples=150, deadline=None)
@given(jobs_and_people())
def test_the_allocation_is_never_below_greedy(generated):
    problem = _problem(*generated)
    best = total_score(allocate_flow(problem))
    assert best >= total_score(allocate_greedy_by_score(problem)) - 1e-6
