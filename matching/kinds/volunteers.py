"""Volunteers: people for the shifts of volunteer needs. A batch allocates shifts (a flow
repaired for overlaps and weekly hours, then an exact CP-SAT model); a match holds one place
of its shift's `people_open` and books the volunteer for the shift's time."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.checks import certificate_dates
from base.errors import INVALID, ApplicationError
from lifecycle.models import LifecycleModel
from lifecycle.services import status_after
from lifecycle.states import MATCHABLE_STATUSES
from matching import candidates as search
from matching.areas import Cell
from matching.core import allocation, constraints, scoring
from matching.core.types import Edge, Reason
from matching.kinds.base import BatchProblem, Checks, Joining, KindAdapter, LockedBatch
from matching.kinds.rows import (
    live_matches,
    lock,
    lock_row,
    matchable,
    need_radius_m,
    relock,
    reopen,
)
from matching.kinds.volunteer_checks import shift_checks, volunteers_around
from matching.models import Match, MatchState
from volunteers.models import Shift, VolunteerNeed, VolunteerProfile
from volunteers.selectors import need_holds_places


def _open_shifts(now: datetime) -> QuerySet:
    return Shift.objects.filter(start__gt=now, people_open__gt=0)


def _booked(matches: Iterable[Match]) -> dict[int, list[tuple[datetime, datetime]]]:
    """The times each volunteer is booked for by these matches."""
    booked: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for match in matches:
        booked[match.volunteer_id].append((match.shift.start, match.shift.end))
    return booked


def shifts_as_shown(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    """Shifts annotated with `proposed_hold`: the places unreviewed proposals hold, which
    are still open to anyone but a coordinator (matching.selectors.as_shown)."""
    proposed = (
        Match.objects.filter(state=MatchState.PROPOSED, shift=OuterRef("pk"))
        .order_by()
        .values("shift")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return shifts.annotate(proposed_hold=Coalesce(Subquery(proposed), 0))


NO_CERTIFICATE_MESSAGE = gettext_lazy(
    "This need works with children: the volunteer needs an extended certificate of conduct "
    "that the welcome centre has seen and that still counts on the day of the shift."
)


class VolunteersAdapter(KindAdapter):
    kind = Match.Kind.VOLUNTEERS.value
    need_model = VolunteerNeed
    offer_model = VolunteerProfile
    need_field = "shift__need"
    offer_field = "volunteer"
    unit_field = "shift"
    divisible = False
    count_places = True
    diagnosed_per_unit = True
    no_unit_left = gettext_lazy("No shift of this need has a free place left.")

    # --- reach --------------------------------------------------------------------------

    def reach_m(self, offer: VolunteerProfile) -> float:
        return float(offer.travel_radius_km) * 1000.0

    def needs_reaching(self, offer: VolunteerProfile) -> QuerySet:
        return matchable(VolunteerNeed.objects).filter(
            approx_point__dwithin=(offer.approx_point, need_radius_m())
        )

    # --- one batch ----------------------------------------------------------------------

    def units_of(self, needs: Mapping[int, VolunteerNeed], now: datetime) -> dict[int, Shift]:
        # Shifts still ahead. The need's row lock covers its shifts: every writer of
        # `people_open` takes it.
        shifts = Shift.objects.filter(need_id__in=list(needs), start__gt=now).order_by("pk")
        return {shift.pk: shift for shift in shifts}

    def need_id_of(self, unit: Shift) -> int:
        return unit.need_id

    def units_sql(self) -> str:
        return (
            f"SELECT s.id, n.approx_point FROM {Shift._meta.db_table} s "
            f"JOIN {VolunteerNeed._meta.db_table} n ON n.id = s.need_id"
        )

    def candidates(self, unit_ids: Sequence[int], *, limit_per_need: int) -> search.Candidates:
        return search.volunteer_candidates(unit_ids, limit_per_need=limit_per_need)

    def joining(
        self,
        cell: Cell,
        found: search.Candidates,
        needs: Mapping[int, VolunteerNeed],
        units: Mapping[int, Shift],
        now: datetime,
    ) -> Joining:
        """Unseen proposals of this batch's candidate volunteers for shifts in other cells,
        with those shifts and their needs, all locked (SKIP LOCKED): a batch may move a
        volunteer to a shift only they can do, and find the other shift someone else."""
        foreign = list(
            lock(
                Match.objects.filter(
                    kind=self.kind, state=MatchState.PROPOSED, volunteer_id__in=list(found.offers)
                )
            ).exclude(shift_id__in=list(units))
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
        return Joining(extra_needs, extra_shifts, foreign)

    def offer_record(self, offer: VolunteerProfile) -> Any:
        return search.volunteer_record(offer)

    def problem(self, batch: LockedBatch) -> BatchProblem:
        revisable_ids = batch.revisable_ids
        # Under the volunteers' locks: what their live matches hold now. A volunteer is judged
        # with the revisable proposals freed (`firm`), and allocated while keeping them with
        # every booking (`keeping`).
        live = list(
            live_matches(kind=self.kind, volunteer_id__in=list(batch.offers)).select_related(
                "shift"
            )
        )
        booked_all = _booked(live)
        booked_firm = _booked(m for m in live if m.pk not in revisable_ids)
        taken = {(m.shift_id, m.volunteer_id) for m in live if m.pk not in revisable_ids}
        firm = {
            v: replace(batch.offer_records[v], booked=tuple(booked_firm.get(v, ())))
            for v in batch.offers
        }
        keeping = {
            v: replace(batch.offer_records[v], booked=tuple(booked_all.get(v, ())))
            for v in batch.offers
        }
        held = Counter(m.shift_id for m, _, _ in batch.revisable)
        # Read under the profiles' locks: a volunteer suspended after the search ran is paused
        # here too.
        active = set(
            VolunteerProfile.objects.filter(
                pk__in=list(batch.offers), user__is_active=True
            ).values_list("pk", flat=True)
        )
        tz = batch.tz
        edges = []
        for (s, v), distance in batch.pairs.items():
            if (s, v) in taken or v not in active or s not in batch.unit_records:
                continue
            shift = replace(batch.unit_records[s], people_open=batch.units[s].people_open + held[s])
            volunteer = firm[v]
            if constraints.volunteer_reason(shift, volunteer, distance, now=batch.now, tz=tz):
                continue
            value, breakdown = scoring.score_volunteer(
                shift,
                volunteer,
                distance,
                now=batch.now,
                weights=settings.MATCHING_WEIGHTS,
                booked_hours_in_week=constraints.hours_in_week(
                    constraints.iso_week(shift.start, tz), volunteer.booked, tz
                ),
            )
            edges.append(Edge(s, v, value, distance, breakdown))
        full_shifts = {
            s: replace(rec, people_open=batch.units[s].people_open + held[s])
            for s, rec in batch.unit_records.items()
            if s in batch.units
        }
        open_shifts = {
            s: replace(rec, people_open=batch.units[s].people_open)
            for s, rec in batch.unit_records.items()
            if s in batch.units
        }
        solver = partial(
            allocation.allocate_shifts,
            tz=tz,
            now=batch.now,
            time_limit_seconds=settings.MATCHING_SHIFT_SOLVER_SECONDS,
        )
        return BatchProblem(
            edges=edges,
            need_open={s: r.people_open for s, r in batch.units.items()},
            # A volunteer takes as many shifts as fit; the solver keeps hours and overlaps.
            offer_open=dict.fromkeys(batch.offers, max(1, len(edges))),
            solve=partial(solver, shifts=full_shifts, volunteers=firm),
            solve_keeping=partial(solver, shifts=open_shifts, volunteers=keeping),
        )

    def settle(self, batch: LockedBatch, released: list[Match], created: list[Match]) -> None:
        delta = Counter()
        for match in released:
            delta[match.shift_id] += match.quantity
        for match in created:
            delta[match.shift_id] -= match.quantity
        for pk, change in delta.items():
            if change:
                batch.units[pk].people_open += change
                batch.units[pk].save(update_fields=["people_open"])
        for need_id in {batch.units[pk].need_id for pk, change in delta.items() if change}:
            need = batch.needs[need_id]
            status_after(need, holds=self.holds(need))
            need.save(update_fields=["status", "updated_at"])

    # --- outside a batch ----------------------------------------------------------------

    def annotate_as_shown(self, queryset: QuerySet, side: str) -> QuerySet:
        if side == "offer":
            # A profile is never partly matched (see `holds`).
            return queryset.annotate(shown_holds=Value(False))
        # A need holds places while a shift has fewer open than it asks for, counting the
        # places proposals hold as open.
        told_short = shifts_as_shown(Shift.objects.filter(need=OuterRef("pk"))).filter(
            people__gt=F("people_open") + F("proposed_hold")
        )
        return queryset.annotate(shown_holds=Exists(told_short))

    def holds(self, record: LifecycleModel) -> bool:
        if isinstance(record, VolunteerNeed):
            return need_holds_places(record)
        # A volunteer's profile stays open whatever they are booked for: people offer their
        # time again.
        return False

    def give_back(self, match: Match, quantity: int | None = None) -> None:
        quantity = match.quantity if quantity is None else quantity
        # The need's row lock covers its shifts (batches take it before touching people_open).
        need = lock_row(
            VolunteerNeed, Shift.objects.values_list("need_id", flat=True).get(pk=match.shift_id)
        )
        if need is not None and need.status in MATCHABLE_STATUSES:
            Shift.objects.filter(pk=match.shift_id, people_open__lt=F("people")).update(
                people_open=F("people_open") + quantity
            )
            reopen(need, holds=self.holds(need))
        volunteer = lock_row(VolunteerProfile, match.volunteer_id)
        if volunteer is not None and volunteer.status in MATCHABLE_STATUSES:
            volunteer.needs_matching = True
            volunteer.save(update_fields=["needs_matching"])
            volunteer.request_matching()

    def hold_by_hand(
        self,
        need: VolunteerNeed,
        offer: VolunteerProfile,
        *,
        quantity: int | None = None,
        unit: Shift | None = None,
    ) -> tuple[dict[str, Any], int]:
        need = relock(need)
        if not VolunteerProfile.objects.filter(pk=offer.pk, user__is_active=True).exists():
            raise ApplicationError(
                _("This volunteer's account is suspended."), code=INVALID, field="offer"
            )
        if unit is None or unit.need_id != need.pk:
            raise ApplicationError(_("Choose a shift of this need."), code=INVALID, field="shift")
        if not self._certified_for(need, unit, offer):
            raise ApplicationError(NO_CERTIFICATE_MESSAGE, code=INVALID, field="offer")
        unit.refresh_from_db()
        if unit.people_open < 1:
            raise ApplicationError(
                _("This shift has no open place left."), code=INVALID, field="shift"
            )
        unit.people_open -= 1
        unit.save(update_fields=["people_open"])
        status_after(need, holds=True)
        need.save(update_fields=["status", "updated_at"])
        return {"volunteer": relock(offer), "shift": unit}, 1

    def approval_problem(self, match: Match) -> str | None:
        shift = match.shift
        if not self._certified_for(shift.need, shift, match.volunteer):
            return str(NO_CERTIFICATE_MESSAGE)
        return None

    @staticmethod
    def _certified_for(need: VolunteerNeed, shift: Shift, profile: VolunteerProfile) -> bool:
        # The same rule as the engine's (core.constraints), read fresh: a certificate may
        # have been withdrawn since the proposal.
        since = search.shift_record(shift, need=need, required_skills=()).certificate_since
        if since is None:
            return True
        newest = certificate_dates([profile.user_id]).get(profile.user_id)
        return newest is not None and newest >= since

    def sides_done(self, match: Match) -> list[LifecycleModel]:
        # A volunteer's profile stays open: people offer their time again.
        need = match.shift.need
        places_left = need.shifts.filter(people_open__gt=0).exists()
        in_flight = live_matches(shift__need=need).exists()
        return [] if places_left or in_flight else [need]

    # --- diagnostics --------------------------------------------------------------------

    def unmet_needs(self, now: datetime) -> QuerySet:
        """A future shift with a place left."""
        return (
            matchable(VolunteerNeed.objects)
            .filter(Exists(_open_shifts(now).filter(need=OuterRef("pk"))))
            .prefetch_related("required_skills")
        )

    def diagnosis_checks(
        self, need: VolunteerNeed, now: datetime, *, limit: int
    ) -> list[tuple[Shift, Checks]]:
        """Per open shift, earliest first."""
        shifts = list(_open_shifts(now).filter(need=need).order_by("start", "pk"))
        return self.shift_checks(need, shifts, now, limit=limit)

    def shift_checks(
        self, need: VolunteerNeed, shifts: list[Shift], now: datetime, *, limit: int
    ) -> list[tuple[Shift, Checks]]:
        """The `limit` volunteers nearest to the need within its radius, checked against
        each of `shifts`."""
        volunteers = volunteers_around(need, limit)
        skills = [s.slug for s in need.required_skills.all()]
        tz = ZoneInfo(settings.TIME_ZONE)
        return [(shift, shift_checks(shift, need, skills, volunteers, now, tz)) for shift in shifts]

    nothing_in_range = gettext_lazy("No volunteer within %(km)s km.")
    messages: Mapping[Reason, Any] = {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d volunteer lives within the need's radius, but does not travel that far.",
            "%(n)d volunteers live within the need's radius, but do not travel that far.",
            "n",
        ),
        Reason.SHIFT_OVER: ngettext_lazy(
            "The shift has started; %(n)d volunteer in range can no longer join it.",
            "The shift has started; %(n)d volunteers in range can no longer join it.",
            "n",
        ),
        Reason.MISSING_SKILLS: ngettext_lazy(
            "%(n)d volunteer in range lacks a required skill.",
            "%(n)d volunteers in range lack a required skill.",
            "n",
        ),
        Reason.NO_CERTIFICATE: ngettext_lazy(
            "The need works with children; %(n)d volunteer in range has no certificate of "
            "conduct the welcome centre has seen that still counts on the shift's day.",
            "The need works with children; %(n)d volunteers in range have no certificate of "
            "conduct the welcome centre has seen that still counts on the shift's day.",
            "n",
        ),
        Reason.NO_SHARED_LANGUAGE: ngettext_lazy(
            "%(n)d volunteer in range speaks none of the need's languages.",
            "%(n)d volunteers in range speak none of the need's languages.",
            "n",
        ),
        Reason.NOT_AVAILABLE: ngettext_lazy(
            "%(n)d volunteer in range is not available at this shift's time.",
            "%(n)d volunteers in range are not available at this shift's time.",
            "n",
        ),
        Reason.OVERLAPPING_SHIFT: ngettext_lazy(
            "%(n)d volunteer in range is already booked for another shift at that time.",
            "%(n)d volunteers in range are already booked for another shift at that time.",
            "n",
        ),
        Reason.HOURS_EXCEEDED: ngettext_lazy(
            "%(n)d volunteer in range would pass their weekly hours with this shift.",
            "%(n)d volunteers in range would pass their weekly hours with this shift.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting volunteer is already held by a match in progress.",
            "All %(n)d fitting volunteers are already held by matches in progress.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting volunteer is free but went to shifts with a better score, or the "
            "next matching run has not reached them yet.",
            "%(n)d fitting volunteers are free but went to shifts with a better score, or the "
            "next matching run has not reached them yet.",
            "n",
        ),
    }
