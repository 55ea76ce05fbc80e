"""Bad input over HTTP, as an attacker sends it: a 400 with a field message and nothing
stored, never a 5xx.

Text with null bytes, direction overrides and control characters in every kind of field;
JSON nested deeper than the parser's limit or larger than the body limit (also anonymous);
junk in slug lookups and filters; OPTIONS on every endpoint; date ranges without an end in
sight. The CSV import has its own tests (test_goods_import.py).
"""

import json
from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

import api.urls
from api.common import MapPagination
from api.parsers import MAX_JSON_DEPTH
from matching.models import MatchState
from tests.api.access import World
from tests.api.access_goods import _match
from tests.factories import GoodsNeedFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # right-to-left override: "Jacken\u202egpj.exe" shows as "Jackenexe.jpg"
ESC = "\x1b[2J\x1b[31m"  # clears a terminal and turns it red
NUL = "\x00"
C1 = "\x9b"  # the one-byte form of ESC [
LRI = "\u2066"
RLM = "\u200f"
ALM = "\u061c"


def _when(days: int, hour: int, minute: int = 0) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute))).isoformat()


GOODS_NEED = {
    "title": "Winterjacken",
    "category": "clothing-winter-jacket",
    "attributes": {"size": "M"},
    "quantity": 3,
    "address": "Leipzig-Grünau",
}
DONATION_OFFER = {**GOODS_NEED, "address": "Leipzig-Lindenau"}
VOLUNTEER_NEED = {
    "title": "Dolmetschen",
    "address": "Leipzig-Grünau",
    "required_skills": ["interpreting"],
    "languages": ["uk"],
    "shifts": [{"start": _when(3, 9), "end": _when(3, 12), "people": 1}],
}
PROFILE = {
    "address": "Leipzig-Lindenau",
    "skills": ["interpreting"],
    "languages": [{"code": "uk", "level": "native"}],
    "description": "Abends erreichbar.",
}
FLAT = {
    "title": "2 Zimmer nahe Tram",
    "address": "04229 Leipzig",
    "rooms": "2",
    "size_m2": 50,
    "warm_rent": "600.00",
    "max_occupants": 3,
    "available_from": (timezone.localdate() + timedelta(days=14)).isoformat(),
}
HOUSEHOLD = {
    "title": "Familie aus Charkiw",
    "address": "Leipzig-Grünau",
    "adults": 2,
    "rent_ceiling": "850",
    "move_in_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
}
REGISTER = {
    "username": "neu",
    "email": "neu@example.org",
    "password": "Ein langer Satz, den niemand rät: Fahrrad 7 Blau",
    "role": "initiative_member",
    "new_initiative": {"name": "Nachbarschaftshilfe Paunsdorf", "city": "Leipzig"},
}

# Every model a bad request could write to.
WRITTEN = (
    "donations.GoodsNeed",
    "donations.DonationOffer",
    "volunteers.VolunteerNeed",
    "volunteers.VolunteerProfile",
    "housing.HousingOffer",
    "housing.HousingNeed",
    "accounts.User",
    "accounts.Organisation",
    "accounts.Membership",
    "matching.MatchMessage",
    "matching.MatchEvent",
    "notifications.WebhookEndpoint",
)


def _counts() -> dict[str, int]:
    return {name: apps.get_model(name).objects.count() for name in WRITTEN}


def _client(user=None) -> APIClient:
    # Exceptions become 500 answers, as a real client would see them, instead of raising.
    client = APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def world():
    return World.build()


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttles count in the shared cache; these tests send many requests from one client.
    cache.clear()


def _with(body: dict, path: tuple, value) -> dict:
    """A deep copy of `body` with the value at `path` (keys and list indexes) replaced."""
    body = json.loads(json.dumps(body))
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def _post_url(world: World, name: str) -> str:
    if name == "messages":
        return f"/api/v1/matches/{_match(world, MatchState.OFFERED).pk}/messages/"
    if name == "reject":
        return f"/api/v1/matches/{_match(world).pk}/reject/"
    if name == "webhooks":
        return f"/api/v1/organisations/{world.initiative.pk}/webhooks/"
    return f"/api/v1/{name}/"


# (endpoint, who, valid body, where the junk goes, the junk, the field named in the answer)
TEXT_CASES = [
    ("goods-needs", "member", GOODS_NEED, ("title",), f"Jacken{RLO}gpj.exe", "title"),
    ("goods-needs", "member", GOODS_NEED, ("description",), f"warm{ESC}", "description"),
    ("goods-needs", "member", GOODS_NEED, ("address",), f"Leipzig{NUL}", "address"),
    ("goods-needs", "member", GOODS_NEED, ("category",), f"clothing{NUL}", "category"),
    ("goods-needs", "member", GOODS_NEED, ("attributes", "size"), f"M{NUL}", "attributes"),
    ("goods-needs", "member", GOODS_NEED, ("attributes",), {f"si{NUL}ze": "M"}, "attributes"),
    ("donation-offers", "donor", DONATION_OFFER, ("title",), f"Jacken{C1}31m", "title"),
    ("donation-offers", "donor", DONATION_OFFER, ("category",), f"{RLO}x", "category"),
    ("volunteer-needs", "member", VOLUNTEER_NEED, ("title",), f"{LRI}Dolmetschen", "title"),
    (
        "volunteer-needs",
        "member",
        VOLUNTEER_NEED,
        ("required_skills", 0),
        f"interpreting{NUL}",
        "required_skills",
    ),
    ("volunteer-needs", "member", VOLUNTEER_NEED, ("languages", 0), f"u{NUL}k", "languages"),
    ("volunteer-profiles", "volunteer", PROFILE, ("description",), f"abends{RLM}", "description"),
    ("volunteer-profiles", "volunteer", PROFILE, ("skills", 0), f"interp{NUL}", "skills"),
    ("volunteer-profiles", "volunteer", PROFILE, ("languages", 0, "code"), f"u{ESC}", "languages"),
    ("housing-offers", "landlord", FLAT, ("title",), f"2 Zimmer{RLO}", "title"),
    ("housing-offers", "landlord", FLAT, ("address",), f"04229 Leipzig{ESC}", "address"),
    (
        "housing-needs",
        "member",
        HOUSEHOLD,
        ("household_notes",),
        f"Rollstuhl{ALM}",
        "household_notes",
    ),
    ("auth/register", None, REGISTER, ("first_name",), f"Ines{RLO}", "first_name"),
    ("auth/register", None, REGISTER, ("username",), f"neu{NUL}", "username"),
    ("auth/register", None, REGISTER, ("new_initiative", "name"), f"Hilfe{RLO}", "new_initiative"),
    (
        "auth/register",
        None,
        REGISTER,
        ("new_initiative", "city"),
        f"Leipzig{ESC}",
        "new_initiative",
    ),
    ("auth/token", None, {"username": "x", "password": "y"}, ("username",), f"x{NUL}", "username"),
    ("messages", "donor", {"body": "Samstag?"}, ("body",), f"Samstag{RLO}?", "body"),
    ("reject", "coordinator", {"reason": "doppelt"}, ("reason",), f"doppelt{ESC}", "reason"),
    (
        "webhooks",
        "member",
        {"url": "https://example.org/h"},
        ("url",),
        f"https://e{NUL}.org",
        "url",
    ),
]


@pytest.mark.parametrize(
    "endpoint,role,body,path,junk,field",
    TEXT_CASES,
    ids=[f"{c[0]}-{'.'.join(map(str, c[3]))}" for c in TEXT_CASES],
)
def test_junk_characters_in_any_text_field_are_a_400_naming_the_field(
    world, endpoint, role, body, path, junk, field
):
    url = _post_url(world, endpoint)
    before = _counts()
    user = world.users[role] if role else None
    response = _client(user).post(url, _with(body, path, junk), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert _counts() == before


def test_the_valid_bodies_above_are_accepted(world):
    """The junk alone makes the difference: each body as it is passes."""
    for endpoint, role, body in {
        ("goods-needs", "member", json.dumps(GOODS_NEED)),
        ("donation-offers", "donor", json.dumps(DONATION_OFFER)),
        ("volunteer-needs", "member", json.dumps(VOLUNTEER_NEED)),
        ("volunteer-profiles", "volunteer", json.dumps(PROFILE)),
        ("housing-offers", "landlord", json.dumps(FLAT)),
        ("housing-needs", "member", json.dumps(HOUSEHOLD)),
        ("messages", "donor", json.dumps({"body": "Samstag?"})),
    }:
        response = _client(world.users[role]).post(
            _post_url(world, endpoint), json.loads(body), format="json"
        )
        assert response.status_code == 201, (endpoint, response.content)


def test_an_unpaired_surrogate_in_raw_json_is_a_400(world):
    raw = json.dumps({**GOODS_NEED, "title": "x"}).replace('"x"', '"Jacken \\ud800"')
    before = _counts()
    response = _client(world.users["member"]).post(
        "/api/v1/goods-needs/", raw, content_type="application/json"
    )
    assert response.status_code == 400 and "title" in response.json()
    assert _counts() == before


def test_a_change_with_junk_is_a_400_and_changes_nothing(world):
    need = GoodsNeedFactory(organisation=world.initiative, created_by=world.users["member"])
    title = need.title
    response = _client(world.users["member"]).patch(
        f"/api/v1/goods-needs/{need.pk}/", {"title": f"neu{RLO}"}, format="json"
    )
    assert response.status_code == 400 and "title" in response.json()
    need.refresh_from_db()
    assert need.title == title
    me = _client(world.users["donor"]).patch("/api/v1/me/", {"last_name": ESC}, format="json")
    assert me.status_code == 400 and "last_name" in me.json()
    world.users["donor"].refresh_from_db()
    assert "\x1b" not in world.users["donor"].last_name


def test_line_breaks_are_spelled_one_way_per_field(world):
    """The documented normalisation: one-line fields get a space, multi-line fields "\\n"."""
    body = {**GOODS_NEED, "title": "Zwei\r\nZeilen", "description": "eins\r\nzwei\rdrei\tvier"}
    response = _client(world.users["member"]).post("/api/v1/goods-needs/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Zwei Zeilen"
    assert response.json()["description"] == "eins\nzwei\ndrei\tvier"


def test_right_to_left_text_itself_is_welcome(world):
    body = {**GOODS_NEED, "title": "معاطف شتوية للأطفال", "description": "مرحبا\nшукаю"}
    response = _client(world.users["member"]).post("/api/v1/goods-needs/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == body["title"]


# --- JSON depth and size ------------------------------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 10_000, 100_000])
def test_deeply_nested_json_is_a_400_for_anyone_even_without_login(world, depth):
    for url in ("/api/v1/auth/token/", "/api/v1/auth/register/"):
        response = _client().post(url, _nested(depth), content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert "levels deep" in response.json()["detail"]
    inside = json.dumps({**GOODS_NEED, "attributes": {"size": "x"}}).replace('"x"', _nested(depth))
    before = _counts()
    response = _client(world.users["member"]).post(
        "/api/v1/goods-needs/", inside, content_type="application/json"
    )
    assert response.status_code == 400 and "levels deep" in response.json()["detail"]
    assert _counts() == before


def test_every_endpoint_reads_bodies_with_the_apis_parsers():
    """A view that names DRF's own parsers (ObtainAuthToken does) would bypass every limit."""
    own = {"api.parsers"}
    for pattern in _patterns(api.urls.urlpatterns):
        view = pattern.callback.view_class
        for parser in getattr(view, "parser_classes", ()):
            assert parser.__module__ in own, (
                f"{pattern.name}: {parser.__module__}.{parser.__name__}"
            )


def test_nesting_up_to_the_limit_is_parsed(world):
    response = _client().post(
        "/api/v1/auth/token/", _nested(MAX_JSON_DEPTH), content_type="application/json"
    )
    # Parsed; the serializer then says what it expected (a list is no login).
    assert response.status_code == 400
    assert "levels deep" not in json.dumps(response.json())


def test_an_anonymous_body_to_an_endpoint_that_needs_a_login_is_never_read():
    response = _client().post(
        "/api/v1/goods-needs/", _nested(100_000), content_type="application/json"
    )
    assert response.status_code == 401


def test_a_body_over_the_size_limit_is_a_400_before_it_is_read(world, settings, monkeypatch):
    settings.API_MAX_BODY_BYTES = 2_000
    big = {**GOODS_NEED, "description": "x" * 3_000}
    before = _counts()
    response = _client(world.users["member"]).post("/api/v1/goods-needs/", big, format="json")
    assert response.status_code == 400 and "larger than 2 kB" in response.json()["detail"]
    anonymous = _client().post("/api/v1/auth/token/", big, format="json")
    assert anonymous.status_code == 400 and "larger than" in anonymous.json()["detail"]
    form = _client(world.users["member"]).post(
        "/api/v1/goods-needs/", {"title": "x" * 3_000}, format="multipart"
    )
    assert form.status_code == 400 and "larger than" in form.json()["detail"]
    assert _counts() == before
    small = {**GOODS_NEED, "description": "x" * 100}
    assert (
        _client(world.users["member"]).post("/api/v1/goods-needs/", small, format="json")
    ).status_code == 201


def test_the_default_body_limit_refuses_a_megabyte_of_json(world):
    big = {**GOODS_NEED, "description": "x" * 1_200_000}
    response = _client(world.users["member"]).post("/api/v1/goods-needs/", big, format="json")
    assert response.status_code == 400 and "larger than" in response.json()["detail"]


def test_form_bodies_are_held_to_the_text_rule_too(world):
    response = _client(world.users["donor"]).post(
        "/api/v1/donation-offers/", {**DONATION_OFFER, "title": f"x{RLO}", "attributes": ""}
    )
    assert response.status_code == 400 and "title" in response.json()


# --- lookups and filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/goods-needs/?category=clothing%00",
        "/api/v1/donation-offers/?category=%00",
        "/api/v1/volunteer-needs/?skill=interpreting%00",
        "/api/v1/volunteer-profiles/?skill=%00",
        "/api/v1/volunteer-needs/?language=u%00k",
        "/api/v1/organisations/?city=%00",
        "/api/v1/goods-needs/?status=open%00",
    ],
)
def test_a_null_byte_in_a_filter_is_a_400(world, url):
    response = _client(world.users["coordinator"]).get(url)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/goods-needs/?category=%E2%80%AEclothing",
        "/api/v1/goods-needs/?category=" + "x" * 5000,
        "/api/v1/volunteer-needs/?skill=%1B%5B31m",
        "/api/v1/volunteer-profiles/?language=%E2%81%A6uk",
    ],
)
def test_other_junk_in_a_filter_finds_nothing(world, url):
    GoodsNeedFactory(organisation=world.initiative)
    response = _client(world.users["coordinator"]).get(url)
    assert response.status_code == 200 and response.json()["count"] == 0


# --- OPTIONS -------------------------------------------------------------------------------------


def _patterns(patterns) -> list[URLPattern]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns)
        else:
            found.append(pattern)
    return found


# A sample value for each kind of URL parameter (anything else is an int: a sample pk).
SAMPLE_KWARGS = {"kind": "goods"}


def test_options_on_every_endpoint_is_never_a_server_error(world):
    GoodsNeedFactory(organisation=world.initiative)
    failures = []
    for pattern in _patterns(api.urls.urlpatterns):
        kwargs = {name: SAMPLE_KWARGS.get(name, 1) for name in pattern.pattern.converters}
        url = reverse(f"api:{pattern.name}", kwargs=kwargs)
        for role in ("anonymous", "donor", "member", "coordinator"):
            cache.clear()  # the login throttle counts OPTIONS too
            response = _client(world.users[role]).options(url)
            if response.status_code not in (200, 401, 403):
                failures.append(f"{role} OPTIONS {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_options_describes_what_an_endpoint_takes(world):
    response = _client(world.users["member"]).options(
        f"/api/v1/organisations/{world.initiative.pk}/memberships/1/reject/"
    )
    assert response.status_code == 200 and response.json()["name"]
    preferences = _client(world.users["donor"]).options("/api/v1/me/notification-preferences/")
    assert preferences.status_code == 200
    assert "email" in preferences.json()["actions"]["PUT"]


# --- date ranges ---------------------------------------------------------------------------------


def _shift(start: str, end: str) -> dict:
    return {**VOLUNTEER_NEED, "shifts": [{"start": start, "end": end, "people": 1}]}


@pytest.mark.parametrize(
    "body,field",
    [
        pytest.param(
            _shift(_when(3, 9), "3026-01-01T12:00:00+01:00"), "shifts", id="shift-1000-years"
        ),
        pytest.param(_shift(_when(3, 9), _when(4, 10)), "shifts", id="shift-25-hours"),
        pytest.param(
            _shift("2039-01-01T09:00:00+01:00", "2039-01-01T12:00:00+01:00"),
            "shifts",
            id="shift-far-ahead",
        ),
    ],
)
def test_an_endless_or_far_shift_is_a_400(world, body, field):
    before = _counts()
    response = _client(world.users["member"]).post("/api/v1/volunteer-needs/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert _counts() == before


def test_a_night_shift_from_ten_to_eight_is_fine(world):
    body = _shift(_when(3, 22), _when(4, 8))
    response = _client(world.users["member"]).post("/api/v1/volunteer-needs/", body, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "window,ok",
    [
        pytest.param({"start": _when(2, 10), "end": _when(16, 10)}, True, id="14-days"),
        pytest.param({"start": _when(2, 10), "end": _when(16, 11)}, False, id="14-days-1-hour"),
        pytest.param(
            {"start": _when(2, 10), "end": "3026-01-01T10:00:00+01:00"}, False, id="1000y"
        ),
    ],
)
def test_a_pickup_window_lasts_at_most_two_weeks(world, window, ok):
    body = {**DONATION_OFFER, "pickup_windows": [window]}
    response = _client(world.users["donor"]).post("/api/v1/donation-offers/", body, format="json")
    if ok:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400 and "pickup_windows" in response.json()


def _days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    "period,ok",
    [
        pytest.param({"start": _days(30), "end": _days(30 + 730)}, True, id="two-years"),
        pytest.param({"start": _days(30), "end": _days(30 + 740)}, False, id="over-two-years"),
        pytest.param({"start": _days(30), "end": "3026-01-01"}, False, id="1000-years"),
        pytest.param({"start": "3026-01-01", "end": "3026-01-02"}, False, id="far-ahead"),
    ],
)
def test_an_away_period_lasts_at_most_two_years(world, period, ok):
    body = {**PROFILE, "away_periods": [period]}
    response = _client(world.users["volunteer"]).post(
        "/api/v1/volunteer-profiles/", body, format="json"
    )
    if ok:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400 and "away_periods" in response.json()


def test_a_deadline_far_in_the_future_is_a_400(world):
    body = {**GOODS_NEED, "deadline": "3026-12-31"}
    response = _client(world.users["member"]).post("/api/v1/goods-needs/", body, format="json")
    assert response.status_code == 400 and "deadline" in response.json()


def test_a_flat_far_in_the_future_is_a_400(world):
    body = {**FLAT, "available_from": "3026-01-01"}
    response = _client(world.users["landlord"]).post("/api/v1/housing-offers/", body, format="json")
    assert response.status_code == 400 and "available_from" in response.json()


@pytest.mark.parametrize(
    "path", ["/api/v1/matches/abc/", "/api/v1/goods-needs/1e-09/publish/", "/api/v1/nothing/"]
)
def test_an_api_url_that_matches_no_endpoint_is_a_json_404(world, path):
    # Found by tests/api/test_schemathesis.py: an id that is not a number matched no URL
    # pattern and Django answered its HTML page, where the schema promises JSON.
    response = APIClient().get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_that_matches_no_url_is_still_an_html_page():
    response = APIClient().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_map_page_is_never_larger_than_its_limit_whatever_size_is_asked(world, monkeypatch):
    monkeypatch.setattr(MapPagination, "max_page_size", 2)
    GoodsNeedFactory.create_batch(3, organisation=world.initiative)
    response = _client(world.users["member"]).get(
        "/api/v1/goods-needs/map/", {"page_size": 100_000}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["features"]) == 2 and body["next"] is not None
