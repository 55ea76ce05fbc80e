"""Housing: flats for households. A batch assigns households one-to-one; a flat and a
household each have at most one live match (the database enforces it), so a match holds
both whole."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.checks import HOST_CHECK
from accounts.models import Check
from base.errors import INVALID, ApplicationError
from housing.models import HousingNeed, HousingOffer
from lifecycle.models import LifecycleModel
from lifecycle.services import status_after
from matching import candidates as search
from matching.core import allocation, constraints, scoring
from matching.core.types import Edge, Reason
from matching.kinds.base import BatchProblem, Checks, KindAdapter, LockedBatch
from matching.kinds.nearby import around
from matching.kinds.rows import live_matches, lock_row, matchable, need_radius_km, relock, reopen
from matching.models import Match

# The widest a household may ask for (HousingNeed.max_distance_km's validator).
HOUSING_MAX_REACH_KM = 100.0

_NO_FLAT = gettext_lazy("No flat within %(km)s km.")
_NO_CHECKED_FLAT = gettext_lazy(
    "No flat of a landlord checked by the welcome centre within %(km)s km."
)

# What the record builder reads of a flat in a diagnosis (plain values, as for goods).
_FLAT_FIELDS = (
    "id",
    "rooms",
    "size_m2",
    "warm_rent",
    "max_occupants",
    "step_free",
    "pets_allowed",
    "available_from",
    "available_until",
    "min_stay_months",
    "created_at",
)


def may_be_matched(flats: QuerySet) -> QuerySet:
    """The flats among `flats` whose landlord the engine may match: an active account (a
    suspended landlord's flats are paused) whose identity a coordinator has seen, unless
    HOUSING_MATCH_UNCHECKED_LANDLORDS lets unchecked landlords' flats be matched. The same
    rule as the candidate search (`matching.candidates.housing_pairs_sql`)."""
    flats = flats.filter(landlord__is_active=True)
    if settings.HOUSING_MATCH_UNCHECKED_LANDLORDS:
        return flats
    seen = Check.objects.filter(
        subject_id=OuterRef("landlord_id"), kind=HOST_CHECK, withdrawn_at__isnull=True
    )
    return flats.filter(Exists(seen))


UNCHECKED_FLAT_MESSAGE = gettext_lazy(
    "This flat cannot be matched: its landlord's account is suspended, or the "
    "welcome centre has not checked the landlord yet."
)


class HousingAdapter(KindAdapter):
    kind = Match.Kind.HOUSING.value
    need_model = HousingNeed
    offer_model = HousingOffer
    need_field = "housing_need"
    offer_field = "housing_offer"
    unit_field = "housing_need"
    divisible = False
    # A household's home is never given without a person of the welcome centre looking.
    auto_approvable = False

    # --- reach --------------------------------------------------------------------------

    def reach_m(self, offer: HousingOffer) -> float:
        # A flat does not limit how far it reaches; the household's maximum distance does.
        return HOUSING_MAX_REACH_KM * 1000.0

    def needs_reaching(self, offer: HousingOffer) -> QuerySet:
        radius = F("max_distance_km") * 1000.0
        return matchable(HousingNeed.objects).filter(
            approx_point__dwithin=(offer.approx_point, radius)
        )

    # --- one batch ----------------------------------------------------------------------

    def candidates(self, unit_ids: Sequence[int], *, limit_per_need: int) -> search.Candidates:
        return search.housing_candidates(unit_ids, limit_per_need=limit_per_need)

    def offer_record(self, offer: HousingOffer) -> Any:
        return search.flat_record(offer)

    def problem(self, batch: LockedBatch) -> BatchProblem:
        # Households and flats a live match holds outside the revisable proposals are out.
        firm = live_matches(kind=self.kind).exclude(pk__in=batch.revisable_ids)
        housed = set(
            firm.filter(housing_need_id__in=list(batch.units)).values_list(
                "housing_need_id", flat=True
            )
        )
        let = set(
            firm.filter(housing_offer_id__in=list(batch.offers)).values_list(
                "housing_offer_id", flat=True
            )
        )
        # Read under the flats' locks: a landlord suspended (or a check withdrawn) after the
        # search ran is seen here, and their flat is left out.
        allowed = set(
            may_be_matched(HousingOffer.objects.filter(pk__in=list(batch.offers))).values_list(
                "pk", flat=True
            )
        )
        held_need = {n for _, n, _ in batch.revisable}
        held_offer = {o for _, _, o in batch.revisable}
        edges = []
        for (n, o), distance in batch.pairs.items():
            if n in housed or o in let or o not in allowed or n not in batch.unit_records:
                continue
            household, flat = batch.unit_records[n], batch.offer_records[o]
            if constraints.housing_reason(
                household,
                flat,
                distance,
                move_in_tolerance_days=settings.HOUSING_MOVE_IN_TOLERANCE_DAYS,
            ):
                continue
            value, breakdown = scoring.score_housing(
                household, flat, distance, now=batch.now, weights=settings.MATCHING_WEIGHTS
            )
            edges.append(Edge(n, o, value, distance, breakdown))
        return BatchProblem(
            edges=edges,
            need_open={n: 0 if n in housed or n in held_need else 1 for n in batch.units},
            offer_open={
                o: 0 if o in let or o in held_offer or o not in allowed else 1 for o in batch.offers
            },
            solve=allocation.allocate_assignment,
        )

    def settle(self, batch: LockedBatch, released: list[Match], created: list[Match]) -> None:
        touched_needs = {m.housing_need_id for m in released}
        touched_flats = {m.housing_offer_id for m in released}
        touched_needs |= {m.housing_need_id for m in created}
        touched_flats |= {m.housing_offer_id for m in created}
        for rows, touched in ((batch.units, touched_needs), (batch.offers, touched_flats)):
            for pk in touched:
                record = rows[pk]
                status_after(record, holds=self.holds(record))
                record.save(update_fields=["status", "updated_at"])

    # --- outside a batch ----------------------------------------------------------------

    def holds(self, record: HousingNeed | HousingOffer) -> bool:
        side = self.need_field if isinstance(record, HousingNeed) else self.offer_field
        return live_matches(kind=self.kind, **{side: record}).exists()

    def give_back(self, match: Match, quantity: int | None = None) -> None:
        # A flat is held whole: there is no part of it to give back.
        for model, pk in (
            (HousingNeed, match.housing_need_id),
            (HousingOffer, match.housing_offer_id),
        ):
            record = lock_row(model, pk)
            if record is not None:
                reopen(record, holds=self.holds(record))

    def hold_by_hand(
        self, need: HousingNeed, offer: HousingOffer, *, quantity: int | None = None, unit=None
    ) -> tuple[dict[str, Any], int]:
        # The database refuses a second live match of either (an IntegrityError to the caller).
        need, offer = relock(need), relock(offer)
        if not may_be_matched(HousingOffer.objects.filter(pk=offer.pk)).exists():
            # The setting says "not matched at all": by hand neither, until a check is recorded.
            raise ApplicationError(UNCHECKED_FLAT_MESSAGE, code=INVALID, field="offer")
        for record in (need, offer):
            status_after(record, holds=True)
            record.save(update_fields=["status", "updated_at"])
        return {"housing_need": need, "housing_offer": offer}, 1

    def approval_problem(self, match: Match) -> str | None:
        # A landlord's check may be withdrawn after the proposal was made.
        if may_be_matched(HousingOffer.objects.filter(pk=match.housing_offer_id)).exists():
            return None
        return str(UNCHECKED_FLAT_MESSAGE)

    def sides_done(self, match: Match) -> list[LifecycleModel]:
        # One household, one flat: a fulfilled match leaves nothing open on either.
        return [match.housing_need, match.housing_offer]

    # --- diagnostics --------------------------------------------------------------------

    def unmet_needs(self, now: datetime) -> QuerySet:
        """No live match for the household."""
        return matchable(HousingNeed.objects).filter(
            ~Exists(live_matches(kind=self.kind, housing_need=OuterRef("pk")))
        )

    def diagnosis_checks(
        self, need: HousingNeed, now: datetime, *, limit: int
    ) -> list[tuple[HousingNeed, Checks]]:
        record = search.household_record(need)
        let = Exists(live_matches(kind=self.kind, housing_offer=OuterRef("pk")))
        # Only flats the engine may match count as in range: with unchecked landlords'
        # flats left out, "nothing in range" says "no checked flat" (`nothing_in_range`).
        flats = (
            may_be_matched(around(HousingOffer, need, need_radius_km(need)))
            .annotate(let=let)
            .values(*_FLAT_FIELDS, "distance", "let")
        )
        checks = []
        for flat in flats[:limit]:
            reason = constraints.housing_reason(
                record,
                search.flat_record(SimpleNamespace(**flat)),
                flat["distance"].m,
                move_in_tolerance_days=settings.HOUSING_MOVE_IN_TOLERANCE_DAYS,
            )
            checks.append((reason, 0 if flat["let"] else 1))
        return [(need, checks)]

    @property
    def nothing_in_range(self):  # type: ignore[override]
        # Unchecked landlords' flats are not matched (by default): then say so, so that
        # coordinators know a check, not a flat, is what is missing.
        if settings.HOUSING_MATCH_UNCHECKED_LANDLORDS:
            return _NO_FLAT
        return _NO_CHECKED_FLAT

    messages: Mapping[Reason, Any] = {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d flat lies just beyond the household's maximum distance.",
            "%(n)d flats lie just beyond the household's maximum distance.",
            "n",
        ),
        Reason.TOO_SMALL: ngettext_lazy(
            "%(n)d flat in range takes fewer people than the household has.",
            "%(n)d flats in range take fewer people than the household has.",
            "n",
        ),
        Reason.RENT_TOO_HIGH: ngettext_lazy(
            "%(n)d flat in range costs more than the rent ceiling.",
            "%(n)d flats in range cost more than the rent ceiling.",
            "n",
        ),
        Reason.NOT_STEP_FREE: ngettext_lazy(
            "%(n)d flat in range is not step-free.",
            "%(n)d flats in range are not step-free.",
            "n",
        ),
        Reason.NO_PETS: ngettext_lazy(
            "%(n)d flat in range does not allow pets.",
            "%(n)d flats in range do not allow pets.",
            "n",
        ),
        Reason.NOT_AVAILABLE_IN_TIME: ngettext_lazy(
            "%(n)d flat in range is not free in time for the move-in date.",
            "%(n)d flats in range are not free in time for the move-in date.",
            "n",
        ),
        Reason.STAY_TOO_SHORT: ngettext_lazy(
            "%(n)d flat in range is available for a shorter stay than the household needs.",
            "%(n)d flats in range are available for a shorter stay than the household needs.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting flat is reserved by a match in progress.",
            "All %(n)d fitting flats are reserved by matches in progress.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting flat is free but went to a household with a better score, or the "
            "next matching run has not reached it yet.",
            "%(n)d fitting flats are free but went to households with a better score, or the "
            "next matching run has not reached them yet.",
            "n",
        ),
    }
