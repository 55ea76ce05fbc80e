"""What happens to matches outside a batch: ending one gives its capacity back.

Matching itself runs in batches per area (`matching.batches`), scheduled by
`matching.scheduling`. Lock order everywhere: the record, then its matches, then the other
side. Batches take every lock with SKIP LOCKED and never wait, so they cannot close a cycle
with these waits.
"""

from django.db.models import F, QuerySet

from donations.models import DonationOffer, GoodsNeed
from housing.models import HousingNeed, HousingOffer
from lifecycle.states import MATCHABLE_STATUSES
from matching.batches.common import status_after
from matching.models import ACTIVE_STATES, Match, MatchEvent, MatchState
from volunteers.models import Shift, VolunteerNeed, VolunteerProfile
from volunteers.selectors import need_holds_places

# States that end a match and give back what it held.
ENDING_STATES = (
    MatchState.REJECTED,
    MatchState.DECLINED,
    MatchState.EXPIRED,
    MatchState.CANCELLED,
)


def _locked(model, pk: int):
    return model.objects.select_for_update(of=("self",)).filter(pk=pk).first()


def _reopen(record, *, holds: bool) -> None:
    """Back to open when nothing holds it any more, and ask for matching again."""
    if record is None or record.status not in MATCHABLE_STATUSES:
        return
    status_after(record, holds=holds)
    record.needs_matching = True
    record.save(update_fields=["status", "needs_matching", "updated_at"])
    record.request_matching()


def give_back_goods(match: Match, quantity: int | None = None) -> None:
    """Give `quantity` (all the match held by default) back to both sides still open."""
    quantity = match.quantity if quantity is None else quantity
    for model, pk in ((GoodsNeed, match.goods_need_id), (DonationOffer, match.donation_offer_id)):
        record = _locked(model, pk)
        if record is None or record.status not in MATCHABLE_STATUSES:
            continue
        record.quantity_open = min(record.quantity, record.quantity_open + quantity)
        record.save(update_fields=["quantity_open"])
        _reopen(record, holds=record.quantity_open < record.quantity)


def _give_back_shift(match: Match) -> None:
    # The need's row lock covers its shifts (batches take it before touching people_open).
    need = _locked(
        VolunteerNeed, Shift.objects.values_list("need_id", flat=True).get(pk=match.shift_id)
    )
    if need is not None and need.status in MATCHABLE_STATUSES:
        Shift.objects.filter(pk=match.shift_id, people_open__lt=F("people")).update(
            people_open=F("people_open") + match.quantity
        )
        _reopen(need, holds=need_holds_places(need))
    volunteer = _locked(VolunteerProfile, match.volunteer_id)
    if volunteer is not None and volunteer.status in MATCHABLE_STATUSES:
        volunteer.needs_matching = True
        volunteer.save(update_fields=["needs_matching"])
        volunteer.request_matching()


def _give_back_flat(match: Match) -> None:
    live = Match.objects.filter(kind=Match.Kind.HOUSING, state__in=ACTIVE_STATES)
    for model, field, pk in (
        (HousingNeed, "housing_need_id", match.housing_need_id),
        (HousingOffer, "housing_offer_id", match.housing_offer_id),
    ):
        record = _locked(model, pk)
        _reopen(record, holds=live.filter(**{field: pk}).exists())


GIVE_BACK = {
    Match.Kind.GOODS: give_back_goods,
    Match.Kind.VOLUNTEERS: _give_back_shift,
    Match.Kind.HOUSING: _give_back_flat,
}


def end_match(match: Match, state: str, *, actor=None, reason: str = "") -> Match:
    """Move a live match to an ending state (rejected, declined, expired, cancelled) and give
    what it held back to both sides that are still open, which are then matched again.

    Runs inside the caller's transaction; the caller holds the match's row lock. Ending a match
    that has already ended changes nothing.
    """
    if state not in ENDING_STATES:
        raise ValueError(f"{state} does not end a match")
    if match.state not in ACTIVE_STATES:
        return match
    previous = match.state
    match.state = state
    match.save(update_fields=["state", "updated_at"])
    MatchEvent.objects.create(
        match=match, from_state=previous, to_state=state, actor=actor, reason=reason[:300]
    )
    GIVE_BACK[match.kind](match)
    return match


def matches_of(record) -> QuerySet[Match]:
    """Every match a need or an offer takes part in, of whatever kind."""
    if isinstance(record, GoodsNeed):
        return Match.objects.filter(goods_need=record)
    if isinstance(record, DonationOffer):
        return Match.objects.filter(donation_offer=record)
    if isinstance(record, VolunteerNeed):
        return Match.objects.filter(shift__need=record)
    if isinstance(record, VolunteerProfile):
        return Match.objects.filter(volunteer=record)
    if isinstance(record, HousingNeed):
        return Match.objects.filter(housing_need=record)
    if isinstance(record, HousingOffer):
        return Match.objects.filter(housing_offer=record)
    return Match.objects.none()


def release_matches_of(record, *, actor=None, reason: str = "") -> list[Match]:
    """Cancel the live matches of a record that closed, giving what they held back to the
    other side, which is then matched again. Runs inside the caller's transaction."""
    live = list(
        matches_of(record)
        .select_for_update(of=("self",))
        .filter(state__in=ACTIVE_STATES)
        .order_by("pk")
    )
    for match in live:
        end_match(match, MatchState.CANCELLED, actor=actor, reason=reason or "record closed")
    return live
