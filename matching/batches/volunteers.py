"""The volunteer batch: volunteers for the shifts of the volunteer needs of one cell."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.db import transaction

from matching import candidates as search
from matching.areas import Cell, in_cell
from matching.batches import common
from matching.batches.common import candidate_limit, lock
from matching.core import allocation, constraints, scoring
from matching.core.types import Edge
from matching.kinds import matchable
from matching.models import ACTIVE_STATES, Match, MatchState
from volunteers.models import Shift, VolunteerNeed, VolunteerProfile
from volunteers.selectors import need_holds_places


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
        lock(
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
        for n in lock(
            matchable(VolunteerNeed.objects)
            .filter(pk__in=set(need_of.values()))
            .exclude(pk__in=list(needs))
        )
    }
    foreign = [m for m in foreign if need_of.get(m.shift_id) in extra_needs]
    extra_shifts = {s.pk: s for s in Shift.objects.filter(pk__in=[m.shift_id for m in foreign])}
    return extra_needs, extra_shifts, foreign


def run_volunteer_batch(cell: Cell) -> common.BatchResult:
    result = common.BatchResult("volunteers", cell)
    now, tz = common.now_and_zone()
    with transaction.atomic():
        # The need's row lock covers its shifts: every writer of `people_open` takes it.
        needs = {n.pk: n for n in lock(in_cell(matchable(VolunteerNeed.objects), cell))}
        shifts = {
            s.pk: s
            for s in Shift.objects.filter(need_id__in=list(needs), start__gt=now).order_by("pk")
        }
        result.needs = len(shifts)
        found = search.volunteer_candidates(list(shifts), limit_per_need=candidate_limit())
        proposals = list(
            lock(
                Match.objects.filter(kind=Match.Kind.VOLUNTEERS, state=MatchState.PROPOSED)
            ).filter(shift_id__in=list(shifts))
        )
        extra_needs, extra_shifts, foreign = _foreign_shift_proposals(found, needs, shifts, now)
        if extra_shifts:  # their other options, so that a revision can move them elsewhere
            more = search.volunteer_candidates(list(extra_shifts), limit_per_need=candidate_limit())
            found.needs.update(more.needs)
            found.offers.update(more.offers)
            found.pairs.extend(more.pairs)
        proposals += foreign
        all_needs = {**needs, **extra_needs}
        all_shifts = {**shifts, **extra_shifts}
        wanted = set(found.offers) | {m.volunteer_id for m in proposals}
        volunteers = {
            v.pk: v for v in lock(matchable(VolunteerProfile.objects).filter(pk__in=wanted))
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
        for s, v, d in common.pairs_with(
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
                weights=common.weights(),
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
        plan = common.plan(
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
        common.cancel(plan.cancel, common.REVISED_REASON)
        delta = Counter()
        for match in plan.cancel:
            delta[match.shift_id] += match.quantity
        for alloc in plan.create:
            result.created.append(
                common.propose(
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
        common.clear_flags(VolunteerNeed, set(needs) - waiting)
        common.clear_offer_flags_in_cell(VolunteerProfile, cell)
    return result


def _refresh_volunteer_need_status(need: VolunteerNeed) -> None:
    common.status_after(need, holds=need_holds_places(need))
    need.save(update_fields=["status", "updated_at"])
