"""People and matches for the web pages' tests (plain test client and browser alike)."""

import os
from dataclasses import dataclass

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organisation, Role, User
from matching import workflow
from matching.models import Match
from notifications.models import Notification
from tests.factories import (
    DonationOfferFactory,
    GoodsNeedFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.matching.batching import created, run_for

LINDENAU = (51.3400, 12.3300)
PASSWORD = "correct horse battery"


def east(km: float) -> dict:
    import math

    lat, lon = LINDENAU
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


@dataclass
class Scene:
    organisation: Organisation
    member: User  # the need's side, German
    donor: User  # the offer's side, Arabic
    coordinator: User
    match: Match


def make_scene(*, quantity: int = 12, donor_language: str = "ar") -> Scene:
    """A goods need for `quantity` jackets in Lindenau and a donation of as many 2 km east,
    proposed by the real engine."""
    organisation = OrganisationFactory(name="Notunterkunft Lindenau")
    member = UserFactory(
        username="ines",
        first_name="Ines",
        role=Role.INITIATIVE_MEMBER,
        preferred_language="de",
        phone="0341 111111",
    )
    MembershipFactory(user=member, organisation=organisation, is_admin=True)
    donor = UserFactory(
        username="amal",
        first_name="Amal",
        email="amal@example.org",
        role=Role.DONOR,
        preferred_language=donor_language,
        phone="0176 2222222",
    )
    coordinator = UserFactory(
        username="clara", role=Role.COORDINATOR, is_staff=True, preferred_language="de"
    )
    need = GoodsNeedFactory(
        organisation=organisation,
        created_by=member,
        quantity=quantity,
        title="Winterjacken",
        address="Lützner Straße 1, 04177 Leipzig",
        district="Lindenau",
        **east(0),
    )
    DonationOfferFactory(
        donor=donor,
        category=need.category,
        quantity=quantity,
        title="Warme Jacken",
        address="Geheimweg 7, 04177 Leipzig",
        district="Altlindenau",
        **east(2),
    )
    [match] = created(run_for(need))
    return Scene(organisation, member, donor, coordinator, match)


def offer_it(scene: Scene) -> Match:
    scene.match = workflow.approve(scene.match, actor=scene.coordinator)
    return scene.match


def link_path(user: User, action: str, template: str = "match_offered") -> str:
    """The path of the one-click link that the user's email carries for the action."""
    row = Notification.objects.get(template=template, recipient=user)
    url = row.context["links"][action]
    return "/l/" + url.rstrip("/").rsplit("/l/", 1)[1] + "/"


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def scene(db) -> Scene:
    return make_scene()


def _keep_serialized_rows(contents) -> None:
    """Give the serialized test data to whichever connection object this context now uses.

    Playwright's sync API runs an asyncio loop in the test thread, and Django's connections
    are context-local (asgiref), so after it starts the test thread gets another connection
    object, without the rows that `serialized_rollback` restores (the seeded taxonomy)."""
    if contents is not None:
        connections[DEFAULT_DB_ALIAS]._test_serialized_contents = contents


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not
    available here; scripts/bootstrap.sh installs the `chromium` package)."""
    from playwright.sync_api import sync_playwright

    contents = getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)
    # The test's own ORM calls are plain synchronous code in a thread where Playwright keeps
    # an event loop; Django would otherwise refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        _keep_serialized_rows(contents)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        yield browser
        browser.close()
    _keep_serialized_rows(contents)
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="de-DE", viewport={"width": 420, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def verified_login(client, user) -> None:
    """Sign `user` in on a Django test client with a confirmed second factor, as after
    entering a code on /account/two-factor/ (what coordinators need with
    SECOND_FACTOR_REQUIRED, which production always has)."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
