"""The jobs candidate search (`matching.kinds.job_search`) against a brute-force check: on a
small generated region every job gets exactly the nearest people who pass the hard filters,
by the database's own distances, ties by id, no more than the limit."""

import random

import pytest
from django.conf import settings
from django.db import connection

from jobs.models import Occupation
from matching.kinds import job_search
from matching.models import Match
from tests.jobs.factories import JobFactory, JobSeekerFactory

pytestmark = pytest.mark.django_db

LEIPZIG = (51.34, 12.37)
UNIT_CODES = ["5120", "5131", "5132", "5141", "5311", "5321", "9412", "2142"]
HOURS = ["full_time", "part_time", "mini_job", "training", "internship"]


def _region(seed: int):
    """Jobs and people around Leipzig: units and whole groups, a remote job, people stacked
    on one spot (equal distances), several occupations per person, and people each filter
    must leave out (suspended account, withdrawn, a live match, hours not wanted)."""
    rng = random.Random(seed)

    def place() -> dict:
        lat, lon = LEIPZIG
        return {"lat": lat + rng.uniform(-0.15, 0.15), "lon": lon + rng.uniform(-0.25, 0.25)}

    people = []
    spots = [place() for _ in range(6)]
    for n in range(70):
        codes = rng.sample(UNIT_CODES, rng.choice([1, 1, 2, 3]))
        people.append(
            JobSeekerFactory(
                # Half the people share six spots, so distances tie across the cut.
                **(spots[n % 6] if n % 2 else place()),
                experience={code: rng.randint(1, 9) for code in codes},
                hours_wanted=rng.sample(HOURS, rng.randint(1, 3)),
                travel_radius_km=rng.choice([5, 10, 20, 30]),
            )
        )
    jobs = [
        JobFactory(
            **place(),
            occupation=Occupation.objects.get(code=code),
            hours=hours,
            max_distance_km=km,
            remote=remote,
        )
        for code, hours, km, remote in [
            ("5120", "full_time", 30, False),
            ("5120", "part_time", 10, False),
            ("51", "full_time", 40, False),  # the whole group: cooks, waiters, hairdressers …
            ("53", "part_time", 25, False),
            ("5321", "full_time", 50, False),
            ("2142", "full_time", 20, True),  # remote: the people's own radius does not count
            ("9412", "mini_job", 15, False),
            ("94", "training", 35, False),
        ]
    ]
    suspended, withdrawn, busy = people[1], people[3], people[5]
    suspended.created_by.is_active = False
    suspended.created_by.save()
    withdrawn.status = "withdrawn"
    withdrawn.save()
    Match.objects.create(
        kind="jobs", job=jobs[0], job_seeker=busy, quantity=1, distance_m=1, score=0.5
    )
    return jobs, people, {suspended.pk, withdrawn.pk, busy.pk}


def _distances(jobs, people) -> dict[tuple[int, int], float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.id, s.id, ST_Distance(s.approx_point, j.approx_point) "
            "FROM jobs_job j, jobs_jobseeker s WHERE j.id = ANY(%s) AND s.id = ANY(%s)",
            [[j.pk for j in jobs], [p.pk for p in people]],
        )
        return {(j, s): float(d) for j, s, d in cursor.fetchall()}


def _brute_force(jobs, people, left_out, limit: int) -> list[tuple[int, int, float]]:
    distance = _distances(jobs, people)
    codes = {p.pk: {e.occupation.code for e in p.experience.all()} for p in people}
    pairs = []
    for job in jobs:
        accepted = {job.occupation.code} | {
            o.code for o in Occupation.objects.filter(parent=job.occupation)
        }
        reach = (
            settings.JOBS_REMOTE_REACH_KM * 1000.0 if job.remote else job.max_distance_km * 1000.0
        )
        found = sorted(
            (distance[job.pk, p.pk], p.pk)
            for p in people
            if p.pk not in left_out
            and job.hours in p.hours_wanted
            and codes[p.pk] & accepted
            and distance[job.pk, p.pk] <= reach
            and (job.remote or distance[job.pk, p.pk] <= p.travel_radius_km * 1000.0)
        )
        pairs += [(job.pk, pk, d) for d, pk in found[:limit]]
    return sorted(pairs, key=lambda t: (t[0], t[2], t[1]))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_search_finds_exactly_the_nearest_fitting_people_of_a_brute_force_check(seed):
    jobs, people, left_out = _region(seed)
    for limit in (2, 200):
        expected = _brute_force(jobs, people, left_out, limit)
        found = job_search.job_candidates([j.pk for j in jobs], limit_per_need=limit).pairs

        assert [(j, s) for j, s, _ in found] == [(j, s) for j, s, _ in expected]
        assert [d for *_, d in found] == pytest.approx([d for *_, d in expected], abs=0.01)

    everybody = _brute_force(jobs, people, left_out, 200)
    per_job = {job.pk: [s for j, s, _ in everybody if j == job.pk] for job in jobs}
    # The small limit cut the lists (so nearest first was really tested) …
    assert sum(len(found) > 2 for found in per_job.values()) >= 3
    # … people on one spot tie, and the id decides between them.
    assert len({(j, d) for j, _, d in everybody}) < len(everybody)
    # … and the group job found people who know only other members of the group, each once.
    cooks_group = per_job[jobs[2].pk]
    assert len(cooks_group) == len(set(cooks_group))
    codes = {p.pk: {e.occupation.code for e in p.experience.all()} for p in people}
    assert any("5120" not in codes[pk] for pk in cooks_group)


def test_people_an_outer_filter_leaves_out_are_never_found():
    jobs, people, left_out = _region(3)

    found = job_search.job_candidates([j.pk for j in jobs], limit_per_need=200)

    assert not {s for _, s, _ in found.pairs} & left_out
    # The records of everybody found are loaded, and only theirs.
    assert set(found.offers) == {s for _, s, _ in found.pairs}
    assert set(found.needs) == {j.pk for j in jobs}


def test_the_search_leaves_the_enclosing_transactions_settings_as_they_were():
    job = JobFactory()
    JobSeekerFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'on', true)")
        assert len(job_search.job_candidates([job.pk]).pairs) == 1
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone()[0] == "on"
