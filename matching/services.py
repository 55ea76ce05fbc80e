"""ORM adapter of the matching core: PostGIS finds candidates, the core allocates.

Capacity can never be promised twice: every run holds a transaction-level advisory lock for
its kind and locks the rows whose open quantity it changes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from donations.models import MATCHABLE_STATUSES, DonationOffer, GoodsNeed, Status
from donations.selectors import ancestor_ids, descendant_ids
from geo.models import GeocodeStatus
from matching import core_legacy as core
from matching.models import ACTIVE_STATES, Match, MatchEvent, MatchState
from notifications import services as notifications

CANDIDATE_LIMIT = 200
PLACED = (GeocodeStatus.PLACED, GeocodeStatus.REFINED)
# Arbitrary, fixed key of the advisory lock that serialises goods allocation.
GOODS_LOCK_KEY = 7_301_001


def _radius_m(value_km: float | None, default_km: float) -> float:
    return (value_km if value_km is not None else default_km) * 1000.0


def _lock_goods_allocation() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GOODS_LOCK_KEY])


def _is_matchable(record) -> bool:
    return (
        record.status in MATCHABLE_STATUSES
        and record.quantity_open > 0
        and record.geocode_status in PLACED
    )


def _after_match(record, used: int) -> None:
    record.quantity_open -= used
    if record.status == Status.OPEN:
        record.status = Status.PARTLY_MATCHED


def _write_matches(allocations, needs: dict, offers: dict) -> list[Match]:
    matches = []
    for alloc in allocations:
        need, offer = needs[alloc.need_id], offers[alloc.offer_id]
        match = Match.objects.create(
            donation_offer=offer,
            goods_need=need,
            quantity=alloc.quantity,
            distance_m=alloc.distance_m,
            score=alloc.score,
            score_breakdown=alloc.breakdown,
        )
        MatchEvent.objects.create(match=match, to_state=MatchState.PROPOSED, reason="engine")
        _after_match(need, alloc.quantity)
        _after_match(offer, alloc.quantity)
        notifications.notify_match_proposed(match)
        matches.append(match)
    return matches


@dataclass(frozen=True)
class _Side:
    model: type
    match_field: str  # the field of Match that points to this side
    radius_field: str
    default_radius_setting: str
    # Rows the notifications read, fetched with the record instead of one query per match.
    related: tuple[str, ...]
    # Categories the other side may have, given this side's category: a need for a parent
    # category accepts offers of its children.
    compatible_categories: Callable[[int], list[int]]


NEEDS = _Side(
    GoodsNeed,
    "goods_need",
    "max_distance_km",
    "DEFAULT_NEED_MAX_DISTANCE_KM",
    ("category", "organisation", "created_by"),
    descendant_ids,
)
OFFERS = _Side(
    DonationOffer,
    "donation_offer",
    "delivery_radius_km",
    "DEFAULT_OFFER_RADIUS_KM",
    ("category", "donor"),
    ancestor_ids,
)


def _radius_of(side: _Side, record) -> float:
    return _radius_m(
        getattr(record, side.radius_field), getattr(settings, side.default_radius_setting)
    )


def _candidate(need: GoodsNeed, offer: DonationOffer, distance_m: float) -> core.Candidate:
    return core.Candidate(
        need_id=need.pk,
        offer_id=offer.pk,
        distance_m=distance_m,
        need_open=need.quantity_open,
        offer_open=offer.quantity_open,
        need_attributes=need.attributes,
        offer_attributes=offer.attributes,
        max_distance_m=min(_radius_of(NEEDS, need), _radius_of(OFFERS, offer)),
    )


def _match_around(anchor_side: _Side, other_side: _Side, anchor_id: int) -> list[Match]:
    with transaction.atomic():
        _lock_goods_allocation()
        # Lock only the record's own row: categories and users are shared by many records.
        anchor = (
            anchor_side.model.objects.select_related(*anchor_side.related)
            .select_for_update(of=("self",))
            .filter(pk=anchor_id)
            .first()
        )
        if anchor is None:
            return []
        if not _is_matchable(anchor):
            anchor_side.model.objects.filter(pk=anchor.pk).update(needs_matching=False)
            return []
        already = Match.objects.filter(
            **{other_side.match_field: OuterRef("pk"), anchor_side.match_field: anchor},
            state__in=ACTIVE_STATES,
        )
        others = list(
            other_side.model.objects.select_related(*other_side.related)
            .select_for_update(of=("self",))
            .filter(
                status__in=MATCHABLE_STATUSES,
                quantity_open__gt=0,
                geocode_status__in=PLACED,
                category_id__in=anchor_side.compatible_categories(anchor.category_id),
                point__dwithin=(anchor.point, D(m=_radius_of(anchor_side, anchor))),
            )
            .exclude(Exists(already))
            .annotate(distance=Distance("point", anchor.point))
            .order_by("distance", "created_at")[:CANDIDATE_LIMIT]
        )
        anchor_is_need = anchor_side is NEEDS
        candidates = [
            _candidate(anchor, o, o.distance.m)
            if anchor_is_need
            else _candidate(o, anchor, o.distance.m)
            for o in others
        ]
        by_id = {o.pk: o for o in others}
        if anchor_is_need:
            matches = _write_matches(core.allocate_greedy(candidates), {anchor.pk: anchor}, by_id)
        else:
            matches = _write_matches(core.allocate_greedy(candidates), by_id, {anchor.pk: anchor})
        for other_id in {getattr(m, f"{other_side.match_field}_id") for m in matches}:
            by_id[other_id].save(update_fields=["quantity_open", "status", "updated_at"])
        anchor.needs_matching = False
        anchor.save(update_fields=["quantity_open", "status", "needs_matching", "updated_at"])
        return matches


def match_donation_offer(offer_id: int) -> list[Match]:
    """Serve the nearest fitting open needs with this offer's open quantity."""
    return _match_around(OFFERS, NEEDS, offer_id)


def match_goods_need(need_id: int) -> list[Match]:
    """Serve this need's open quantity from the nearest fitting open offers."""
    return _match_around(NEEDS, OFFERS, need_id)


def _other_side(record) -> tuple[str, str, type]:
    """(this side's Match field, the other side's Match field, the other side's model)."""
    if isinstance(record, GoodsNeed):
        return "goods_need", "donation_offer", DonationOffer
    if isinstance(record, DonationOffer):
        return "donation_offer", "goods_need", GoodsNeed
    raise TypeError(f"no matches for {type(record).__name__}")


def release_matches_of(record, *, actor=None, reason: str = "") -> list[Match]:
    """Cancel the live matches of a record that closed, giving their quantity back to the
    other side, which is then matched again. Runs inside the caller's transaction."""
    try:
        own_field, other_field, other_model = _other_side(record)
    except TypeError:
        return []  # kinds the engine does not match yet
    _lock_goods_allocation()
    live = list(
        Match.objects.select_for_update(of=("self",))
        .filter(**{own_field: record}, state__in=ACTIVE_STATES)
        .order_by("pk")
    )
    for match in live:
        previous = match.state
        match.state = MatchState.CANCELLED
        match.save(update_fields=["state", "updated_at"])
        MatchEvent.objects.create(
            match=match,
            from_state=previous,
            to_state=MatchState.CANCELLED,
            actor=actor,
            reason=(reason or "record closed")[:300],
        )
        other = (
            other_model.objects.select_for_update(of=("self",))
            .filter(pk=getattr(match, f"{other_field}_id"))
            .first()
        )
        if other is None or other.status not in MATCHABLE_STATUSES:
            continue
        other.quantity_open = min(other.quantity, other.quantity_open + match.quantity)
        if other.quantity_open == other.quantity:
            other.status = Status.OPEN
        other.needs_matching = True
        other.save(update_fields=["quantity_open", "status", "needs_matching", "updated_at"])
        other.request_matching()
    return live
