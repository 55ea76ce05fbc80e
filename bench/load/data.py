"""The load test's city: the matching benchmark's generator (COPY) plus what the load's users
need — accounts with API tokens, initiative memberships, coordinators signed in with a second
factor, matches offered to both sides, and the demo's information hub.

Everything is written into the bench database before any server starts; what the locustfile
needs (tokens, session keys, match ids per donor) goes into a manifest (JSON).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection

from bench import generate

# Leipzig's centre, and the radius over which readers look at maps and lists.
LEIPZIG = (51.340, 12.375)


@dataclass(frozen=True)
class LoadSizes:
    """The city: at least 50,000 needs and offers of every kind together (the defaults make
    about 70,000), and how many of its people the load drives."""

    goods_needs: int = 15_000
    offers: int = 40_000
    households: int = 2_000
    flats: int = 2_000
    shifts: int = 1_500
    volunteers: int = 4_000
    users: int = 300
    organisations: int = 100
    job_places: int = 3_000
    job_seekers: int = 5_000
    employers: int = 100
    # Load identities: coordinators (API token and a verified web session each), donors and
    # initiative members with a token each.
    coordinators: int = 5
    donors: int = 60
    members: int = 60
    # Proposals of the goods batch over Leipzig approved, so that both sides are asked.
    offered_matches: int = 1_500

    def generator_sizes(self) -> generate.Sizes:
        return generate.Sizes(
            goods_needs=self.goods_needs,
            offers=self.offers,
            offers_large=self.offers,
            households=self.households,
            flats=self.flats,
            shifts=self.shifts,
            volunteers=self.volunteers,
            users=self.users,
            organisations=self.organisations,
            job_places=self.job_places,
            job_seekers=self.job_seekers,
            employers=self.employers,
        )


def load_city(seed: int, sizes: LoadSizes, now: datetime | None = None) -> dict[str, float]:
    """The generated needs and offers of every kind (COPY); returns seconds per step."""
    now = now or datetime.now(UTC).replace(microsecond=0)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    gen = sizes.generator_sizes()
    ctx = generate.prepare(seed, gen, now)
    generate.load_offers(ctx, gen.offers)
    generate.load_goods_needs(ctx, gen.goods_needs)
    generate.load_housing(ctx, gen.households, gen.flats)
    generate.load_volunteers(ctx, gen.volunteers, gen.shifts)
    generate.load_jobs(ctx, gen.job_places, gen.job_seekers, gen.employers)
    # The generator writes explicit ids; later rows come from the ORM's sequences.
    generate._sync_identity(["accounts_user", "accounts_membership", "accounts_organisation"])
    # Members of the generated initiatives: one initiative each, so that they may post needs
    # for it and hear of their matches.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_membership (user_id, organisation_id, is_admin, status, "
            "created_at) "
            "SELECT u.id, o.id, false, 'active', now() FROM "
            "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts_user "
            " WHERE role = 'initiative_member') u JOIN "
            "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts_organisation "
            " WHERE kind = 'initiative' AND name LIKE 'Bench initiative %%') o "
            "ON o.n = (u.n - 1) %% (SELECT count(*) FROM accounts_organisation "
            " WHERE kind = 'initiative' AND name LIKE 'Bench initiative %%') + 1 "
            "ON CONFLICT DO NOTHING",
            [],  # with parameters, so that %% is the modulo
        )
        # Emails to generated people go to the bench's SMTP sink like any other.
        cursor.execute("UPDATE accounts_user SET email = username || '@bench.example'")
    generate.analyze()
    timings["needs and offers (COPY + ANALYZE)"] = time.perf_counter() - start
    return timings


def load_hub() -> float:
    """The demo: its people, a few needs and offers, and the information hub (events,
    directory, pages, rooms). Returns seconds."""
    from demo.loader import load_demo

    start = time.perf_counter()
    load_demo(walk_matches=False)
    return time.perf_counter() - start


def _token(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def _verified_session(user, device) -> str:
    """A session as the sign-in and the second factor leave it (django.contrib.auth and
    django_otp's keys), so the load's coordinators reach /coordination/ without typing codes."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.set_expiry(7 * 24 * 3600)
    session.create()
    return session.session_key


def load_people(sizes: LoadSizes) -> dict:
    """Coordinators with a confirmed TOTP device, a token and a verified session; tokens for
    donors (with open offers) and initiative members (with an initiative)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Membership, Role, User

    coordinators = []
    for i in range(sizes.coordinators):
        user, _ = User.objects.get_or_create(
            username=f"load-coordinator-{i}",
            defaults={
                "role": Role.COORDINATOR,
                "is_staff": True,
                "email": f"load-coordinator-{i}@bench.example",
            },
        )
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="load", defaults={"confirmed": True, "key": secrets.token_hex(20)}
        )
        coordinators.append(
            {"id": user.pk, "token": _token(user), "session": _verified_session(user, device)}
        )
    donors = [
        {"id": user.pk, "token": _token(user)}
        for user in User.objects.filter(role=Role.DONOR, username__startswith="donor").order_by(
            "pk"
        )[: sizes.donors]
    ]
    members = [
        {"id": m.user_id, "organisation": m.organisation_id, "token": _token(m.user)}
        for m in Membership.objects.filter(
            user__role=Role.INITIATIVE_MEMBER,
            user__username__startswith="member",
            status=Membership.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("user_id")[: sizes.members]
    ]
    return {"coordinators": coordinators, "donors": donors, "members": members}


def renew_sessions(people: dict) -> dict:
    """The coordinators' web sessions again, signed with this run's secret key: each run
    draws its own, and a session signed with another is void, so with `--keep` the pages
    would have answered with the sign-in page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    for person in people["coordinators"]:
        user = User.objects.get(pk=person["id"])
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        person["session"] = _verified_session(user, device)
    return people


def load_matches(sizes: LoadSizes, coordinator_id: int) -> dict[str, float]:
    """The goods batch over Leipzig's cell (the engine's own proposals), then the best
    `offered_matches` proposals approved, so that both sides are asked and may answer."""
    from django.contrib.gis.geos import Point

    from accounts.models import User
    from matching import workflow
    from matching.areas import cell_of
    from matching.batches import run_batch
    from matching.models import Match, MatchState

    timings = {}
    start = time.perf_counter()
    cell = cell_of(Point(LEIPZIG[1], LEIPZIG[0], srid=4326))
    result = run_batch("goods", cell)
    timings[f"goods batch over Leipzig ({len(result.created):,} proposals)"] = (
        time.perf_counter() - start
    )
    start = time.perf_counter()
    coordinator = User.objects.get(pk=coordinator_id)
    proposals = Match.objects.filter(kind="goods", state=MatchState.PROPOSED).order_by(
        "-score", "pk"
    )
    approved = 0
    for match in proposals[: sizes.offered_matches]:
        workflow.approve(match, actor=coordinator, reason="load test")
        approved += 1
    timings[f"{approved:,} proposals approved (offered to both sides)"] = (
        time.perf_counter() - start
    )
    # As autovacuum would have long since: statistics taken before the matches existed made
    # the planner walk a unique index for every proposal count of a map (0.8 s per page).
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["ANALYZE"] = time.perf_counter() - start
    return timings


def offered_matches_by_donor(donor_ids: list[int]) -> dict[str, list[int]]:
    """Offered goods matches that each load donor's side has not answered yet."""
    from matching.models import Match, MatchState

    found: dict[str, list[int]] = {str(d): [] for d in donor_ids}
    rows = Match.objects.filter(
        kind="goods",
        state=MatchState.OFFERED,
        offer_answer="",
        donation_offer__donor_id__in=donor_ids,
    ).values_list("donation_offer__donor_id", "pk")
    for donor, pk in rows:
        found[str(donor)].append(pk)
    return found


def manifest(people: dict) -> dict:
    """What the locustfile reads: people, match ids, category slugs, the place."""
    from donations.models import Category
    from matching.models import Match

    donor_ids = [d["id"] for d in people["donors"]]
    return {
        **people,
        "centre": LEIPZIG,
        "categories": list(
            Category.objects.filter(parent__isnull=False).values_list("slug", flat=True)
        ),
        "matches": list(Match.objects.order_by("-pk").values_list("pk", flat=True)[:2000]),
        "to_answer": offered_matches_by_donor(donor_ids),
    }
