"""The housing batch: flats for the households of one cell (one-to-one assignment)."""

from django.conf import settings
from django.db import transaction

from housing.models import HousingNeed, HousingOffer
from matching import candidates as search
from matching.areas import Cell, in_cell
from matching.batches import common
from matching.batches.common import candidate_limit, lock
from matching.core import allocation, constraints, scoring
from matching.core.types import Edge
from matching.kinds import matchable
from matching.models import ACTIVE_STATES, Match, MatchState


def run_housing_batch(cell: Cell) -> common.BatchResult:
    result = common.BatchResult("housing", cell)
    now, _ = common.now_and_zone()
    with transaction.atomic():
        households = {h.pk: h for h in lock(in_cell(matchable(HousingNeed.objects), cell))}
        result.needs = len(households)
        found = search.housing_candidates(list(households), limit_per_need=candidate_limit())
        proposals = list(
            lock(Match.objects.filter(kind=Match.Kind.HOUSING, state=MatchState.PROPOSED)).filter(
                housing_need_id__in=list(households)
            )
        )
        extra, foreign = common.foreign_proposals(
            Match.Kind.HOUSING,
            "housing_need",
            "housing_offer",
            HousingNeed,
            cell,
            max((r.max_distance_m for r in found.needs.values()), default=0.0),
            households,
        )
        proposals += foreign
        everyone = {**households, **extra}
        if extra:  # their other options, so that a revision can move them elsewhere
            more = search.housing_candidates(list(extra), limit_per_need=candidate_limit())
            found.needs.update(more.needs)
            found.offers.update(more.offers)
            found.pairs.extend(more.pairs)
        wanted = set(found.offers) | {m.housing_offer_id for m in proposals}
        flats = {f.pk: f for f in lock(matchable(HousingOffer.objects).filter(pk__in=wanted))}
        revisable = [
            (m, m.housing_need_id, m.housing_offer_id)
            for m in proposals
            if m.housing_offer_id in flats
        ]
        revisable_ids = {m.pk for m, _, _ in revisable}
        firm = Match.objects.filter(kind=Match.Kind.HOUSING, state__in=ACTIVE_STATES).exclude(
            pk__in=revisable_ids
        )
        housed = set(
            firm.filter(housing_need_id__in=list(everyone)).values_list(
                "housing_need_id", flat=True
            )
        )
        let = set(
            firm.filter(housing_offer_id__in=list(flats)).values_list("housing_offer_id", flat=True)
        )
        held_need = {n for _, n, _ in revisable}
        held_offer = {o for _, _, o in revisable}
        need_records = dict(found.needs)
        offer_records = dict(found.offers)
        for f in flats:
            if f not in offer_records:
                offer_records[f] = search.flat_record(flats[f])
        pairs = {(n, o): d for n, o, d in found.pairs if o in flats}
        needs_sql = f"SELECT id, point FROM {HousingNeed._meta.db_table}"
        for n, o, d in common.pairs_with(
            needs_sql, list(everyone), HousingOffer, {o for _, _, o in revisable}
        ):
            pairs.setdefault((n, o), d)
        edges = []
        for (n, o), distance in pairs.items():
            if n in housed or o in let or n not in need_records:
                continue
            household, flat = need_records[n], offer_records[o]
            if constraints.housing_reason(
                household,
                flat,
                distance,
                move_in_tolerance_days=settings.HOUSING_MOVE_IN_TOLERANCE_DAYS,
            ):
                continue
            value, breakdown = scoring.score_housing(
                household, flat, distance, now=now, weights=common.weights()
            )
            edges.append(Edge(n, o, value, distance, breakdown))
        result.edges = len(edges)
        plan = common.plan(
            allocation.allocate_assignment,
            edges=edges,
            need_open={n: 0 if n in housed or n in held_need else 1 for n in everyone},
            offer_open={o: 0 if o in let or o in held_offer else 1 for o in flats},
            arrival={n: r.created_at.timestamp() for n, r in everyone.items()},
            revisable=revisable,
        )
        common.cancel(plan.cancel, common.REVISED_REASON)
        touched_needs = {m.housing_need_id for m in plan.cancel}
        touched_flats = {m.housing_offer_id for m in plan.cancel}
        for alloc in plan.create:
            result.created.append(
                common.propose(
                    kind=Match.Kind.HOUSING,
                    housing_need=everyone[alloc.need_id],
                    housing_offer=flats[alloc.offer_id],
                    quantity=1,
                    distance_m=alloc.distance_m,
                    score=alloc.score,
                    score_breakdown=dict(alloc.breakdown),
                )
            )
            touched_needs.add(alloc.need_id)
            touched_flats.add(alloc.offer_id)
        live = Match.objects.filter(kind=Match.Kind.HOUSING, state__in=ACTIVE_STATES)
        for rows, touched, side in (
            (everyone, touched_needs, "housing_need"),
            (flats, touched_flats, "housing_offer"),
        ):
            for pk in touched:
                record = rows[pk]
                common.status_after(record, holds=live.filter(**{side: record}).exists())
                record.save(update_fields=["status", "updated_at"])
        result.cancelled = len(plan.cancel)
        result.revised = plan.revised
        skipped = set(found.offers) - set(flats)
        waiting = {n for n, o, _ in found.pairs if o in skipped}
        common.clear_flags(HousingNeed, set(households) - waiting)
        common.clear_offer_flags_in_cell(HousingOffer, cell)
    return result
