"""Goods: donation offers for goods needs. A batch allocates goods needs by quantity with a
minimum-cost flow; a match holds part of both sides' `quantity_open`."""

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from base.errors import INVALID, ApplicationError
from donations.models import DonationOffer, GoodsNeed
from donations.selectors import ancestor_ids, descendant_ids
from lifecycle.models import LifecycleModel
from lifecycle.services import status_after
from lifecycle.states import MATCHABLE_STATUSES
from matching import candidates as search
from matching.core import allocation, constraints, scoring
from matching.core.types import Reason
from matching.kinds.base import BatchProblem, Checks, KindAdapter, LockedBatch
from matching.kinds.nearby import around
from matching.kinds.rows import (
    live_matches,
    lock_row,
    matchable,
    need_radius_km,
    need_radius_m,
    relock,
    reopen,
)
from matching.models import Match, MatchState

# What the record builder reads of an offer in a diagnosis: plain values instead of model
# instances, since hundreds of rows per need are read only to be checked.
_OFFER_FIELDS = (
    "id",
    "category_id",
    "attributes",
    "quantity_open",
    "delivery_radius_km",
    "condition",
    "created_at",
)


class GoodsAdapter(KindAdapter):
    kind = Match.Kind.GOODS.value
    need_model = GoodsNeed
    offer_model = DonationOffer
    need_field = "goods_need"
    offer_field = "donation_offer"
    unit_field = "goods_need"
    divisible = True
    need_relations = ("category", "organisation", "created_by")
    offer_relations = ("category", "donor")

    # --- reach --------------------------------------------------------------------------

    def reach_m(self, offer: DonationOffer) -> float:
        return float(offer.delivery_radius_km or settings.DEFAULT_OFFER_RADIUS_KM) * 1000.0

    def needs_reaching(self, offer: DonationOffer) -> QuerySet:
        # A need for a parent category takes the offer's category too.
        needs = matchable(GoodsNeed.objects).filter(category_id__in=ancestor_ids(offer.category_id))
        return needs.filter(approx_point__dwithin=(offer.approx_point, need_radius_m()))

    # --- one batch ----------------------------------------------------------------------

    def candidates(self, unit_ids: Sequence[int], *, limit_per_need: int) -> search.Candidates:
        return search.goods_candidates(unit_ids, limit_per_need=limit_per_need)

    def candidates_counting_held(
        self, unit_ids: Sequence[int], *, limit_per_need: int, held: Collection[int]
    ) -> search.Candidates:
        return search.goods_candidates(unit_ids, limit_per_need=limit_per_need, held=held)

    def offer_record(self, offer: DonationOffer) -> Any:
        return search.goods_offer_record(offer)

    def problem(self, batch: LockedBatch) -> BatchProblem:
        # One live match per pair: a pair that already has one outside the revisable
        # proposals cannot get a second.
        taken = set(
            live_matches(kind=self.kind, goods_need_id__in=list(batch.needs))
            .exclude(pk__in=batch.revisable_ids)
            .values_list("goods_need_id", "donation_offer_id")
        )
        # Edges are judged with what the revisable proposals hold counted as free.
        held_need, held_offer = Counter(), Counter()
        for match, n, o in batch.revisable:
            held_need[n] += match.quantity
            held_offer[o] += match.quantity
        # Read under the offers' locks: a donor suspended after the search ran is paused here.
        active = set(
            DonationOffer.objects.filter(
                pk__in=list(batch.offers), donor__is_active=True
            ).values_list("pk", flat=True)
        )
        pairs = [
            (n, o, distance)
            for (n, o), distance in batch.pairs.items()
            if (n, o) not in taken and n in batch.unit_records and o in active
        ]
        needs = {
            n: replace(
                batch.unit_records[n], quantity_open=batch.units[n].quantity_open + held_need[n]
            )
            for n in {n for n, _, _ in pairs}
        }
        offers = {
            o: replace(
                batch.offer_records[o], quantity_open=batch.offers[o].quantity_open + held_offer[o]
            )
            for o in {o for _, o, _ in pairs}
        }
        edges = scoring.goods_edges(
            pairs, needs, offers, now=batch.now, weights=settings.MATCHING_WEIGHTS
        )
        return BatchProblem(
            edges=edges,
            need_open={n: r.quantity_open for n, r in batch.units.items()},
            offer_open={o: r.quantity_open for o, r in batch.offers.items()},
            solve=allocation.allocate_flow,
        )

    def settle(self, batch: LockedBatch, released: list[Match], created: list[Match]) -> None:
        delta_need, delta_offer = Counter(), Counter()
        for match in released:
            delta_need[match.goods_need_id] += match.quantity
            delta_offer[match.donation_offer_id] += match.quantity
        for match in created:
            delta_need[match.goods_need_id] -= match.quantity
            delta_offer[match.donation_offer_id] -= match.quantity
        for rows, delta in ((batch.units, delta_need), (batch.offers, delta_offer)):
            for pk, change in delta.items():
                if change:
                    record = rows[pk]
                    record.quantity_open += change
                    status_after(record, holds=self.holds(record))
                    record.save(update_fields=["quantity_open", "status", "updated_at"])

    def annotate_as_shown(self, queryset: QuerySet, side: str) -> QuerySet:
        # What proposals hold is still open to anyone told about it (`proposed_hold`); the
        # record holds something while less than its whole quantity is open.
        field = self.need_field if side == "need" else self.offer_field
        proposed = (
            Match.objects.filter(state=MatchState.PROPOSED, **{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        held = queryset.annotate(proposed_hold=Coalesce(Subquery(proposed), 0))
        return held.annotate(
            shown_holds=ExpressionWrapper(
                Q(quantity__gt=F("quantity_open") + F("proposed_hold")),
                output_field=BooleanField(),
            )
        )

    # --- outside a batch ----------------------------------------------------------------

    def holds(self, record: GoodsNeed | DonationOffer) -> bool:
        return record.quantity_open < record.quantity

    def give_back(self, match: Match, quantity: int | None = None) -> None:
        quantity = match.quantity if quantity is None else quantity
        for model, pk in (
            (GoodsNeed, match.goods_need_id),
            (DonationOffer, match.donation_offer_id),
        ):
            record = lock_row(model, pk)
            if record is None or record.status not in MATCHABLE_STATUSES:
                continue
            record.quantity_open = min(record.quantity, record.quantity_open + quantity)
            record.save(update_fields=["quantity_open"])
            reopen(record, holds=self.holds(record))

    def hold_by_hand(
        self, need: GoodsNeed, offer: DonationOffer, *, quantity: int | None = None, unit=None
    ) -> tuple[dict[str, Any], int]:
        if not isinstance(quantity, int) or quantity < 1:
            raise ApplicationError(
                _("Please enter a quantity of at least 1."), code=INVALID, field="quantity"
            )
        need, offer = relock(need), relock(offer)
        if not DonationOffer.objects.filter(pk=offer.pk, donor__is_active=True).exists():
            raise ApplicationError(
                _("This donor's account is suspended."), code=INVALID, field="offer"
            )
        most = min(need.quantity_open, offer.quantity_open)
        if quantity > most:
            raise ApplicationError(
                _("Only %(most)s are still open on both sides.") % {"most": most},
                code=INVALID,
                field="quantity",
            )
        for record in (need, offer):
            record.quantity_open -= quantity
            status_after(record, holds=True)
            record.save(update_fields=["quantity_open", "status", "updated_at"])
        return {"goods_need": need, "donation_offer": offer}, quantity

    def sides_done(self, match: Match) -> list[LifecycleModel]:
        # Fresh rows: giving back a smaller handover changed their quantities.
        sides = (
            (GoodsNeed.objects.get(pk=match.goods_need_id), "goods_need"),
            (DonationOffer.objects.get(pk=match.donation_offer_id), "donation_offer"),
        )
        return [
            record
            for record, field in sides
            if record.quantity_open == 0 and not live_matches(**{field: record}).exists()
        ]

    # --- diagnostics --------------------------------------------------------------------

    def unmet_needs(self, now: datetime) -> QuerySet:
        """Something left to receive."""
        return matchable(GoodsNeed.objects).filter(quantity_open__gt=0).select_related("category")

    def diagnosis_checks(
        self, need: GoodsNeed, now: datetime, *, limit: int
    ) -> list[tuple[GoodsNeed, Checks]]:
        record = search.goods_need_record(
            need, accepted_category_ids=descendant_ids(need.category_id)
        )
        # One live match per pair: an offer already matched to this need cannot give it more
        # until that match ends, so for this need its rest is held.
        paired = set(
            live_matches(kind=self.kind, goods_need=need).values_list(
                "donation_offer_id", flat=True
            )
        )
        checks = []
        offers = around(DonationOffer, need, need_radius_km(need)).values(
            *_OFFER_FIELDS, "distance"
        )
        for offer in offers[:limit]:
            offer_record = search.goods_offer_record(SimpleNamespace(**offer))
            reason = constraints.goods_reason(record, offer_record, offer["distance"].m)
            free = 0 if offer["id"] in paired else offer_record.quantity_open
            checks.append((reason, free))
        return [(need, checks)]

    nothing_in_range = gettext_lazy("No donation offer within %(km)s km.")
    messages: Mapping[Reason, Any] = {
        Reason.OUT_OF_RANGE: ngettext_lazy(
            "%(n)d donation offer lies within the need's radius, but its donor does not "
            "deliver that far.",
            "%(n)d donation offers lie within the need's radius, but their donors do not "
            "deliver that far.",
            "n",
        ),
        Reason.WRONG_CATEGORY: ngettext_lazy(
            "%(n)d offer in range is of another category.",
            "%(n)d offers in range are of another category.",
            "n",
        ),
        Reason.WRONG_ATTRIBUTES: ngettext_lazy(
            "%(n)d offer in range fits the category but not the size or other details.",
            "%(n)d offers in range fit the category but not the size or other details.",
            "n",
        ),
        Reason.ALL_RESERVED: ngettext_lazy(
            "The %(n)d fitting offer is reserved by matches in progress.",
            "All %(n)d fitting offers are reserved by matches in progress.",
            "n",
        ),
        Reason.OUTSCORED: ngettext_lazy(
            "%(n)d fitting offer is free but went to needs with a better score, or the next "
            "matching run has not reached it yet.",
            "%(n)d fitting offers are free but went to needs with a better score, or the next "
            "matching run has not reached them yet.",
            "n",
        ),
    }
