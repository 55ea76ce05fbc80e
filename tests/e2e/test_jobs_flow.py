"""Work end to end with a real worker, real Redis and a real SMTP sink: a company registers
and is checked by the welcome centre, posts two places; three people looking for work make
their profiles; the worker proposes two of them; a coordinator approves; both sides say yes;
only then do the employer and the person learn each other's name and contact."""

from datetime import date, timedelta

import pytest

from accounts.models import Role
from matching.models import Match
from notifications.models import Notification
from tests.e2e.test_goods_flow import login
from tests.e2e.test_match_lifecycle import html_of, text_of, wait_for_mail
from tests.factories import UserFactory
from tests.smtp import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PEOPLE = [
    # (username, language, phone, address, German level, years as a cook)
    ("amal", "ar", "0176 1110001", "Eisenbahnstraße 40, 04315 Leipzig", "B1", 6),
    ("oksana", "uk", "0176 1110002", "Lützner Straße 90, 04177 Leipzig", "B2", 3),
    ("reza", "en", "0176 1110003", "Georg-Schwarz-Straße 20, 04177 Leipzig", "A2", 2),
]


def person(username: str, language: str, phone: str):
    return UserFactory(
        username=username,
        email=f"{username}@example.org",
        first_name=username.capitalize(),
        last_name="Secretname",
        phone=phone,
        role=Role.VOLUNTEER,
        preferred_language=language,
    )


def test_an_employer_checked_by_the_centre_fills_two_places_and_contacts_follow_both_yeses(
    processes, broker, sink, coordinator
):
    processes.worker("w1")
    owner = UserFactory(
        username="erik",
        email="erik@hotel-example.org",
        phone="0341 2220000",
        role=Role.INITIATIVE_MEMBER,
        preferred_language="de",
    )
    employer_api, coordinator_api = login(owner.username), login(coordinator.username)
    registered = employer_api.post(
        "/api/v1/employers/", {"name": "Hotel am Ring", "city": "Leipzig"}, format="json"
    )
    assert registered.status_code == 201, registered.content
    employer_id = registered.json()["id"]

    job = employer_api.post(
        "/api/v1/jobs/",
        {
            "title": "Koch/Köchin für die Hotelküche",
            "address": "Karl-Liebknecht-Straße 10, 04107 Leipzig",
            "occupation": "5120",
            "places": 2,
            "hours": "full_time",
            "start_date": (date.today() + timedelta(days=21)).isoformat(),
            "german_min": "A2",
            "open_to": ["permit", "approval"],
            "pay_min": "2400",
            "pay_max": "2900",
        },
        format="json",
    )
    assert job.status_code == 201, job.content
    job_id = job.json()["id"]

    seekers = {}
    for username, language, phone, address, german, years in PEOPLE:
        user = person(username, language, phone)
        made = login(username).post(
            "/api/v1/job-seekers/",
            {
                "address": address,
                "experience": [{"occupation": "5120", "years": years}],
                "hours_wanted": ["full_time"],
                "available_from": date.today().isoformat(),
                "residence": "approval" if username == "amal" else "permit",
                "german_level": german,
                "languages": sorted({language, "en"}),
                "description": f"{username} cooked for years.",
            },
            format="json",
        )
        assert made.status_code == 201, made.content
        seekers[made.json()["id"]] = user

    # Nothing is proposed while the welcome centre has not checked the employer.
    assert not Match.objects.exists()
    checked = coordinator_api.post(f"/api/v1/employers/{employer_id}/check/", {}, format="json")
    assert checked.status_code == 200, checked.content

    proposals = wait_until(
        lambda: Match.objects.filter(kind="jobs", state="proposed").count() == 2,
        90,
        "two proposals of work",
    ) and list(Match.objects.filter(kind="jobs", state="proposed").order_by("pk"))
    assert len(proposals) == 2 and {m.job_id for m in proposals} == {job_id}
    # Review comes first: nobody hears of a proposal of work before a coordinator approved it.
    assert not sink.received() and not Notification.objects.exists()

    for match in proposals:
        approved = coordinator_api.post(
            f"/api/v1/matches/{match.pk}/approve/", {"reason": "Fits"}, format="json"
        )
        assert approved.status_code == 200 and approved.json()["state"] == "offered"

    first = proposals[0]
    worker = seekers[first.job_seeker_id]
    to_employer = wait_for_mail(sink, owner.email, "match_offered")
    to_person = wait_for_mail(sink, worker.email, "match_offered")
    assert to_person["Content-Language"] == worker.preferred_language
    assert "Hotel am Ring" in text_of(to_person)
    # Before both said yes the employer reads an anonymous summary only.
    for message in [m for m in sink.received() if str(m["To"]) == owner.email]:
        whole = message.as_string()
        for secret in ["Secretname", "0176 111000", "Eisenbahnstra", "Lützner", "cooked for"]:
            assert secret not in whole
    # … which names the person's German level and experience, in the employer's language.
    assert "Koch" in text_of(to_employer)
    seen = employer_api.get(f"/api/v1/matches/{first.pk}/").json()
    assert "Secretname" not in str(seen) and worker.phone not in str(seen)

    accepted = employer_api.post(f"/api/v1/matches/{first.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert "Secretname" not in str(employer_api.get(f"/api/v1/matches/{first.pk}/").json())
    accepted = login(worker.username).post(f"/api/v1/matches/{first.pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"

    told_employer = wait_for_mail(sink, owner.email, "match_accepted")
    told_person = wait_for_mail(sink, worker.email, "match_accepted")
    assert worker.phone in text_of(told_employer) and worker.phone in html_of(told_employer)
    assert "Karl-Liebknecht-Straße 10" in text_of(told_person)
    assert "Secretname" in str(employer_api.get(f"/api/v1/matches/{first.pk}/").json())
    # The other proposal's person is still a stranger to the employer.
    other = proposals[1]
    assert seekers[other.job_seeker_id].phone not in str(
        employer_api.get(f"/api/v1/matches/{other.pk}/").json()
    )
