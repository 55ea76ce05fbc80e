"""Schemathesis over the OpenAPI schema the API serves: every documented operation, called
in-process through the WSGI application as anonymous, as a donor (who owns donation offers
and filed a report), as a member of an initiative (whose needs and webhooks it manages) and
as a coordinator, with bodies, queries and path ids that Schemathesis generates from the
schema, valid and invalid, besides the schema's own examples.

Each answer must not be a 5xx; its status must be one the operation documents (4xx too); its
content type and body must be what the schema says for that status.

Generated ids almost never exist, so a case whose path is valid is sent a second time with
the ids of a real record: the one the endpoint's row in the access table (tests/api/
access_*.py) builds for it, as in tests/api/test_access_table.py. That row's setup also fills
the lists; `world` adds the related rows that the rows leave out (weekly slots, pickup
windows, an accepted match and a report about it).

Bounded and reproducible: a few examples per operation and role, derandomized, no shrinking,
no example database. Nothing is skipped: logins (`auth/token/`) fail with generated
passwords and count towards the lockout, which is per test and rolled back with it; erasure
(`me/erase/`) needs the user's password, which no generated body has.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from donations.models import PickupWindow
from matching.models import Answer, Match, MatchState
from safety.models import Category, Target, Urgency
from safety.services import file_report
from tests.api import access_goods
from tests.api.access import Row, World
from tests.api.test_access_table import ALL_ROWS
from tests.volunteers.factories import (
    AvailabilitySlotFactory,
    AwayPeriodFactory,
    VolunteerProfileFactory,
)

APP = WSGIHandler()
ROLES = ("anonymous", "donor", "member", "coordinator")
# "Input the schema calls invalid is refused" (negative_data_rejection) is left out on
# purpose: form and query values cannot say "null" or "missing", and the API reads an empty
# one as not given (django-filter, DRF's forms), as documented, not as a mistake.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "no-shrink": True,
            # Each role sends its own credentials (below), not generated tokens and cookies.
            "with-security-parameters": False,
        },
        # The schema's examples and generated cases, one operation at a time: the coverage
        # phase would send hundreds of cases per operation, and stateful runs take minutes.
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
# The schema as /api/v1/schema/ serves it, read once when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", APP, config=CONFIG)
# drf-spectacular names a path's `pk` "id"; the access rows give Django's names.
PATH_NAMES = {"pk": "id"}


@pytest.fixture
def in_process(db):
    """Requests through the WSGI handler run in the test's transaction: like Django's test
    client, keep the handler from closing the connection when a request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()  # throttles count per operation and role, not across the file
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(in_process) -> World:
    world = World.build()
    # A donation offer with pickup windows, in an accepted match with a goods need: the
    # donor sees the other side's contact, score and exact place.
    offer = access_goods.offer(world)
    soon = timezone.now() + timedelta(days=2)
    PickupWindow.objects.create(offer=offer, start=soon, end=soon + timedelta(hours=3))
    match = Match.objects.create(
        goods_need=access_goods.need(world),
        donation_offer=offer,
        quantity=5,
        distance_m=4800,
        score=0.8,
        score_breakdown={"distance": 0.7},
        state=MatchState.ACCEPTED,
        need_answer=Answer.YES,
        offer_answer=Answer.YES,
        offered_at=timezone.now(),
        accepted_at=timezone.now(),
    )
    file_report(
        reporter=world.users["donor"],
        target=Target.MATCH,
        target_id=match.pk,
        category=Category.NO_SHOW,
        urgency=Urgency.NORMAL,
        text="Niemand war zur Abholung da.",
    )
    # A volunteer with weekly slots and an away period, which coordinators see.
    profile = VolunteerProfileFactory(skills=["interpreting"])
    AvailabilitySlotFactory(profile=profile)
    AwayPeriodFactory(profile=profile)
    return world


@pytest.fixture
def real_ids() -> dict:
    """The real record's path ids per operation, built once per test and shared by its
    examples."""
    return {}


def _row_of(case) -> Row | None:
    """The access row of the case's endpoint and method (its first, if it has several)."""
    path = case.operation.path
    for parameter in case.operation.path_parameters:
        path = path.replace("{" + parameter.name + "}", "1")
    url_name = resolve(path).url_name
    method = case.method.lower()
    return next((r for r in ALL_ROWS if r.url_name == url_name and r.method == method), None)


def _real_ids(case, world: World, real_ids: dict) -> dict:
    key = (case.operation.path, case.method)
    if key not in real_ids:
        row = _row_of(case)
        kwargs = row.setup(world).kwargs if row is not None else {}
        real_ids[key] = {PATH_NAMES.get(name, name): value for name, value in kwargs.items()}
    return real_ids[key]


def _credentials(world: World, role: str) -> dict:
    user = world.users[role]
    if user is None:
        return {}
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_keeps_to_the_schema(case, role, world, real_ids):
    headers = _credentials(world, role)
    real = _real_ids(case, world, real_ids)  # also fills the lists before the first call
    case.call_and_validate(app=APP, headers=headers, checks=CHECKS)
    if real and not case.meta.is_negative_at(ParameterLocation.PATH):
        case.path_parameters = {**case.path_parameters, **real}
        case.call_and_validate(app=APP, headers=headers, checks=CHECKS)
