"""Access rows for categories, goods needs, donation offers and matches."""

from matching.models import Match, MatchState
from tests.api.access import Call, Row, World, everyone, roles
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.payloads import JACKETS_NEED, JACKETS_OFFER

NEED_ADDRESS = "Karl-Heine-Straße 12, 04229 Leipzig"
NEED_LAT, NEED_LON = 51.332713, 12.339271
OFFER_ADDRESS = "Eisenbahnstraße 40, 04315 Leipzig"
OFFER_LAT, OFFER_LON = 51.348917, 12.403183


def need(world: World, **fields):
    return GoodsNeedFactory(
        organisation=world.initiative,
        created_by=world.users["member"],
        address=NEED_ADDRESS,
        lat=NEED_LAT,
        lon=NEED_LON,
        **fields,
    )


def offer(world: World, **fields):
    return DonationOfferFactory(
        donor=world.users["donor"], address=OFFER_ADDRESS, lat=OFFER_LAT, lon=OFFER_LON, **fields
    )


def need_markers(world: World) -> list[str]:
    # The street, the exact coordinates, and the contacts of the initiative and its member.
    return [NEED_ADDRESS, str(NEED_LAT), str(NEED_LON), "0341 111", "grünau@example.org"]


def offer_markers(world: World) -> list[str]:
    return [OFFER_ADDRESS, str(OFFER_LAT), str(OFFER_LON), "0176 222", "donor@example.org"]


def _match(world: World, state=MatchState.PROPOSED) -> Match:
    return Match.objects.create(
        goods_need=need(world),
        donation_offer=offer(world),
        quantity=5,
        distance_m=4800,
        score=0.8,
        state=state,
    )


def _detail(factory):
    return lambda world: Call(kwargs={"pk": factory(world).pk})


READ_BY_ALL = roles(200, anonymous=401)
CHANGED_BY_MEMBER = roles(403, anonymous=401, member=200)
CHANGED_BY_DONOR = roles(403, anonymous=401, donor=200)
# A draft is seen only by whoever answers for it and by coordinators.
DRAFT_PUBLISHED_BY_MEMBER = roles(404, anonymous=401, member=200, coordinator=403)
DRAFT_PUBLISHED_BY_DONOR = roles(404, anonymous=401, donor=200, coordinator=403)
# Initiatives post needs; everyone else is told to join one (a field error on organisation).
NEED_CREATED_BY_MEMBERS = roles(400, anonymous=401, member=201, other_member=201)

ROWS = [
    Row("categories", "get", lambda w: Call(), everyone(200)),
    # goods needs, owned by world.initiative
    Row(
        "goods-needs",
        "get",
        lambda w: need(w) and Call(),
        READ_BY_ALL,
        exact_for={"member", "coordinator"},
        exact_markers=need_markers,
    ),
    Row("goods-needs", "post", lambda w: Call(body=JACKETS_NEED), NEED_CREATED_BY_MEMBERS),
    Row(
        "goods-needs-detail",
        "get",
        _detail(need),
        READ_BY_ALL,
        exact_for={"member", "coordinator"},
        exact_markers=need_markers,
    ),
    Row(
        "goods-needs-detail",
        "patch",
        lambda w: Call(kwargs={"pk": need(w).pk}, body={"quantity": 7}),
        CHANGED_BY_MEMBER,
        exact_for={"member"},
        exact_markers=need_markers,
    ),
    Row(
        "goods-needs-withdraw",
        "post",
        _detail(need),
        CHANGED_BY_MEMBER,
        exact_for={"member"},
        exact_markers=need_markers,
    ),
    Row(
        "goods-needs-publish",
        "post",
        _detail(lambda w: need(w, status="draft")),
        DRAFT_PUBLISHED_BY_MEMBER,
        exact_for={"member"},
        exact_markers=need_markers,
    ),
    Row(
        "goods-needs-map",
        "get",
        lambda w: need(w) and Call(),
        READ_BY_ALL,
        exact_markers=need_markers,
    ),
    # donation offers, owned by the donor
    Row(
        "donation-offers",
        "get",
        lambda w: offer(w) and Call(),
        READ_BY_ALL,
        exact_for={"donor", "coordinator"},
        exact_markers=offer_markers,
    ),
    Row(
        "donation-offers",
        "post",
        lambda w: Call(body=JACKETS_OFFER),
        roles(201, anonymous=401),
    ),
    Row(
        "donation-offers-detail",
        "get",
        _detail(offer),
        READ_BY_ALL,
        exact_for={"donor", "coordinator"},
        exact_markers=offer_markers,
    ),
    Row(
        "donation-offers-detail",
        "patch",
        lambda w: Call(kwargs={"pk": offer(w).pk}, body={"description": "Fast neu"}),
        CHANGED_BY_DONOR,
        exact_for={"donor"},
        exact_markers=offer_markers,
    ),
    Row(
        "donation-offers-withdraw",
        "post",
        _detail(offer),
        CHANGED_BY_DONOR,
        exact_for={"donor"},
        exact_markers=offer_markers,
    ),
    Row(
        "donation-offers-publish",
        "post",
        _detail(lambda w: offer(w, status="draft")),
        DRAFT_PUBLISHED_BY_DONOR,
        exact_for={"donor"},
        exact_markers=offer_markers,
    ),
    Row(
        "donation-offers-map",
        "get",
        lambda w: offer(w) and Call(),
        READ_BY_ALL,
        exact_markers=offer_markers,
    ),
    # matches: each side once it was offered to them, and coordinators; only approximate
    # places before both said yes
    Row(
        "matches",
        "get",
        lambda w: _match(w, MatchState.OFFERED) and Call(),
        READ_BY_ALL,
        # each side sees its own exact data (test_match_reveal: the other's only once both
        # said yes)
        exact_for={"member", "donor", "coordinator"},
        exact_markers=lambda w: need_markers(w) + offer_markers(w),
    ),
    Row(
        "match-detail",
        "get",
        lambda w: Call(kwargs={"pk": _match(w, MatchState.OFFERED).pk}),
        roles(404, anonymous=401, member=200, donor=200, coordinator=200),
        exact_for={"member", "donor", "coordinator"},
        exact_markers=lambda w: need_markers(w) + offer_markers(w),
    ),
    # A proposal no coordinator has reviewed stays internal: its sides do not find it in their
    # list (their own exact data would show if it were there) and get 404 for it.
    Row(
        "matches",
        "get",
        lambda w: _match(w, MatchState.PROPOSED) and Call(),
        READ_BY_ALL,
        exact_for={"coordinator"},
        exact_markers=lambda w: need_markers(w) + offer_markers(w),
        id="get-matches-proposed",
    ),
    Row(
        "match-detail",
        "get",
        lambda w: Call(kwargs={"pk": _match(w, MatchState.PROPOSED).pk}),
        roles(404, anonymous=401, coordinator=200),
        exact_for={"coordinator"},
        exact_markers=lambda w: need_markers(w) + offer_markers(w),
        id="get-match-detail-proposed",
    ),
]
