"""Work over the API: the occupations, employers and their check, jobs (public once the
employer is checked), people looking for work (private), diagnoses, bad input."""

from datetime import date, timedelta

import pytest

from accounts.models import Membership, Role
from jobs.models import Employer, Job, JobSeeker
from matching.models import Match, MatchState
from tests.api import access_jobs as a
from tests.api.access import World
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.jobs.factories import JobFactory, JobSeekerFactory, occupation

TODAY = date.today()
JOBS = "/api/v1/jobs/"
SEEKERS = "/api/v1/job-seekers/"
JOB = {
    "title": "Koch/Köchin in der Kantine",
    "description": "Frühschicht, Mo–Fr.",
    "address": "Karl-Heine-Straße 12, 04229 Leipzig",
    "occupation": "5120",
    "places": 2,
    "hours": "full_time",
    "start_date": (TODAY + timedelta(days=20)).isoformat(),
    "pay_min": "2400",
    "pay_max": "2800",
    "german_min": "a2",
    "languages": ["en"],
    "open_to": ["permit", "approval"],
}
SEEKER = {
    "address": "04229 Leipzig",
    "experience": [{"occupation": "5120", "years": 4}, {"occupation": "9412", "years": "1.5"}],
    "german_level": "A2",
    "languages": ["uk", "en"],
    "hours_wanted": ["full_time"],
    "available_from": TODAY.isoformat(),
    "residence": "permit",
    "description": "Zwölf Jahre Großküche in Charkiw.",
}


@pytest.fixture
def world(db) -> World:
    world = World.build()
    for user in world.users.values():
        if user is not None:
            user.preferred_language = "en"
            user.save(update_fields=["preferred_language"])
    return world


def _en(user=None):
    client = client_for(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


# --- occupations and employers -------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_reads_the_occupations_as_groups_in_their_language():
    groups = _en().get("/api/v1/occupations/").json()
    hospitality = next(group for group in groups if group["code"] == "51")
    assert {"code": "5120", "name": "Cook"} in hospitality["occupations"]
    german = client_for(None).get("/api/v1/occupations/", HTTP_ACCEPT_LANGUAGE="de").json()
    cook = next(o for g in german for o in g["occupations"] if o["code"] == "5120")
    assert cook["name"] == "Koch/Köchin"


def test_a_company_registers_and_a_coordinator_checks_it(world):
    owner = world.users["landlord"]
    response = _en(owner).post(
        "/api/v1/employers/", {"name": "Gärtnerei Grünfink", "city": "Leipzig"}, format="json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["is_checked"] is False and created["name"] == "Gärtnerei Grünfink"
    assert Membership.objects.filter(user=owner, organisation_id=created["organisation"]).exists()

    coordinator = _en(world.users["coordinator"])
    unchecked = coordinator.get("/api/v1/employers/?checked=false").json()["results"]
    assert [e["id"] for e in unchecked] == [created["id"]]
    checked = coordinator.post(f"/api/v1/employers/{created['id']}/check/")
    assert checked.status_code == 200 and checked.json()["is_checked"] is True
    assert coordinator.get("/api/v1/employers/?checked=false").json()["results"] == []
    assert _en(owner).get("/api/v1/employers/").status_code == 403
    withdrawn = coordinator.post(f"/api/v1/employers/{created['id']}/uncheck/")
    assert withdrawn.json()["is_checked"] is False


def test_a_company_name_taken_already_is_a_400_and_nothing_is_made(world):
    a.employer(world)
    before = Employer.objects.count()
    response = _en(world.users["landlord"]).post(
        "/api/v1/employers/", {"name": a.EMPLOYER_NAME}, format="json"
    )
    assert response.status_code == 400 and "name" in response.json()
    assert Employer.objects.count() == before


# --- jobs ----------------------------------------------------------------------------------


def test_a_member_posts_a_job_which_is_public_once_the_employer_is_checked(world):
    employer = a.employer(world, checked=False)
    member = _en(world.users["member"])
    response = member.post(JOBS, JOB, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["address"] == JOB["address"] and body["is_mine"] and body["german_min"] == "A2"
    assert body["occupation"] == {"code": "5120", "name": "Cook"}
    assert body["pay_min"] == 2400.0 and body["employer_checked"] is False
    job_id = body["id"]

    # Not checked: nobody else finds it, in the list, on the map or by its id.
    anonymous = _en()
    assert anonymous.get(JOBS).json()["results"] == []
    assert anonymous.get(f"{JOBS}map/").json()["features"] == []
    assert anonymous.get(f"{JOBS}{job_id}/").status_code == 404
    assert _en(world.users["volunteer"]).get(f"{JOBS}{job_id}/").status_code == 404
    assert [j["id"] for j in member.get(JOBS).json()["results"]] == [job_id]

    employer.checked_at = employer.created_at
    employer.save()
    listed = anonymous.get(JOBS).json()["results"]
    assert [j["id"] for j in listed] == [job_id]
    assert listed[0]["address"] is listed[0]["location"] is listed[0]["contact"] is None
    assert listed[0]["approx_location"] and listed[0]["district"]
    seen = _en(world.users["volunteer"]).get(f"{JOBS}{job_id}/").json()
    assert seen["title"] == JOB["title"] and seen["address"] is None
    feature = anonymous.get(f"{JOBS}map/").json()["features"][0]
    assert feature["geometry"]["type"] == "Point" and "address" not in feature["properties"]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"german_min": "Z9"}, "german_min"),
        ({"start_date": "1900-01-01"}, "start_date"),
        ({"pay_min": "3000", "pay_max": "2000"}, "pay_max"),
        ({"places": 0}, "places"),
    ],
)
def test_bad_job_input_is_a_400_naming_the_field_and_nothing_is_saved(world, change, field):
    a.employer(world)
    member = _en(world.users["member"])
    response = member.post(JOBS, {**JOB, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Job.objects.exists()

    job = a.job(world)
    before = Job.objects.values().get(pk=job.pk)
    response = member.patch(f"{JOBS}{job.pk}/", change, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Job.objects.values().get(pk=job.pk) == before


def test_every_bad_field_of_a_job_is_named_at_once(world):
    a.employer(world)
    body = {**JOB, "german_min": "Z9", "start_date": "1900-01-01", "pay_min": "3000"}
    body["pay_max"] = "2000"
    response = _en(world.users["member"]).post(JOBS, body, format="json")
    assert response.status_code == 400
    assert {"german_min", "start_date", "pay_max"} <= set(response.json())
    assert not Job.objects.exists()


def test_jobs_are_filtered_by_occupation_group_hours_german_district_and_remote(world):
    cook = a.job(world, german_min="B2")
    baker = a.job(world, occupation=occupation("7512"), hours="part_time", german_min="")
    remote = a.job(world, occupation=occupation("51"), remote=True, german_min="A1")

    def ids(query: str) -> set[int]:
        return {j["id"] for j in _en().get(f"{JOBS}?{query}").json()["results"]}

    assert ids("occupation=51") == {cook.pk, remote.pk}
    assert ids("occupation=5120") == {cook.pk, remote.pk}  # a job for the whole group too
    assert ids("occupation=75") == {baker.pk}
    assert ids("hours=part_time") == {baker.pk}
    assert ids("german_at_most=A2") == {baker.pk, remote.pk}
    assert ids("remote=true") == {remote.pk}
    assert ids(f"district={cook.district.upper()}") == {cook.pk, baker.pk, remote.pk}
    assert _en().get(f"{JOBS}?german_at_most=Z9").status_code == 400


def test_the_employer_changes_and_withdraws_a_job_and_a_coordinator_corrects_residence(world):
    job = a.job(world)
    member = _en(world.users["member"])
    changed = member.patch(f"{JOBS}{job.pk}/", {"places": 4, "german_min": "b1"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["places"] == 4 and changed.json()["german_min"] == "B1"
    assert (
        _en(world.users["other_member"]).patch(f"{JOBS}{job.pk}/", {"places": 1}).status_code == 403
    )

    corrected = _en(world.users["coordinator"]).post(
        f"{JOBS}{job.pk}/residence/", {"open_to": ["permit"]}, format="json"
    )
    assert corrected.status_code == 200 and corrected.json()["open_to"] == ["permit"]
    assert (
        member.post(f"{JOBS}{job.pk}/residence/", {"open_to": []}, format="json").status_code == 403
    )

    withdrawn = member.post(f"{JOBS}{job.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert _en().get(f"{JOBS}{job.pk}/").status_code == 404


def test_a_coordinator_reads_why_a_job_is_unmet_and_the_employer_does_not(world):
    # Counts of people by reason around a place the employer chooses would tell it where
    # people looking for work live and what they may do: coordinators only, as for all kinds.
    job = a.job(world, german_min="C1")
    a.seeker(world)  # speaks B1
    assert _en(world.users["member"]).get(f"{JOBS}{job.pk}/diagnosis/").status_code == 403
    response = _en(world.users["coordinator"]).get(f"{JOBS}{job.pk}/diagnosis/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reason"] == "german_too_low" and body["employer_checked"] is True
    assert "less German" in body["message"]
    assert a.SEEKER_ADDRESS not in response.content.decode()
    assert _en(world.users["volunteer"]).get(f"{JOBS}{job.pk}/diagnosis/").status_code == 403


# --- people looking for work ---------------------------------------------------------------


def test_a_person_keeps_their_profile_which_nobody_else_finds(world):
    person = _en(world.users["volunteer"])
    response = person.post(SEEKERS, SEEKER, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_mine"] and body["description"] == SEEKER["description"]
    assert [e["occupation"] for e in body["experience"]] == ["5120", "9412"]
    assert body["experience"][0]["name"] == "Cook"
    pk = body["id"]

    for role in ("member", "other_member", "landlord", "donor"):
        other = _en(world.users[role])
        assert other.get(f"{SEEKERS}{pk}/").status_code == 404
        assert (
            other.patch(f"{SEEKERS}{pk}/", {"german_level": "C2"}, format="json").status_code == 404
        )
        assert other.post(f"{SEEKERS}{pk}/withdraw/").status_code == 404
        assert other.get(f"{SEEKERS}{pk}/diagnosis/").status_code == 404
        assert other.get(SEEKERS).json()["results"] == []
    coordinator = _en(world.users["coordinator"])
    assert [s["id"] for s in coordinator.get(SEEKERS).json()["results"]] == [pk]

    changed = person.patch(
        f"{SEEKERS}{pk}/", {"experience": [{"occupation": "7512", "years": 2}]}, format="json"
    )
    assert changed.status_code == 200
    assert [e["occupation"] for e in changed.json()["experience"]] == ["7512"]
    assert person.post(f"{SEEKERS}{pk}/withdraw/").json()["status"] == "withdrawn"


def test_a_counsellor_keeps_a_profile_for_a_person_with_a_colleague(world):
    counsellor = _en(world.users["member"])
    body = {
        **SEEKER,
        "counsellor_organisation": world.initiative.pk,
        "consent_on": TODAY.isoformat(),
        "person_name": "Olena K.",
        "person_phone": "0176 5550123",
    }
    response = counsellor.post(SEEKERS, body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["contact"]["name"] == "Olena K."

    colleague = UserFactory(username="kollegin", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=colleague, organisation=world.initiative)
    seen = _en(colleague).get(f"{SEEKERS}{pk}/")
    assert seen.status_code == 200 and seen.json()["person_name"] == "Olena K."
    assert [s["id"] for s in _en(colleague).get(f"{SEEKERS}?mine=true").json()["results"]] == [pk]
    changed = _en(colleague).patch(f"{SEEKERS}{pk}/", {"german_level": "B1"}, format="json")
    assert changed.status_code == 200 and changed.json()["german_level"] == "B1"
    assert _en(world.users["other_member"]).get(f"{SEEKERS}{pk}/").status_code == 404


def test_a_counsellor_without_consent_or_membership_is_a_400_and_nothing_is_saved(world):
    body = {**SEEKER, "counsellor_organisation": world.initiative.pk, "person_name": "Olena K."}
    response = _en(world.users["member"]).post(SEEKERS, body, format="json")
    assert response.status_code == 400 and "consent_on" in response.json()
    response = _en(world.users["other_member"]).post(
        SEEKERS, {**body, "consent_on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 400 and "counsellor_organisation" in response.json()
    assert not JobSeeker.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"german_level": "Z9"}, "german_level"),
        ({"available_from": "1900-01-01"}, "available_from"),
        ({"experience": []}, "experience"),
        ({"hours_wanted": ["night"]}, "hours_wanted"),
    ],
)
def test_bad_profile_input_is_a_400_naming_the_field_and_nothing_is_saved(world, change, field):
    response = _en(world.users["volunteer"]).post(SEEKERS, {**SEEKER, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not JobSeeker.objects.exists()


def test_a_person_reads_why_no_proposal_came(world):
    seeker = a.seeker(world, hours_wanted=["mini_job"])
    a.job(world)  # full time
    response = _en(world.users["volunteer"]).get(f"{SEEKERS}{seeker.pk}/diagnosis/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reason"] == "hours_differ" and "other hours" in body["message"]
    assert body["counts"]["hours_differ"] == 1 and body["radius_km"] == 15
    assert a.JOB_ADDRESS not in response.content.decode()

    far = JobSeekerFactory(created_by=world.users["donor"], lat=53.55, lon=9.99)
    lonely = _en(world.users["donor"]).get(f"{SEEKERS}{far.pk}/diagnosis/").json()
    assert lonely["reason"] == "nothing_in_range" and "15 km" in lonely["message"]


# --- matches of work -----------------------------------------------------------------------


@pytest.mark.parametrize("state", [MatchState.OFFERED, MatchState.ACCEPTED])
def test_the_employer_sees_a_summary_of_the_person_and_the_contact_only_after_both_said_yes(
    world, state
):
    match = a.jobs_match(world, state)
    revealed = state == MatchState.ACCEPTED
    response = _en(world.users["member"]).get(f"/api/v1/matches/{match.pk}/")
    assert response.status_code == 200, response.content
    person = response.json()["offer"]
    assert person["title"] == "Person looking for work"
    assert person["summary"]["occupations"] == [{"code": "5120", "name": "Cook", "years": 4.0}]
    assert person["summary"]["german_level"] == "B1" and person["summary"]["languages"]
    text = response.content.decode()
    assert (a.SEEKER_ADDRESS in text) is revealed
    assert ("0176 444" in text) is revealed
    assert a.SEEKER_NOTES not in text  # their own words stay theirs
    listed = _en(world.users["member"]).get("/api/v1/matches/?kind=jobs").json()["results"]
    assert [m["id"] for m in listed] == [match.pk]
    assert (a.SEEKER_ADDRESS in str(listed)) is revealed

    seen_by_person = _en(world.users["volunteer"]).get(f"/api/v1/matches/{match.pk}/").json()
    assert seen_by_person["need"]["summary"] is None
    assert (seen_by_person["need"]["address"] == a.JOB_ADDRESS) is revealed


def test_a_job_of_a_checked_employer_is_matched_by_hand_and_shown_as_a_jobs_match(world):
    job = a.job(world)
    seeker = a.seeker(world)
    response = _en(world.users["coordinator"]).post(
        "/api/v1/matches/",
        {"kind": "jobs", "need": job.pk, "offer": seeker.pk, "reason": "Telefonat"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "jobs" and response.json()["organisation"] == a.EMPLOYER_NAME
    assert Match.objects.get().job_id == job.pk


def test_a_job_posted_by_anyone_but_a_member_of_an_employer_is_refused(world):
    JobFactory()  # another employer's job
    response = _en(world.users["volunteer"]).post(JOBS, JOB, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    assert Job.objects.count() == 1
