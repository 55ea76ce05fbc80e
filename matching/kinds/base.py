"""The interface of a kind of help: what the engine asks an adapter, and what it hands over.

Every kind of help (goods, volunteer shifts, housing …) is one `KindAdapter`. The engine is
kind-free: the batch runner (`matching.batches`), scheduling, diagnostics
(`matching.diagnostics`) and the services that end matches only ask the adapter:

- names: the kind, its need and offer models, the Match fields of each side;
- reach: how far an offer reaches and which open needs it could serve (for scheduling);
- one batch: the units it allocates (a goods need, a shift, a household) and their needs,
  the candidate search (`matching.candidates`), which unseen proposals of other cells join
  the batch, the feasible scored edges with the allocator (`BatchProblem`), and how the
  matches written hold capacity and move statuses (`settle`);
- outside a batch: what an ending match gives back (`give_back`), what a match made by hand
  takes (`hold_by_hand`), whether matches still hold a record (`holds`), which sides a
  fulfilled match leaves with nothing open (`sides_done`);
- diagnostics: which needs are unmet, the checks around each, the sentences that explain.

Kinds whose unit is the need itself (goods, housing) use the defaults written here for the
unit; a kind that allocates parts of a need (shifts) overrides them.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.contrib.gis.measure import D
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils.functional import Promise

from lifecycle.models import LifecycleModel
from matching.areas import Cell, cell_polygon, in_cell
from matching.candidates import Candidates
from matching.core.types import Allocation, Edge, Problem, Reason
from matching.kinds.rows import lock, matchable
from matching.models import LIVE_STATE_VALUES, Match, MatchState

# What a diagnosis hands the core per offer in range: the first hard constraint it fails
# (None if it fits) and the capacity it has free for this need.
Checks = list[tuple[Reason | None, int]]


@dataclass(frozen=True)
class Joining:
    """Needs of other cells that join a batch because it may revise their unseen proposals:
    the needs and their units (both locked) and those proposals (locked)."""

    needs: dict[int, Model]
    units: dict[int, Any]
    proposals: list[Match]


@dataclass(frozen=True)
class LockedBatch:
    """What one batch holds under its row locks, as the runner hands it to the adapter."""

    now: datetime
    tz: ZoneInfo
    # Every need of the batch, locked: the cell's, then those that joined (`Joining`).
    needs: dict[int, Model]
    # What it allocates, by id: goods needs, shifts or households (the units of `needs`).
    units: dict[int, Any]
    # The offers it may allocate, locked; their capacity is read under the lock.
    offers: dict[int, Model]
    # Core records of the units (as found by the search) and of every locked offer.
    unit_records: Mapping[int, Any]
    offer_records: Mapping[int, Any]
    # Unseen proposals the batch may revise: (match, unit id, offer id).
    revisable: list[tuple[Match, int, int]]
    # (unit id, offer id) -> metres, for every pair within reach of a locked offer.
    pairs: dict[tuple[int, int], float]

    @property
    def revisable_ids(self) -> set[int]:
        return {match.pk for match, _, _ in self.revisable}


@dataclass(frozen=True)
class BatchProblem:
    """What the adapter asks the runner to allocate.

    `need_open` and `offer_open` are the capacities free besides the revisable proposals;
    the runner adds those back when it tries the revision (`matching.revision.plan`).
    `solve` allocates with the revisable proposals freed; `solve_keeping`, if the kind needs
    another view for that, allocates while they are kept (shifts: their volunteers stay
    booked).
    """

    edges: list[Edge]
    need_open: Mapping[int, int]
    offer_open: Mapping[int, int]
    solve: Callable[[Problem], list[Allocation]]
    solve_keeping: Callable[[Problem], list[Allocation]] | None = None


class KindAdapter(ABC):
    """One kind of help, as the engine sees it. Subclasses set every name below."""

    kind: ClassVar[str]
    need_model: ClassVar[type[LifecycleModel]]
    offer_model: ClassVar[type[LifecycleModel]]
    # Match lookups of each side: "goods_need", "shift__need", "housing_need"; the offer's.
    need_field: ClassVar[str]
    offer_field: ClassVar[str]
    # The Match field of the unit a batch allocates: the need's own field, or "shift".
    unit_field: ClassVar[str]
    # Whether one match may hold several pieces of an offer (goods); otherwise it holds one.
    divisible: ClassVar[bool]
    # Whether the revision rule counts places filled (shifts) instead of needs served.
    count_places: ClassVar[bool] = False
    # Whether a policy (MATCH_AUTO_APPROVE_MIN_SCORE) may approve proposals without a person.
    auto_approvable: ClassVar[bool] = True
    # Relations read with the locked rows (select_related), never locked themselves.
    need_relations: ClassVar[tuple[str, ...]] = ()
    offer_relations: ClassVar[tuple[str, ...]] = ()
    # Diagnostics: one sentence per reason (with %(n)d), and for nothing in range (%(km)s).
    messages: ClassVar[Mapping[Reason, Promise]]
    nothing_in_range: ClassVar[Promise]
    # Whether a need is diagnosed per unit (its shifts), and what to say when none is left.
    diagnosed_per_unit: ClassVar[bool] = False
    no_unit_left: ClassVar[Promise | None] = None

    # --- reach --------------------------------------------------------------------------

    @abstractmethod
    def reach_m(self, offer: Model) -> float:
        """How far from an offer a need may be and still be served by it."""

    @abstractmethod
    def needs_reaching(self, offer: Model) -> QuerySet:
        """Open needs whose own radius reaches the offer (the caller bounds the distance by
        the offer's reach as well, through the index)."""

    # --- one batch: what it locks and allocates ------------------------------------------

    def cell_needs(self, cell: Cell) -> QuerySet:
        """The cell's matchable needs, not yet locked (the runner locks them)."""
        needs = in_cell(matchable(self.need_model.objects), cell)
        return needs.select_related(*self.need_relations) if self.need_relations else needs

    def units_of(self, needs: Mapping[int, Model], now: datetime) -> dict[int, Any]:
        """The units a batch allocates for these locked needs; by default the needs."""
        return dict(needs)

    def need_id_of(self, unit: Any) -> int:
        """The need a unit belongs to; by default the unit is the need."""
        return unit.pk

    def units_sql(self) -> str:
        """SQL selecting (id, approx_point) of units, for distances computed in the database."""
        return f"SELECT id, approx_point FROM {self.need_model._meta.db_table}"

    @abstractmethod
    def candidates(self, unit_ids: Sequence[int], *, limit_per_need: int) -> Candidates:
        """Offers within reach of each unit, nearest first, with the core records of both."""

    def candidates_counting_held(
        self, unit_ids: Sequence[int], *, limit_per_need: int, held: Collection[int]
    ) -> Candidates | None:
        """`candidates`, with the offers in `held` (whose capacity proposals the batch may
        revise hold) counted as free: each unit's nearest offers as if those proposals were
        not there. None where this kind's search cannot; the runner then pairs the held
        offers with the units by distance alone (`matching.batches._pairs_with`)."""
        return None

    def joining(
        self,
        cell: Cell,
        found: Candidates,
        needs: Mapping[int, Model],
        units: Mapping[int, Any],
        now: datetime,
    ) -> Joining:
        """Needs of other cells whose unseen proposals lie on offers within the reach of this
        cell's needs, locked (SKIP LOCKED) with those proposals: a batch may revise them too,
        so that an offer near a cell border does not simply go to whichever cell ran first.

        The default, for kinds whose unit is the need: proposals on offers placed within the
        widest radius of the cell's needs around the cell.
        """
        reach_m = max((record.max_distance_m for record in found.needs.values()), default=0.0)
        if reach_m <= 0:
            return Joining({}, {}, [])
        nearby = Match.objects.filter(
            kind=self.kind,
            state=MatchState.PROPOSED,
            **{f"{self.offer_field}__approx_point__dwithin": (cell_polygon(cell), D(m=reach_m))},
        ).exclude(**{f"{self.unit_field}_id__in": list(needs)})
        found_matches = list(lock(nearby))
        joined = {
            need.pk: need
            for need in lock(
                matchable(self.need_model.objects).filter(
                    pk__in={self.unit_id_of(m) for m in found_matches}
                )
            )
        }
        proposals = [m for m in found_matches if self.unit_id_of(m) in joined]
        return Joining(joined, dict(joined), proposals)

    def offers_to_lock(self, ids: set[int]) -> QuerySet:
        """The matchable offers among `ids`, not yet locked (the runner locks them)."""
        offers = matchable(self.offer_model.objects).filter(pk__in=ids)
        return offers.select_related(*self.offer_relations) if self.offer_relations else offers

    @abstractmethod
    def offer_record(self, offer: Model) -> Any:
        """The core record of a locked offer the search did not return (its capacity is
        held by proposals the batch may revise)."""

    @abstractmethod
    def problem(self, batch: LockedBatch) -> BatchProblem:
        """Feasible, scored edges (`matching.core` constraints and scores) over the pairs of
        the batch, with the free capacities and the allocator."""

    @abstractmethod
    def settle(self, batch: LockedBatch, released: list[Match], created: list[Match]) -> None:
        """After the batch cancelled `released` and proposed `created`: write the capacity
        they hold or give back and the statuses that follow, on the locked rows."""

    # --- the Match of a unit ------------------------------------------------------------

    def unit_id_of(self, match: Match) -> int:
        return getattr(match, f"{self.unit_field}_id")

    def offer_id_of(self, match: Match) -> int:
        return getattr(match, f"{self.offer_field}_id")

    def match_fields(self, unit: Any, offer: Model, allocation: Allocation) -> dict[str, Any]:
        """The fields of the Match that proposes `allocation`."""
        return {
            self.unit_field: unit,
            self.offer_field: offer,
            "quantity": allocation.quantity if self.divisible else 1,
        }

    # --- what people other than coordinators are told ----------------------------------

    def annotate_as_shown(self, queryset: QuerySet, side: str) -> QuerySet:
        """`queryset` (this kind's needs or offers, as `side` says) annotated with
        `shown_holds`: whether a match its sides were told about holds part of the record.
        Unreviewed proposals hold capacity in the engine's bookkeeping, but stay internal
        (matching.selectors.as_shown). By default: a live match past review exists."""
        field = self.need_field if side == "need" else self.offer_field
        told = Match.objects.filter(state__in=LIVE_STATE_VALUES, **{field: OuterRef("pk")}).exclude(
            state=MatchState.PROPOSED
        )
        return queryset.annotate(shown_holds=Exists(told))

    def matches_of(self, record: Model) -> QuerySet[Match]:
        """Every match a need or an offer of this kind takes part in."""
        field = self.need_field if isinstance(record, self.need_model) else self.offer_field
        return Match.objects.filter(**{field: record})

    # --- outside a batch -------------------------------------------------------------------

    @abstractmethod
    def holds(self, record: LifecycleModel) -> bool:
        """Whether live matches hold part of a need or an offer (it is then partly
        matched). The caller holds the record's lock."""

    @abstractmethod
    def give_back(self, match: Match, quantity: int | None = None) -> None:
        """Give what an ending match held (`quantity` of it, all by default) back to both
        sides still open, which are then matched again. Runs in the caller's transaction."""

    @abstractmethod
    def hold_by_hand(
        self, need: Model, offer: Model, *, quantity: int | None = None, unit: Any = None
    ) -> tuple[dict[str, Any], int]:
        """A coordinator matches by hand: lock both sides, check and take the capacity
        (`ApplicationError` if there is none), and return the Match's side fields and
        quantity. `unit` is the chosen part of the need where the kind has parts (a shift)."""

    def approval_problem(self, match: Match) -> str | None:
        """Why this proposal may no longer be approved, checked again when a coordinator or
        the policy approves it (a rule that depends on facts that change after the search,
        such as a withdrawn check); None if it may."""
        return None

    @abstractmethod
    def sides_done(self, match: Match) -> list[LifecycleModel]:
        """After `match` was fulfilled: its sides with nothing left to give or receive and no
        match in flight, which are fulfilled in turn."""

    # --- diagnostics --------------------------------------------------------------------

    @abstractmethod
    def unmet_needs(self, now: datetime) -> QuerySet:
        """Matchable needs with something still open (diagnostics orders and pages them)."""

    @abstractmethod
    def diagnosis_checks(
        self, need: Model, now: datetime, *, limit: int
    ) -> list[tuple[Any, Checks]]:
        """(unit, checks of the `limit` offers nearest to the need) for each open unit of the
        need: one pair (the need, its checks) for kinds whose unit is the need."""
