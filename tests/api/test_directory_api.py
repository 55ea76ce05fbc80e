"""The directory over the API: public search without login, one service, the map, topics;
writes for the organisation's members; bad input a 400 with field messages and nothing saved."""

import pytest

from accounts.models import Role
from directory.models import OpeningHours, PublicationStatus, Service
from tests.conftest import client_for
from tests.directory.factories import ProviderProfileFactory, ServiceFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/directory/services/"


@pytest.fixture
def member():
    organisation = OrganisationFactory(name="Beratungsnetz Ost")
    user = UserFactory(username="mira", role=Role.INITIATIVE_MEMBER)
    MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def provider(member):
    return ProviderProfileFactory(organisation=member.organisations.get(), needs_review=False)


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anyone_searches_in_arabic_and_for_staff_who_speak_arabic():
    arabic = ServiceFactory(
        language="ar", title="استشارة قانونية", description="إجراءات اللجوء", languages=["ar"]
    )
    german = ServiceFactory(title="Rechtsberatung", languages=["de"])
    client = client_for(None)
    assert _ids(client.get(URL, {"q": "اللجوء"})) == {arabic.pk}
    assert _ids(client.get(URL, {"language": "ar"})) == {arabic.pk}
    assert _ids(client.get(URL, {"q": "Rechtsberatung"})) == {german.pk}


def test_open_at_a_moment_across_midnight_and_nearest_first():
    night = ServiceFactory(hours=[(4, "20:00", "02:00")], lat=51.34, lon=12.33)
    day = ServiceFactory(hours=[(5, "09:00", "12:00")], lat=51.31, lon=12.44)
    client = client_for(None)
    found = _ids(client.get(URL, {"open_at": "2026-11-28T01:00:00+01:00"}))
    assert found == {night.pk}
    rows = client.get(URL, {"lat": 51.34, "lon": 12.33}).json()["results"]
    assert [row["id"] for row in rows] == [night.pk, day.pk]
    assert rows[0]["distance_km"] == 0.0


def test_a_service_reads_in_the_asked_language_or_says_it_is_missing():
    service = ServiceFactory(title="Sprachcafé", hours=[(0, "09:00", "12:00")])
    response = client_for(None).get(f"{URL}{service.pk}/", HTTP_ACCEPT_LANGUAGE="uk")
    body = response.json()
    assert (body["title"], body["text_language"], body["text_notice"]) == (
        "Sprachcafé",
        "de",
        "missing",
    )
    assert body["hours"] == [
        {"weekday": 0, "opens": "09:00", "closes": "12:00", "overnight": False}
    ]
    assert body["topic_names"][0]["name"] == "Процедура надання притулку"


def test_drafts_are_not_public():
    draft = ServiceFactory(status=PublicationStatus.DRAFT)
    client = client_for(None)
    assert _ids(client.get(URL)) == set()
    assert client.get(f"{URL}{draft.pk}/").status_code == 404


def test_the_map_is_geojson_with_a_link_to_each_page():
    service = ServiceFactory(title="Frauencafé", lat=51.35, lon=12.41)
    body = client_for(None).get(f"{URL}map/").json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["geometry"]["coordinates"] == pytest.approx([12.41, 51.35])
    assert feature["properties"]["title"] == "Frauencafé"
    assert feature["properties"]["url"] == f"/directory/services/{service.pk}/"


def test_topics_are_named_in_every_language():
    body = client_for(None).get("/api/v1/directory/topics/", HTTP_ACCEPT_LANGUAGE="ar").json()
    asylum = next(row for row in body if row["slug"] == "asylum")
    assert asylum["name"] == "إجراءات اللجوء"
    assert set(asylum["names"]) == {"de", "en", "uk", "ar"}


def _body(provider, **overrides) -> dict:
    body = {
        "provider": provider.pk,
        "title": "Beratung am Abend",
        "topics": ["asylum"],
        "languages": ["de", "ar"],
        "address": "04315 Leipzig",
        "hours": [{"weekday": 4, "opens": "20:00", "closes": "02:00"}],
    }
    body.update(overrides)
    return body


def test_a_member_creates_and_publishes_a_service(member, provider):
    client = client_for(member)
    response = client.post(URL, _body(provider), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    assert response.json()["hours"][0]["overnight"] is True
    pk = response.json()["id"]
    published = client.post(f"{URL}{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_hours_ending_before_they_start_are_a_400_and_nothing_is_saved(member, provider):
    body = _body(provider, hours=[{"weekday": 1, "opens": "18:00", "closes": "09:00"}])
    client = client_for(member)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["hours"]
    assert "ends before it starts" in response.json()["hours"][0]
    assert Service.objects.count() == 0 and OpeningHours.objects.count() == 0


def test_an_unknown_topic_is_a_400_and_nothing_is_saved(member, provider):
    response = client_for(member).post(URL, _body(provider, topics=["astrology"]), format="json")
    assert response.status_code == 400
    assert "astrology" in response.json()["topics"][0]
    assert Service.objects.count() == 0


def test_a_bad_filter_is_a_400_naming_it():
    client = client_for(None)
    assert "topic" in client.get(URL, {"topic": "astrology"}).json()
    response = client.get(URL, {"within_km": 5})
    assert response.status_code == 400 and "within_km" in response.json()


def test_a_change_by_someone_outside_is_refused_and_changes_nothing(provider):
    service = ServiceFactory(provider=provider, barrier_free=False)
    stranger = UserFactory(username="stranger", role=Role.INITIATIVE_MEMBER)
    response = client_for(stranger).patch(
        f"{URL}{service.pk}/", {"barrier_free": True}, format="json"
    )
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.barrier_free is False
