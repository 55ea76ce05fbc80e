"""A kind's map reads only what its features show: the exact point and address are not even
fetched, nor the owner's account, the public point comes as its two coordinates, a map of many
records takes as many queries as a map of two, and each feature's geometry is the record's
approximate point."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.factories import DonationOfferFactory, GoodsNeedFactory, UserFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.jobs.factories import JobFactory
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory

pytestmark = pytest.mark.django_db

MAPS = [
    ("/api/v1/goods-needs/map/", GoodsNeedFactory, "donations_goodsneed"),
    ("/api/v1/donation-offers/map/", DonationOfferFactory, "donations_donationoffer"),
    ("/api/v1/housing-offers/map/", HousingOfferFactory, "housing_housingoffer"),
    ("/api/v1/housing-needs/map/", HousingNeedFactory, "housing_housingneed"),
    ("/api/v1/jobs/map/", JobFactory, "jobs_job"),
    ("/api/v1/volunteer-needs/map/", VolunteerNeedFactory, "volunteers_volunteerneed"),
    ("/api/v1/volunteer-profiles/map/", VolunteerProfileFactory, "volunteers_volunteerprofile"),
]


def _read(url: str, user, **params) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        answer = client_for(user).get(url, {"page_size": 100, **params})
    assert answer.status_code == 200, answer.content
    return answer.json(), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize(("url", "factory", "table"), MAPS)
def test_a_map_reads_neither_exact_point_nor_address_and_no_query_per_record(url, factory, table):
    coordinator = UserFactory(role="coordinator", is_staff=True)
    records = [factory(lat=51.30 + i / 100, lon=12.30 + i / 100) for i in range(2)]
    _, few = _read(url, coordinator)
    records += [factory(lat=51.30 + i / 100, lon=12.40 + i / 100) for i in range(6)]
    answer, many = _read(url, coordinator)

    assert answer["count"] == len(records)
    assert len(many) == len(few)
    page = [sql for sql in many if f'FROM "{table}"' in sql and "COUNT(*)" not in sql]
    assert page, many
    for sql in page:
        assert f'"{table}"."point"' not in sql
        assert f'"{table}"."address"' not in sql
    [features] = [sql for sql in page if " LIMIT " in sql]
    # `select_related()` without names had joined every foreign key, the owner's account
    # (password hash included) among them.
    assert '"accounts_user"."password"' not in features
    # Coordinates from PostgreSQL, not each point read into GEOS to take them out again.
    columns = features.split(" FROM ")[0]
    assert f'ST_X("{table}"."approx_point"::geometry)' in columns
    assert f'"{table}"."approx_point",' not in columns + ","
    by_id = {record.pk: record for record in records}
    for feature in answer["features"]:
        approx = by_id[feature["id"]].approx_point
        assert feature["geometry"] == {"type": "Point", "coordinates": [approx.x, approx.y]}


def test_a_map_page_carries_the_count_of_all_rows_without_a_count_query():
    coordinator = UserFactory(role="coordinator", is_staff=True)
    for i in range(7):
        DonationOfferFactory(lat=51.30 + i / 100, lon=12.30)
    url = "/api/v1/donation-offers/map/"
    pages = [_read(url, coordinator, page=n, page_size=3) for n in (1, 2, 3)]
    assert [len(answer["features"]) for answer, _ in pages] == [3, 3, 1]
    assert {answer["count"] for answer, _ in pages} == {7}
    assert [bool(answer["next"]) for answer, _ in pages] == [True, True, False]
    ids = [f["id"] for answer, _ in pages for f in answer["features"]]
    assert len(set(ids)) == 7
    for _, queries in pages:
        assert not [sql for sql in queries if 'COUNT(*) AS "__count"' in sql]

    client = client_for(coordinator)
    assert client.get(url, {"page": 4, "page_size": 3}).status_code == 404
    assert client.get(url, {"page": 0, "page_size": 3}).status_code == 404
    assert client.get(url, {"page": "x", "page_size": 3}).status_code == 404
    assert client.get(url, {"page": 10**19, "page_size": 3}).status_code == 404
    last = client.get(url, {"page": "last", "page_size": 3}).json()
    assert (last["count"], len(last["features"])) == (7, 1)
    empty = client_for(coordinator).get(
        "/api/v1/goods-needs/map/", {"lat": 10, "lon": 10, "within_km": 5}
    )
    assert empty.status_code == 200
    assert (empty.json()["count"], empty.json()["features"]) == (0, [])


def test_a_distinct_queryset_is_counted_after_its_doubles_are_gone():
    from api.pagination import CountedWithRowsPaginator
    from volunteers.models import VolunteerNeed

    need = VolunteerNeedFactory(required_skills=["interpreting", "driving-licence-b"])
    joined = VolunteerNeed.objects.filter(
        required_skills__slug__in=["interpreting", "driving-licence-b"]
    )
    assert joined.count() == 2  # one row per skill: the doubles a window would count
    page = CountedWithRowsPaginator(joined.distinct().order_by("pk"), 10).page(1)
    assert ([row.pk for row in page], page.paginator.count) == ([need.pk], 1)
