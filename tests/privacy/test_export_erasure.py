"""A person's data: the export holds all of it; after erasure no table holds any of it.

The proof scans every text and JSON column of every table for a marker that was written into
every personal field, and every geometry column for the exact point, so a new table or field
that keeps personal data fails here without anyone having to remember this test.
"""

import importlib
import json
import uuid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Membership, Role, User
from donations.models import DonationOffer, GoodsNeed
from geo.models import GeocodeCacheEntry
from lifecycle.services import lifecycle_models
from lifecycle.states import Status
from matching import notices
from matching.models import Match, MatchMessage, MatchState
from notifications.models import Notification
from notifications.services import notify
from tests.conftest import client_for
from tests.donations.factories import EXACT_LAT, EXACT_LON
from tests.factories import GoodsNeedFactory, MembershipFactory, OrganisationFactory, UserFactory

PASSWORD = "correct horse battery"
# Every app with personal records lists them in tests/<app>/factories.py:personal_records.
PERSONAL_FACTORY_MODULES = (
    "tests.donations.factories",
    "tests.volunteers.factories",
    "tests.housing.factories",
    "tests.jobs.factories",
)


def personal_factories() -> list:
    found = []
    for name in PERSONAL_FACTORY_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append(module.personal_records)
    return found


def personal_kinds() -> set[type]:
    return {model for model in lifecycle_models() if model.OWNER_FIELD}


# --- scanning the whole database ---------------------------------------------------------


def tables_holding(text: str) -> list[str]:
    """ "table.column" of every text, varchar and JSON column of the public schema in which
    some row contains `text` (case-insensitive)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public'
              AND t.table_type = 'BASE TABLE'
              AND c.table_name <> 'django_migrations'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            """
        )
        columns = cursor.fetchall()
        found = []
        pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1', [pattern]
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


def tables_with_point(lat: float, lon: float) -> list[str]:
    """Every geometry or geography column holding a point within 1 m of (lat, lon)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.udt_name IN ('geometry', 'geography')
            """
        )
        found = []
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE ST_DWithin("{column}"::geography, '
                "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, 1) LIMIT 1",
                [lon, lat],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


# --- the person and everything around them -------------------------------------------------


@pytest.fixture
def marker() -> str:
    return f"Mrk{uuid.uuid4().hex[:10]}"


@pytest.fixture
def person(db, marker):
    user = UserFactory(
        username=f"user-{marker}",
        email=f"{marker}@example.org",
        first_name=f"Vorname{marker}",
        last_name=f"Nachname{marker}",
        phone=f"+49 {marker}",
        role=Role.DONOR,
        password=PASSWORD,
    )
    return user


@pytest.fixture
def footprint(person, marker, django_capture_on_commit_callbacks):
    """Records, a match with its messages, a membership, a need created for an initiative,
    a session, a token, admin log lines and a cached geocoder answer."""
    records = [r for factory in personal_factories() for r in factory(person, marker)]
    initiative = OrganisationFactory(name="Notunterkunft Grünau")
    colleague = UserFactory(username="ines", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=colleague, organisation=initiative, is_admin=True)
    MembershipFactory(user=person, organisation=initiative, status=Membership.Status.REQUESTED)
    initiative_need = GoodsNeedFactory(organisation=initiative, created_by=person)
    offer = next(r for r in records if isinstance(r, DonationOffer))
    other_need = GoodsNeedFactory(organisation=initiative, created_by=colleague)
    match = Match.objects.create(
        goods_need=other_need, donation_offer=offer, quantity=5, distance_m=1200, score=0.7
    )
    with django_capture_on_commit_callbacks():
        Match.objects.filter(pk=match.pk).update(state="offered")
        match.refresh_from_db()
        notices.offered(match)  # the initiative's copy quotes the offer's title
        said = f"Klingeln Sie zweimal, {marker}"
        message = MatchMessage.objects.create(
            match=match, sender=person, sender_side="offer", body=said
        )
        notices.message(match, "offer", said, message.pk)  # relayed to the initiative
        notify(person, "geocoding_failed", f"test:{marker}", {"address": offer.address})
    GeocodeCacheEntry.objects.create(
        provider="nominatim",
        query=offer.address,
        found=True,
        latitude=EXACT_LAT,
        longitude=EXACT_LON,
        raw={"display_name": offer.address},
    )
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    for obj in (person, offer):
        LogEntry.objects.create(
            user=admin,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["email"]}}]),
        )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(initiative),
        object_id=str(initiative.pk),
        object_repr=str(initiative),
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"added": {"name": "membership", "object": f"{person.username} @ {initiative}"}}]
        ),
    )
    session_client = APIClient()
    session_client.force_login(person)
    Token.objects.create(user=person)
    return {
        "records": records,
        "offer": offer,
        "match": match,
        "initiative_need": initiative_need,
    }


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_kind_of_personal_record_has_a_factory_in_the_round_trip(person, marker):
    # A new kind of need or offer owned by a person must add personal_records() to its
    # tests/<app>/factories.py, or erasure is never proven for it.
    records = [r for factory in personal_factories() for r in factory(person, marker)]
    missing = personal_kinds() - {type(r) for r in records}
    names = sorted(m.__name__ for m in missing)
    assert not missing, f"no personal_records() in tests/<app>/factories.py covers {names}"


@pytest.mark.django_db
def test_the_export_holds_the_persons_data_and_records(person, marker, footprint):
    response = client_for(person).get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == person.email
    assert data["account"]["phone"] == person.phone
    assert "password" not in data["account"]
    exported = {(r["kind"], r["id"]) for r in data["records"]}
    for record in [*footprint["records"], footprint["initiative_need"]]:
        assert (record._meta.label_lower, record.pk) in exported
    offer = next(
        r
        for r in data["records"]
        if (r["kind"], r["id"]) == ("donations.donationoffer", footprint["offer"].pk)
    )
    assert marker in offer["address"] and marker in offer["title"]
    assert offer["point"] == {"lat": pytest.approx(EXACT_LAT), "lon": pytest.approx(EXACT_LON)}
    assert len(offer["history"]) >= 2 and any(marker in h["title"] for h in offer["history"])
    assert [m["id"] for m in data["matches"]] == [footprint["match"].pk]
    assert data["matches"][0]["events"] == []
    assert {m["organisation"]["name"] for m in data["memberships"]} == {"Notunterkunft Grünau"}
    assert {n["template"] for n in data["notifications"]} == {
        "match_offered",
        "geocoding_failed",
    }
    assert [m["body"] for m in data["messages_sent"]] == [f"Klingeln Sie zweimal, {marker}"]


@pytest.mark.django_db
def test_after_erasure_no_table_holds_the_persons_data(person, marker, footprint):
    email, phone = person.email, person.phone
    # The scan works: before erasure it finds the person in many places.
    assert len(tables_holding(marker)) >= 5
    assert tables_with_point(EXACT_LAT, EXACT_LON)

    response = client_for(person).post("/api/v1/me/erase/", {"password": PASSWORD})
    assert response.status_code == 204, response.content

    assert tables_holding(marker) == []
    assert tables_holding(email) == []
    assert tables_holding(phone) == []
    assert tables_with_point(EXACT_LAT, EXACT_LON) == []


@pytest.mark.django_db
def test_erasure_withdraws_open_offers_and_keeps_what_statistics_count(person, footprint):
    offer, match = footprint["offer"], footprint["match"]
    counts = {model: model.objects.count() for model in lifecycle_models()}
    need = footprint["initiative_need"]

    assert client_for(person).post("/api/v1/me/erase/", {"password": PASSWORD}).status_code == 204

    assert {model: model.objects.count() for model in lifecycle_models()} == counts
    offer.refresh_from_db()
    assert offer.status == Status.WITHDRAWN and offer.scrubbed_at is not None
    assert (offer.category.slug, offer.quantity, offer.district) == (
        "clothing-winter-jacket",
        10,
        "Zentrum",
    )
    assert offer.point == offer.approx_point
    match.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    # The initiative's need stays with the initiative, unchanged, created by nobody known.
    need.refresh_from_db()
    assert need.status == Status.OPEN and need.created_by_id == person.pk
    assert GoodsNeed.objects.filter(pk=need.pk, scrubbed_at__isnull=True).exists()

    person.refresh_from_db()
    assert person.username == f"erased-{person.pk}"
    assert (person.email, person.first_name, person.last_name, person.phone) == ("", "", "", "")
    assert not person.is_active and not person.has_usable_password()
    assert person.erased_at is not None
    assert not Token.objects.filter(user=person).exists()
    assert not Membership.objects.filter(user=person).exists()
    assert not Notification.objects.filter(recipient=person).exists()
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(person.pk) not in sessions
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
    )
    assert entry.object_repr == f"erased-{person.pk}"


@pytest.mark.django_db
def test_an_erased_person_cannot_log_in(person, footprint):
    username = person.username
    assert client_for(person).post("/api/v1/me/erase/", {"password": PASSWORD}).status_code == 204
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    person.refresh_from_db()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": person.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_wrong_password_erases_nothing(
    person, marker, footprint, django_capture_on_commit_callbacks
):
    before = tables_holding(marker)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(person).post("/api/v1/me/erase/", {"password": "not mine"})
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert callbacks == []
    assert tables_holding(marker) == before
    person.refresh_from_db()
    assert person.is_active and person.check_password(PASSWORD) and person.erased_at is None
    footprint["offer"].refresh_from_db()
    assert footprint["offer"].status == Status.OPEN
    assert Token.objects.filter(user=person).exists()


@pytest.mark.django_db
def test_erasure_needs_a_password(person):
    response = client_for(person).post("/api/v1/me/erase/", {})
    assert response.status_code == 400 and "password" in response.json()
    person.refresh_from_db()
    assert person.is_active
