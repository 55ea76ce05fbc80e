"""Property: whatever a person looking for work is called, wherever they live and however
they are reached, an employer finds none of it in any response before both sides said yes;
once both have, the match shows the contact."""

import json
from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.models import MatchState
from tests.api import access_jobs as a
from tests.api.access import World
from tests.conftest import client_for
from tests.jobs.factories import JobSeekerFactory

names = st.builds(
    lambda first, last: f"{first} {last}",
    st.from_regex(r"[A-ZÄÖÜ][a-zäöüß]{3,9}", fullmatch=True),
    st.from_regex(r"[A-ZÄÖÜ][a-zäöüß]{4,12}", fullmatch=True),
)
streets = st.builds(
    lambda name, number: f"{name}straße {number}",
    st.text(alphabet="ABCDEFGHKLMNPRSTUVWZäöüß", min_size=5, max_size=12),
    st.integers(min_value=1, max_value=250),
)
phones = st.from_regex(r"\+49 1[5-7][0-9] [0-9]{6,8}", fullmatch=True)
emails = st.from_regex(r"[a-z]{5,10}\.[a-z]{3,8}@[a-z]{4,9}\.(de|org)", fullmatch=True)
notes = st.from_regex(r"Notiz [A-Z]{6,10}", fullmatch=True)
latitudes = st.floats(min_value=51.30, max_value=51.38).map(lambda v: round(v, 6))
longitudes = st.floats(min_value=12.33, max_value=12.45).map(lambda v: round(v, 6))


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, float):
        yield value


def _person(world: World, kept_by_counsellor: bool, name, phone, email, street, note, lat, lon):
    """A profile with the generated personal data, kept by the person ("volunteer") or by a
    counsellor ("other_member") for them; and the role that answers for it."""
    place = {"address": f"{street}, 04315 Leipzig", "lat": lat, "lon": lon, "description": note}
    if kept_by_counsellor:
        counsellor = world.users["other_member"]
        counsellor.email = email
        counsellor.save(update_fields=["email"])
        seeker = JobSeekerFactory(
            created_by=counsellor,
            counsellor_organisation=world.other_initiative,
            consent_on=date.today(),
            person_name=name,
            person_phone=phone,
            **place,
        )
        return seeker, "other_member"
    person = world.users["volunteer"]
    person.first_name, _, person.last_name = name.partition(" ")
    person.phone, person.email = phone, email
    person.save()
    return JobSeekerFactory(created_by=person, **place), "volunteer"


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kept_by_counsellor=st.booleans(),
    name=names,
    phone=phones,
    email=emails,
    street=streets,
    note=notes,
    lat=latitudes,
    lon=longitudes,
)
def test_an_employer_learns_who_the_person_is_only_after_both_said_yes(
    kept_by_counsellor, name, phone, email, street, note, lat, lon
):
    savepoint = transaction.savepoint()
    cache.clear()  # throttles count per example
    try:
        world = World.build()
        seeker, owner_role = _person(
            world, kept_by_counsellor, name, phone, email, street, note, lat, lon
        )
        job = a.job(world, status="partly_matched", places_open=1)
        match = a.Match.objects.create(
            kind=a.Match.Kind.JOBS,
            job=job,
            job_seeker=seeker,
            quantity=1,
            distance_m=2300,
            score=0.7,
            state=MatchState.OFFERED,
        )
        employer = client_for(world.users["member"])
        secrets = (name, phone, email, street, note)

        def assert_nothing_told(response):
            assert response.status_code in (200, 403, 404), response.content
            text = response.content.decode()
            for secret in secrets:
                assert secret not in text, f"the employer sees {secret!r} in {response.request}"
            numbers = set(_numbers(json.loads(text)))
            assert not {lat, lon} <= numbers, "the employer sees the exact point"
            assert lat not in numbers or seeker.approx_point.y == lat

        for url in (
            "/api/v1/jobs/",
            f"/api/v1/jobs/{job.pk}/",
            "/api/v1/jobs/map/",
            f"/api/v1/jobs/{job.pk}/diagnosis/",
            "/api/v1/matches/",
            "/api/v1/matches/?kind=jobs",
            f"/api/v1/matches/{match.pk}/",
            f"/api/v1/matches/{match.pk}/events/",
            f"/api/v1/matches/{match.pk}/messages/",
            "/api/v1/job-seekers/",
            f"/api/v1/job-seekers/{seeker.pk}/",
            f"/api/v1/job-seekers/{seeker.pk}/diagnosis/",
        ):
            assert_nothing_told(employer.get(url))

        # The employer says yes first: still nothing, until the person says yes too.
        assert_nothing_told(employer.post(f"/api/v1/matches/{match.pk}/accept/"))
        assert_nothing_told(employer.get(f"/api/v1/matches/{match.pk}/"))
        answered = client_for(world.users[owner_role]).post(f"/api/v1/matches/{match.pk}/accept/")
        assert answered.status_code == 200, answered.content
        assert answered.json()["state"] == MatchState.ACCEPTED

        shown = employer.get(f"/api/v1/matches/{match.pk}/").json()["offer"]
        assert shown["contact"]["name"] == name and shown["contact"]["phone"] == phone
        assert street in shown["address"]
        assert note not in json.dumps(shown)  # their own words are not part of the contact
    finally:
        transaction.savepoint_rollback(savepoint)
