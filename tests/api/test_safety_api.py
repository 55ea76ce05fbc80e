"""The safety endpoints: reporting, the coordinators' queue and its handling, suspension,
checks, and what a household learns of a flat's landlord. Bad input is a 400 with a message
per field, and nothing is stored."""

import pytest

from accounts.models import Check
from safety.models import Report, ReportEvent, Suspension
from tests.conftest import client_for
from tests.safety.scenes import coordinator, flat, housing_match, identity_seen, landlord, offered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checked_hosts_only(settings):
    settings.HOUSING_MATCH_UNCHECKED_LANDLORDS = False


@pytest.fixture
def match():
    return offered(housing_match())


def _report(client, match, **fields):
    body = {
        "target": "match",
        "target_id": match.pk,
        "category": "abuse",
        "urgency": "immediate",
        "text": "Er hat uns angeschrien und bedroht.",
        **fields,
    }
    return client.post("/api/v1/reports/", body, format="json")


def test_a_side_reports_a_match_and_coordinators_find_it_in_the_queue(match):
    member = match.housing_need.created_by
    clara = coordinator()

    created = _report(client_for(member), match)

    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "new" and "reporter" not in body
    queue = client_for(clara).get("/api/v1/reports/?state=new").json()["results"]
    [item] = queue
    assert item["id"] == body["id"] and item["reporter"] == member.username
    assert item["reported_user"] == match.housing_offer.landlord_id
    assert item["urgency"] == "immediate" and item["overdue"] is False
    assert [e["action"] for e in item["events"]] == ["filed"]
    own = client_for(member).get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in own] == [body["id"]] and "events" not in own[0]


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"category": "gossip"}, {"category"}),
        ({"urgency": None}, {"urgency"}),
        ({"text": ""}, {"text"}),
        ({"text": "x" * 4001}, {"text"}),
        ({"target": "passport"}, {"target"}),
        ({"target_id": "zwölf"}, {"target_id"}),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_stores_nothing(match, fields, bad):
    answer = _report(client_for(match.housing_need.created_by), match, **fields)

    assert answer.status_code == 400
    assert bad <= set(answer.json()) and all(answer.json()[name] for name in bad)
    assert not Report.objects.exists() and not ReportEvent.objects.exists()


def test_a_match_the_reporter_is_no_side_of_is_not_found(match):
    stranger = landlord("otto")

    answer = _report(client_for(stranger), match)

    assert answer.status_code == 404 and not Report.objects.exists()


def test_coordinators_take_note_and_close_and_a_second_take_is_a_conflict(match):
    clara = coordinator()
    report_id = _report(client_for(match.housing_need.created_by), match).json()["id"]
    api = client_for(clara)

    taken = api.post(f"/api/v1/reports/{report_id}/take/", {}, format="json")
    again = api.post(f"/api/v1/reports/{report_id}/take/", {}, format="json")
    noted = api.post(f"/api/v1/reports/{report_id}/notes/", {"note": "Angerufen"}, format="json")
    empty = api.post(f"/api/v1/reports/{report_id}/close/", {"note": ""}, format="json")
    closed = api.post(f"/api/v1/reports/{report_id}/close/", {"note": "Geklärt"}, format="json")

    assert (taken.status_code, again.status_code, noted.status_code) == (200, 409, 201)
    assert empty.status_code == 400 and "note" in empty.json()
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    history = [(e["action"], e["actor"], e["note"]) for e in closed.json()["events"]]
    assert history[1:] == [
        ("taken", "clara", ""),
        ("note", "clara", "Angerufen"),
        ("closed", "clara", "Geklärt"),
    ]


def test_suspending_over_the_api_ends_the_match_and_lifting_restores(match):
    clara = client_for(coordinator())
    owner = match.housing_offer.landlord
    report_id = _report(client_for(match.housing_need.created_by), match).json()["id"]

    no_reason = clara.post(f"/api/v1/users/{owner.pk}/suspend/", {"reason": ""}, format="json")
    suspended = clara.post(
        f"/api/v1/users/{owner.pk}/suspend/",
        {"reason": "Bedrohung", "report": report_id},
        format="json",
    )
    twice = clara.post(f"/api/v1/users/{owner.pk}/suspend/", {"reason": "x"}, format="json")

    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert suspended.status_code == 201 and suspended.json()["matches_cancelled"] == 1
    assert twice.status_code == 409
    assert Suspension.objects.count() == 1
    report = client_for(coordinator()).get(f"/api/v1/reports/{report_id}/").json()
    assert report["events"][-1]["action"] == "suspended"

    lifted = clara.post(
        f"/api/v1/users/{owner.pk}/lift-suspension/", {"reason": "Geklärt"}, format="json"
    )
    history = clara.get(f"/api/v1/users/{owner.pk}/suspensions/")
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == "clara"
    assert [s["reason"] for s in history.json()] == ["Bedrohung"]
    owner.refresh_from_db()
    assert owner.is_active


def test_coordinators_record_and_withdraw_checks_and_bad_input_stores_nothing():
    clara = client_for(coordinator())
    owner = landlord()
    url = f"/api/v1/users/{owner.pk}/checks/"

    undated = clara.post(url, {"kind": "certificate_of_conduct"}, format="json")
    unknown = clara.post(url, {"kind": "passport_copy"}, format="json")
    assert undated.status_code == 400 and "certificate_date" in undated.json()
    assert unknown.status_code == 400 and "kind" in unknown.json()
    assert not Check.objects.exists()

    made = clara.post(url, {"kind": "identity", "note": "Ausweis gesehen"}, format="json")
    assert made.status_code == 201 and made.json()["recorded_by"] == "clara"
    withdrawn = clara.post(
        f"/api/v1/checks/{made.json()['id']}/withdraw/", {"reason": "Verwechslung"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_by"] == "clara"
    [listed] = clara.get(url).json()
    assert listed["withdrawn_at"] is not None


def test_a_household_sees_that_a_flat_is_checked_but_not_the_note_or_who(match):
    clara = coordinator()
    owner = landlord("lena")
    identity_seen(owner, by=clara)
    offer = flat(owner)
    member = match.housing_need.created_by
    Check.objects.filter(subject=owner).update(note="Reisepass Nr. 123")

    checked = client_for(member).get(f"/api/v1/housing-offers/{offer.pk}/checks/")
    unchecked = client_for(member).get(f"/api/v1/housing-offers/{flat(landlord('udo')).pk}/checks/")

    assert checked.status_code == 200
    assert checked.json()["checked_by_welcome_centre"] is True
    assert checked.json()["checks"] == ["identity"]
    assert "123" not in checked.content.decode() and "clara" not in checked.content.decode()
    assert unchecked.json() == {"checked_by_welcome_centre": False, "checks": [], "labels": []}
