"""The goods batch: donation offers for the goods needs of one cell (min-cost flow)."""

from collections import Counter
from dataclasses import replace

from django.db import transaction

from donations.models import DonationOffer, GoodsNeed
from matching import candidates as search
from matching.areas import Cell, in_cell
from matching.batches import common
from matching.batches.common import candidate_limit, lock
from matching.core import allocation, constraints, scoring
from matching.core.types import Edge
from matching.kinds import matchable
from matching.models import ACTIVE_STATES, Match, MatchState


def run_goods_batch(cell: Cell) -> common.BatchResult:
    result = common.BatchResult("goods", cell)
    now, _ = common.now_and_zone()
    with transaction.atomic():
        needs = {
            n.pk: n
            for n in lock(
                in_cell(matchable(GoodsNeed.objects), cell).select_related(
                    "category", "organisation", "created_by"
                )
            )
        }
        result.needs = len(needs)
        found = search.goods_candidates(list(needs), limit_per_need=candidate_limit())
        proposals = list(
            lock(Match.objects.filter(kind=Match.Kind.GOODS, state=MatchState.PROPOSED)).filter(
                goods_need_id__in=list(needs)
            )
        )
        extra, foreign = common.foreign_proposals(
            Match.Kind.GOODS,
            "goods_need",
            "donation_offer",
            GoodsNeed,
            cell,
            max((r.max_distance_m for r in found.needs.values()), default=0.0),
            needs,
        )
        proposals += foreign
        everyone = {**needs, **extra}
        if extra:  # their other options, so that a revision can move them elsewhere
            more = search.goods_candidates(list(extra), limit_per_need=candidate_limit())
            found.needs.update(more.needs)
            found.offers.update(more.offers)
            found.pairs.extend(more.pairs)
        wanted = set(found.offers) | {m.donation_offer_id for m in proposals}
        offers = {
            o.pk: o
            for o in lock(
                matchable(DonationOffer.objects)
                .filter(pk__in=wanted)
                .select_related("category", "donor")
            )
        }
        revisable = [
            (m, m.goods_need_id, m.donation_offer_id)
            for m in proposals
            if m.donation_offer_id in offers
        ]
        taken = set(
            Match.objects.filter(
                kind=Match.Kind.GOODS, state__in=ACTIVE_STATES, goods_need_id__in=list(everyone)
            )
            .exclude(pk__in=[m.pk for m, _, _ in revisable])
            .values_list("goods_need_id", "donation_offer_id")
        )
        pairs = {(n, o): d for n, o, d in found.pairs if o in offers}
        needs_sql = f"SELECT id, point FROM {GoodsNeed._meta.db_table}"
        for n, o, d in common.pairs_with(
            needs_sql, list(everyone), DonationOffer, {o for _, _, o in revisable}
        ):
            pairs.setdefault((n, o), d)
        need_records = dict(found.needs)
        offer_records = dict(found.offers)
        for o in offers:
            if o not in offer_records:
                offer_records[o] = search.goods_offer_record(offers[o])
        held_need, held_offer = Counter(), Counter()
        for match, n, o in revisable:
            held_need[n] += match.quantity
            held_offer[o] += match.quantity
        edges = []
        for (n, o), distance in pairs.items():
            if (n, o) in taken or n not in need_records:
                continue
            need = replace(need_records[n], quantity_open=everyone[n].quantity_open + held_need[n])
            offer = replace(offer_records[o], quantity_open=offers[o].quantity_open + held_offer[o])
            if constraints.goods_reason(need, offer, distance) is not None:
                continue
            value, breakdown = scoring.score_goods(
                need, offer, distance, now=now, weights=common.weights()
            )
            edges.append(Edge(n, o, value, distance, breakdown))
        result.edges = len(edges)
        plan = common.plan(
            allocation.allocate_flow,
            edges=edges,
            need_open={n: r.quantity_open for n, r in everyone.items()},
            offer_open={o: r.quantity_open for o, r in offers.items()},
            arrival={n: r.created_at.timestamp() for n, r in everyone.items()},
            revisable=revisable,
        )
        common.cancel(plan.cancel, common.REVISED_REASON)
        delta_need, delta_offer = Counter(), Counter()
        for match in plan.cancel:
            delta_need[match.goods_need_id] += match.quantity
            delta_offer[match.donation_offer_id] += match.quantity
        for alloc in plan.create:
            result.created.append(
                common.propose(
                    kind=Match.Kind.GOODS,
                    goods_need=everyone[alloc.need_id],
                    donation_offer=offers[alloc.offer_id],
                    quantity=alloc.quantity,
                    distance_m=alloc.distance_m,
                    score=alloc.score,
                    score_breakdown=dict(alloc.breakdown),
                )
            )
            delta_need[alloc.need_id] -= alloc.quantity
            delta_offer[alloc.offer_id] -= alloc.quantity
        for rows, delta in ((everyone, delta_need), (offers, delta_offer)):
            for pk, change in delta.items():
                if change:
                    record = rows[pk]
                    record.quantity_open += change
                    common.status_after(record, holds=record.quantity_open < record.quantity)
                    record.save(update_fields=["quantity_open", "status", "updated_at"])
        result.cancelled = len(plan.cancel)
        result.revised = plan.revised
        skipped = set(found.offers) - set(offers)
        waiting = {n for n, o, _ in found.pairs if o in skipped}
        common.clear_flags(GoodsNeed, set(needs) - waiting)
        common.clear_offer_flags_in_cell(DonationOffer, cell)
    return result
