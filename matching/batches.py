"""One matching batch: the open needs of one cell, allocated together against every offer in
their reach, for one kind of help.

Order of work in one transaction:
1. lock the cell's open needs (SKIP LOCKED: a need another batch holds is left to it);
2. fetch candidates from PostGIS (`matching.candidates`);
3. lock the candidate offers (SKIP LOCKED again) and read their capacity under the lock: what
   another batch or a match in flight holds is never offered twice, and a batch never waits
   for another, so two batches cannot deadlock;
4. build feasible, scored edges with the core and allocate globally (min-cost flow for goods
   and shifts, an assignment for flats);
5. write the matches and the capacities they hold, then clear the flags of what was seen.

Proposals nobody has seen yet (`proposed`: not approved, not offered) between rows this batch
holds may be revised: the batch also allocates as if they were free, and takes that answer
instead of keeping them when it serves more needs.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.measure import D
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from donations.models import DonationOffer, GoodsNeed
from geo.models import GeocodeStatus
from housing.models import HousingNeed, HousingOffer
from lifecycle.states import MATCHABLE_STATUSES, Status
from matching import candidates as search
from matching.areas import Cell, cell_polygon, in_cell
from matching.core import allocation, constraints, scoring
from matching.core.types import Allocation, Edge, Problem
from matching.models import ACTIVE_STATES, Match, MatchEvent, MatchState
from volunteers.models import Shift, VolunteerNeed, VolunteerProfile

log = logging.getLogger(__name__)

PLACED = (GeocodeStatus.PLACED, GeocodeStatus.REFINED)
REVISED_REASON = "revised: a later batch serves more needs"


@dataclass
class BatchResult:
    kind: str
    cell: Cell
    needs: int = 0
    edges: int = 0
    created: list[Match] = field(default_factory=list)
    cancelled: int = 0
    revised: bool = False

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "cell": self.cell,
            "needs": self.needs,
            "edges": self.edges,
            "created": len(self.created),
            "cancelled": self.cancelled,
            "revised": self.revised,
        }


def _now_and_zone() -> tuple[datetime, ZoneInfo]:
    return timezone.now(), ZoneInfo(settings.TIME_ZONE)


def _matchable(queryset: QuerySet) -> QuerySet:
    return queryset.filter(status__in=MATCHABLE_STATUSES, geocode_status__in=PLACED)


def _lock(queryset: QuerySet) -> QuerySet:
    """Rows no other transaction holds, locked for this one; shared rows joined for reading
    (categories, users, organisations) are not locked."""
    return queryset.select_for_update(skip_locked=True, of=("self",))


def _served(allocations: Iterable[Allocation], *, places: bool = False) -> int:
    """How many needs an allocation serves; for shifts, how many places it fills."""
    allocations = list(allocations)
    if places:
        return sum(a.quantity for a in allocations)
    return len({a.need_id for a in allocations})


def _as_allocation(match: Match, need_id: int, offer_id: int) -> Allocation:
    return Allocation(
        need_id, offer_id, match.quantity, match.score, match.distance_m, match.score_breakdown
    )


@dataclass
class _Plan:
    """What the batch decided: proposals to cancel and allocations to write."""

    cancel: list[Match]
    create: list[Allocation]
    revised: bool


def _plan(
    solve: Callable[[Problem], list[Allocation]],
    *,
    edges: list[Edge],
    need_open: Mapping[int, int],
    offer_open: Mapping[int, int],
    arrival: Mapping[int, float],
    revisable: list[tuple[Match, int, int]],
    solve_keeping: Callable[[Problem], list[Allocation]] | None = None,
    count_places: bool = False,
) -> _Plan:
    """Allocate the free capacity, and if there are revisable proposals, also as if they were
    free; take the revision only if it serves more needs than keeping them."""
    keep_pairs = {(n, o) for _, n, o in revisable}
    keeping = Problem(
        need_capacity=need_open,
        offer_capacity=offer_open,
        edges=tuple(e for e in edges if (e.need_id, e.offer_id) not in keep_pairs),
        need_arrival=arrival,
    )
    added = (solve_keeping or solve)(keeping)
    if not revisable:
        return _Plan([], added, False)
    need_full, offer_full = Counter(need_open), Counter(offer_open)
    for match, need_id, offer_id in revisable:
        need_full[need_id] += match.quantity
        offer_full[offer_id] += match.quantity
    full = solve(
        Problem(
            need_capacity=dict(need_full),
            offer_capacity=dict(offer_full),
            edges=tuple(edges),
            need_arrival=arrival,
        )
    )
    kept = [_as_allocation(m, n, o) for m, n, o in revisable]
    if _served(full, places=count_places) <= _served(kept + added, places=count_places):
        return _Plan([], added, False)
    chosen = {(a.need_id, a.offer_id, a.quantity) for a in full}
    cancel = [m for m, n, o in revisable if (n, o, m.quantity) not in chosen]
    still = {(n, o, m.quantity) for m, n, o in revisable if (n, o, m.quantity) in chosen}
    create = [a for a in full if (a.need_id, a.offer_id, a.quantity) not in still]
    return _Plan(cancel, create, True)


def _cancel(matches: Iterable[Match], reason: str) -> None:
    for match in matches:
        previous = match.state
        match.state = MatchState.CANCELLED
        match.save(update_fields=["state", "updated_at"])
        MatchEvent.objects.create(
            match=match, from_state=previous, to_state=MatchState.CANCELLED, reason=reason
        )


def _propose(**fields) -> Match:
    match = Match.objects.create(**fields)
    MatchEvent.objects.create(match=match, to_state=MatchState.PROPOSED, reason="engine")
    return match


def _status_after(record, *, holds: bool) -> None:
    if record.status in MATCHABLE_STATUSES:
        record.status = Status.PARTLY_MATCHED if holds else Status.OPEN


def _clear_flags(model, ids: Iterable[int]) -> None:
    model.objects.filter(pk__in=list(ids), needs_matching=True).update(needs_matching=False)


def _clear_offer_flags_in_cell(model, cell: Cell) -> None:
    """Offers placed in the cell have been seen by this batch (or have no need in reach)."""
    ids = list(
        _lock(in_cell(model.objects.filter(needs_matching=True), cell)).values_list("pk", flat=True)
    )
    _clear_flags(model, ids)


# The widest any radius may be (the models' validators); the core checks the real limits.
WIDEST_REACH_M = 200_000.0


def _pairs_with(needs_sql: str, need_ids, offer_model, offer_ids) -> list[tuple[int, int, float]]:
    """(need, offer, metres) for offers that the candidate search skipped because all their
    capacity is held, by proposals this batch may revise. `needs_sql` selects (id, point)."""
    if not need_ids or not offer_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.id, o.id, ST_Distance(n.point, o.point)
            FROM ({needs_sql}) n
            JOIN {offer_model._meta.db_table} o
              ON ST_DWithin(n.point, o.point, %(reach)s)
            WHERE n.id = ANY(%(needs)s) AND o.id = ANY(%(offers)s)
            """,
            {"reach": WIDEST_REACH_M, "needs": list(need_ids), "offers": list(offer_ids)},
        )
        return [(n, o, float(d)) for n, o, d in cursor.fetchall()]


def _foreign_proposals(
    kind: str, need_field: str, offer_field: str, need_model, cell: Cell, reach_m: float, own
) -> tuple[dict, list[Match]]:
    """Unseen proposals of needs outside this cell on offers within `reach_m` of it, and
    those needs, both locked (SKIP LOCKED): a batch may revise them too, so that an offer near
    a cell border does not simply go to whichever cell's batch ran first."""
    if reach_m <= 0:
        return {}, []
    nearby = Match.objects.filter(
        kind=kind,
        state=MatchState.PROPOSED,
        **{f"{offer_field}__point__dwithin": (cell_polygon(cell), D(m=reach_m))},
    ).exclude(**{f"{need_field}_id__in": list(own)})
    found = list(_lock(nearby))
    needs = {
        n.pk: n
        for n in _lock(
            _matchable(need_model.objects).filter(
                pk__in={getattr(m, f"{need_field}_id") for m in found}
            )
        )
    }
    return needs, [m for m in found if getattr(m, f"{need_field}_id") in needs]


def _weights() -> Mapping[str, float]:
    return settings.MATCHING_WEIGHTS


def _limit() -> int:
    return settings.MATCHING_CANDIDATES_PER_NEED


# --- goods --------------------------------------------------------------------------------


def run_goods_batch(cell: Cell) -> BatchResult:
    from notifications import services as notifications

    result = BatchResult("goods", cell)
    now, _ = _now_and_zone()
    with transaction.atomic():
        needs = {
            n.pk: n
            for n in _lock(
                in_cell(_matchable(GoodsNeed.objects), cell).select_related(
                    "category", "organisation", "created_by"
                )
            )
        }
        result.needs = len(needs)
        found = search.goods_candidates(list(needs), limit_per_need=_limit())
        proposals = list(
            _lock(Match.objects.filter(kind=Match.Kind.GOODS, state=MatchState.PROPOSED)).filter(
                goods_need_id__in=list(needs)
            )
        )
        extra, foreign = _foreign_proposals(
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
            more = search.goods_candidates(list(extra), limit_per_need=_limit())
            found.needs.update(more.needs)
            found.offers.update(more.offers)
            found.pairs.extend(more.pairs)
        wanted = set(found.offers) | {m.donation_offer_id for m in proposals}
        offers = {
            o.pk: o
            for o in _lock(
                _matchable(DonationOffer.objects)
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
        for n, o, d in _pairs_with(
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
                need, offer, distance, now=now, weights=_weights()
            )
            edges.append(Edge(n, o, value, distance, breakdown))
        result.edges = len(edges)
        plan = _plan(
            allocation.allocate_flow,
            edges=edges,
            need_open={n: r.quantity_open for n, r in everyone.items()},
            offer_open={o: r.quantity_open for o, r in offers.items()},
            arrival={n: r.created_at.timestamp() for n, r in everyone.items()},
            revisable=revisable,
        )
        _cancel(plan.cancel, REVISED_REASON)
        delta_need, delta_offer = Counter(), Counter()
        for match in plan.cancel:
            delta_need[match.goods_need_id] += match.quantity
            delta_offer[match.donation_offer_id] += match.quantity
        for alloc in plan.create:
            result.created.append(
                _propose(
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
                    _status_after(record, holds=record.quantity_open < record.quantity)
                    record.save(update_fields=["quantity_open", "status", "updated_at"])
        result.cancelled = len(plan.cancel)
        result.revised = plan.revised
        skipped = set(found.offers) - set(offers)
        waiting = {n for n, o, _ in found.pairs if o in skipped}
        _clear_flags(GoodsNeed, set(needs) - waiting)
        _clear_offer_flags_in_cell(DonationOffer, cell)
        for match in result.created:
            notifications.notify_match_proposed(match)
    return result


# --- volunteers ---------------------------------------------------------------------------


def _booked(matches: Iterable[Match]) -> dict[int, list[tuple[datetime, datetime]]]:
    booked: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for match in matches:
        booked[match.volunteer_id].append((match.shift.start, match.shift.end))
    return booked


def _foreign_shift_proposals(found, needs: Mapping, shifts: Mapping, now: datetime):
    """Unseen proposals of this batch's candidate volunteers for shifts in other cells, with
    those shifts and their needs, all locked (SKIP LOCKED): a batch may move a volunteer to a
    shift only they can do, and find the other shift someone else."""
    foreign = list(
        _lock(
            Match.objects.filter(
                kind=Match.Kind.VOLUNTEERS,
                state=MatchState.PROPOSED,
                volunteer_id__in=list(found.offers),
            )
        ).exclude(shift_id__in=list(shifts))
    )
    need_of = dict(
        Shift.objects.filter(pk__in=[m.shift_id for m in foreign], start__gt=now).values_list(
            "pk", "need_id"
        )
    )
    extra_needs = {
        n.pk: n
        for n in _lock(
            _matchable(VolunteerNeed.objects)
            .filter(pk__in=set(need_of.values()))
            .exclude(pk__in=list(needs))
        )
    }
    foreign = [m for m in foreign if need_of.get(m.shift_id) in extra_needs]
    extra_shifts = {s.pk: s for s in Shift.objects.filter(pk__in=[m.shift_id for m in foreign])}
    return extra_needs, extra_shifts, foreign


def run_volunteer_batch(cell: Cell) -> BatchResult:
    result = BatchResult("volunteers", cell)
    now, tz = _now_and_zone()
    with transaction.atomic():
        # The need's row lock covers its shifts: every writer of `people_open` takes it.
        needs = {n.pk: n for n in _lock(in_cell(_matchable(VolunteerNeed.objects), cell))}
        shifts = {
            s.pk: s
            for s in Shift.objects.filter(need_id__in=list(needs), start__gt=now).order_by("pk")
        }
        result.needs = len(shifts)
        found = search.volunteer_candidates(list(shifts), limit_per_need=_limit())
        proposals = list(
            _lock(
                Match.objects.filter(kind=Match.Kind.VOLUNTEERS, state=MatchState.PROPOSED)
            ).filter(shift_id__in=list(shifts))
        )
        extra_needs, extra_shifts, foreign = _foreign_shift_proposals(found, needs, shifts, now)
        if extra_shifts:  # their other options, so that a revision can move them elsewhere
            more = search.volunteer_candidates(list(extra_shifts), limit_per_need=_limit())
            found.needs.update(more.needs)
            found.offers.update(more.offers)
            found.pairs.extend(more.pairs)
        proposals += foreign
        all_needs = {**needs, **extra_needs}
        all_shifts = {**shifts, **extra_shifts}
        wanted = set(found.offers) | {m.volunteer_id for m in proposals}
        volunteers = {
            v.pk: v for v in _lock(_matchable(VolunteerProfile.objects).filter(pk__in=wanted))
        }
        revisable = [
            (m, m.shift_id, m.volunteer_id) for m in proposals if m.volunteer_id in volunteers
        ]
        revisable_ids = {m.pk for m, _, _ in revisable}
        # Under the volunteers' locks: what their live matches hold now.
        live = list(
            Match.objects.filter(
                kind=Match.Kind.VOLUNTEERS,
                state__in=ACTIVE_STATES,
                volunteer_id__in=list(volunteers),
            ).select_related("shift")
        )
        booked_all = _booked(live)
        booked_firm = _booked(m for m in live if m.pk not in revisable_ids)
        taken = {(m.shift_id, m.volunteer_id) for m in live if m.pk not in revisable_ids}
        shift_records = dict(found.needs)
        offer_records = dict(found.offers)
        for v in volunteers:
            if v not in offer_records:
                offer_records[v] = search.volunteer_record(volunteers[v])
        firm = {
            v: replace(offer_records[v], booked=tuple(booked_firm.get(v, ()))) for v in volunteers
        }
        keeping = {
            v: replace(offer_records[v], booked=tuple(booked_all.get(v, ()))) for v in volunteers
        }
        held = Counter(m.shift_id for m, _, _ in revisable)
        pairs = {(s, v): d for s, v, d in found.pairs if v in volunteers}
        for s, v, d in _pairs_with(
            f"SELECT s.id, n.point FROM {Shift._meta.db_table} s "
            f"JOIN {VolunteerNeed._meta.db_table} n ON n.id = s.need_id",
            list(all_shifts),
            VolunteerProfile,
            {v for _, _, v in revisable},
        ):
            pairs.setdefault((s, v), d)
        edges = []
        for (s, v), distance in pairs.items():
            if (s, v) in taken or s not in shift_records:
                continue
            shift = replace(shift_records[s], people_open=all_shifts[s].people_open + held[s])
            volunteer = firm[v]
            if constraints.volunteer_reason(shift, volunteer, distance, now=now, tz=tz):
                continue
            value, breakdown = scoring.score_volunteer(
                shift,
                volunteer,
                distance,
                now=now,
                weights=_weights(),
                booked_hours_in_week=constraints.hours_in_week(
                    constraints.iso_week(shift.start, tz), volunteer.booked, tz
                ),
            )
            edges.append(Edge(s, v, value, distance, breakdown))
        result.edges = len(edges)
        full_shifts = {
            s: replace(rec, people_open=all_shifts[s].people_open + held[s])
            for s, rec in shift_records.items()
            if s in all_shifts
        }
        open_shifts = {
            s: replace(rec, people_open=all_shifts[s].people_open)
            for s, rec in shift_records.items()
            if s in all_shifts
        }
        many = max(1, len(edges))
        solver_seconds = settings.MATCHING_SHIFT_SOLVER_SECONDS
        plan = _plan(
            lambda problem: allocation.allocate_shifts(
                problem, full_shifts, firm, tz=tz, now=now, time_limit_seconds=solver_seconds
            ),
            solve_keeping=lambda problem: allocation.allocate_shifts(
                problem, open_shifts, keeping, tz=tz, now=now, time_limit_seconds=solver_seconds
            ),
            edges=edges,
            need_open={s: r.people_open for s, r in all_shifts.items()},
            offer_open=dict.fromkeys(volunteers, many),
            arrival={s: all_needs[r.need_id].created_at.timestamp() for s, r in all_shifts.items()},
            revisable=revisable,
            count_places=True,
        )
        _cancel(plan.cancel, REVISED_REASON)
        delta = Counter()
        for match in plan.cancel:
            delta[match.shift_id] += match.quantity
        for alloc in plan.create:
            result.created.append(
                _propose(
                    kind=Match.Kind.VOLUNTEERS,
                    shift=all_shifts[alloc.need_id],
                    volunteer=volunteers[alloc.offer_id],
                    quantity=1,
                    distance_m=alloc.distance_m,
                    score=alloc.score,
                    score_breakdown=dict(alloc.breakdown),
                )
            )
            delta[alloc.need_id] -= 1
        for pk, change in delta.items():
            if change:
                all_shifts[pk].people_open += change
                all_shifts[pk].save(update_fields=["people_open"])
        for need_id in {all_shifts[pk].need_id for pk, change in delta.items() if change}:
            _refresh_volunteer_need_status(all_needs[need_id])
        result.cancelled = len(plan.cancel)
        result.revised = plan.revised
        skipped = set(found.offers) - set(volunteers)
        waiting = {all_shifts[s].need_id for s, v, _ in found.pairs if v in skipped}
        _clear_flags(VolunteerNeed, set(needs) - waiting)
        _clear_offer_flags_in_cell(VolunteerProfile, cell)
    return result


def _refresh_volunteer_need_status(need: VolunteerNeed) -> None:
    holds = Shift.objects.filter(need=need, people_open__lt=F("people")).exists()
    _status_after(need, holds=holds)
    need.save(update_fields=["status", "updated_at"])


# --- housing ------------------------------------------------------------------------------


def run_housing_batch(cell: Cell) -> BatchResult:
    result = BatchResult("housing", cell)
    now, _ = _now_and_zone()
    with transaction.atomic():
        households = {h.pk: h for h in _lock(in_cell(_matchable(HousingNeed.objects), cell))}
        result.needs = len(households)
        found = search.housing_candidates(list(households), limit_per_need=_limit())
        proposals = list(
            _lock(Match.objects.filter(kind=Match.Kind.HOUSING, state=MatchState.PROPOSED)).filter(
                housing_need_id__in=list(households)
            )
        )
        extra, foreign = _foreign_proposals(
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
            more = search.housing_candidates(list(extra), limit_per_need=_limit())
            found.needs.update(more.needs)
            found.offers.update(more.offers)
            found.pairs.extend(more.pairs)
        wanted = set(found.offers) | {m.housing_offer_id for m in proposals}
        flats = {f.pk: f for f in _lock(_matchable(HousingOffer.objects).filter(pk__in=wanted))}
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
        for n, o, d in _pairs_with(
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
                household, flat, distance, now=now, weights=_weights()
            )
            edges.append(Edge(n, o, value, distance, breakdown))
        result.edges = len(edges)
        plan = _plan(
            allocation.allocate_assignment,
            edges=edges,
            need_open={n: 0 if n in housed or n in held_need else 1 for n in everyone},
            offer_open={o: 0 if o in let or o in held_offer else 1 for o in flats},
            arrival={n: r.created_at.timestamp() for n, r in everyone.items()},
            revisable=revisable,
        )
        _cancel(plan.cancel, REVISED_REASON)
        touched_needs = {m.housing_need_id for m in plan.cancel}
        touched_flats = {m.housing_offer_id for m in plan.cancel}
        for alloc in plan.create:
            result.created.append(
                _propose(
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
                _status_after(record, holds=live.filter(**{side: record}).exists())
                record.save(update_fields=["status", "updated_at"])
        result.cancelled = len(plan.cancel)
        result.revised = plan.revised
        skipped = set(found.offers) - set(flats)
        waiting = {n for n, o, _ in found.pairs if o in skipped}
        _clear_flags(HousingNeed, set(households) - waiting)
        _clear_offer_flags_in_cell(HousingOffer, cell)
    return result


RUNNERS: dict[str, Callable[[Cell], BatchResult]] = {
    "goods": run_goods_batch,
    "volunteers": run_volunteer_batch,
    "housing": run_housing_batch,
}


def run_batch(kind: str, cell: Cell) -> BatchResult:
    from matching.scheduling import release_cell

    release_cell(kind, cell)
    result = RUNNERS[kind](cell)
    log.info("matching batch %s", result.as_dict())
    return result
