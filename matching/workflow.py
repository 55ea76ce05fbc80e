"""The match workflow after the engine: review, consent, handover.

proposed → approved (a coordinator, or the auto-approval policy) → offered to both sides →
accepted (both said yes) → fulfilled (the need's side confirms the handover); or rejected,
declined, expired, cancelled, which give the capacity back and match again.

Every step is one transaction: it locks the match, checks the state it expects, writes the
new state, its history row (`MatchEvent`: who, when, why) and its notices (outbox rows and
webhook deliveries) together. A step that is not allowed raises `WorkflowError` and changes
nothing; repeating a step that already happened is refused the same way, so a retried request
or a second click cannot do anything twice.
"""

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind
from accounts.selectors import active_organisations_of
from donations.models import DonationOffer, GoodsNeed
from lifecycle.services import transition
from lifecycle.states import MATCHABLE_STATUSES, Status
from matching import notices
from matching.batches.common import status_after
from matching.models import (
    ACTIVE_STATES,
    Answer,
    Handover,
    Match,
    MatchEvent,
    MatchMessage,
    MatchState,
)
from matching.notices import NEED, OFFER
from matching.services import end_match, give_back_goods, matches_of

# Kinds a policy may approve without a person; a flat always waits for a coordinator.
AUTO_APPROVABLE_KINDS = (Match.Kind.GOODS, Match.Kind.VOLUNTEERS)
MESSAGE_MAX_LENGTH = 2000


class WorkflowError(Exception):
    """A step that is not allowed now; `errors` is the API's {"field": ["message"]}."""

    def __init__(self, code: str, message: str, field: str = "detail") -> None:
        super().__init__(message)
        self.code = code
        self.errors = {field: [str(message)]}


def _lock(match: Match) -> Match:
    return Match.objects.select_for_update(of=("self",)).get(pk=match.pk)


def _event(match: Match, previous: str, *, actor=None, reason: str = "") -> None:
    MatchEvent.objects.create(
        match=match, from_state=previous, to_state=match.state, actor=actor, reason=reason[:300]
    )


def _move(match: Match, state: str, *, actor=None, reason: str = "", **fields) -> None:
    previous = match.state
    match.state = state
    for name, value in fields.items():
        setattr(match, name, value)
    match.save(update_fields=["state", "updated_at", *fields])
    _event(match, previous, actor=actor, reason=reason)


def _require_coordinator(actor) -> None:
    if actor is None or not actor.is_coordinator:
        raise WorkflowError(
            "not_allowed", _("Only coordinators of the welcome centre may do this.")
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("invalid", _("Please say why."), field="reason")
    if len(reason) > 300:
        raise WorkflowError("invalid", _("Please keep the reason under 300 characters."), "reason")
    return reason


def _wrong_state(match: Match) -> WorkflowError:
    return WorkflowError(
        "wrong_state",
        _("This is not possible for a match that is %(state)s.")
        % {"state": MatchState(match.state).label},
    )


def sides_of(match: Match, user) -> set[str]:
    """The sides of the match the user answers for: "need" (a member of the need's
    initiative), "offer" (the donor, volunteer or landlord), or both, or none."""
    if user is None or not user.is_authenticated:
        return set()
    sides = set()
    if match.offer.owner_user_id() == user.pk:
        sides.add(OFFER)
    if active_organisations_of(user).filter(pk=match.need.organisation_id).exists():
        sides.add(NEED)
    return sides


def _offer_to_both_sides(match: Match, *, actor=None) -> None:
    now = timezone.now()
    _move(
        match,
        MatchState.OFFERED,
        actor=actor,
        reason="offered to both sides",
        offered_at=now,
        respond_by=now + timezone.timedelta(days=settings.MATCH_EXPIRE_AFTER_DAYS),
    )
    notices.offered(match)


def approve(match: Match, *, actor, reason: str = "") -> Match:
    """A coordinator approves a proposal; both sides are asked at once."""
    _require_coordinator(actor)
    with transaction.atomic():
        match = _lock(match)
        if match.state != MatchState.PROPOSED:
            raise _wrong_state(match)
        _move(match, MatchState.APPROVED, actor=actor, reason=reason.strip() or "approved")
        _offer_to_both_sides(match, actor=actor)
    return match


def auto_approval_threshold(kind: str) -> float | None:
    if kind not in AUTO_APPROVABLE_KINDS:
        return None
    return settings.MATCH_AUTO_APPROVE_MIN_SCORE.get(kind)


def auto_approve(match_ids) -> int:
    """Approve the proposals the policy of their kind allows (score at or above the kind's
    threshold); the others wait for a coordinator. Safe to run twice."""
    approved = 0
    for pk in match_ids:
        with transaction.atomic():
            match = Match.objects.select_for_update(of=("self",)).filter(pk=pk).first()
            if match is None or match.state != MatchState.PROPOSED:
                continue
            threshold = auto_approval_threshold(match.kind)
            if threshold is None or match.score < threshold:
                continue
            reason = f"approved by policy: score {match.score:.2f} ≥ {threshold:.2f}"
            _move(match, MatchState.APPROVED, reason=reason)
            _offer_to_both_sides(match)
            approved += 1
    return approved


def reject(match: Match, *, actor, reason: str) -> Match:
    """A coordinator rejects a proposal before the sides heard of it."""
    _require_coordinator(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        match = _lock(match)
        if match.state not in (MatchState.PROPOSED, MatchState.APPROVED):
            raise _wrong_state(match)
        end_match(match, MatchState.REJECTED, actor=actor, reason=reason)
    return match


def respond(match: Match, *, user, answer: str, reason: str = "", side: str | None = None) -> Match:
    """A side says yes or no to an offered match. Both yes: accepted, and each side now sees
    the other's contact and exact place. One no: declined; the capacity goes back."""
    if answer not in Answer.values:
        raise WorkflowError("invalid", _('Answer "yes" or "no".'), field="answer")
    if len(reason or "") > 300:
        raise WorkflowError("invalid", _("Please keep the reason under 300 characters."), "reason")
    with transaction.atomic():
        match = _lock(match)
        mine = sides_of(match, user)
        if side is not None:
            mine &= {side}
        if not mine:
            raise WorkflowError("not_allowed", _("You are not a side of this match."))
        if match.state != MatchState.OFFERED:
            raise _wrong_state(match)
        unanswered = [s for s in (NEED, OFFER) if s in mine and not getattr(match, f"{s}_answer")]
        if not unanswered:
            raise WorkflowError("wrong_state", _("You have already answered."))
        for s in unanswered:
            setattr(match, f"{s}_answer", answer)
        match.save(update_fields=[f"{s}_answer" for s in unanswered] + ["updated_at"])
        who = " and ".join(unanswered)
        if answer == Answer.NO:
            end_match(
                match,
                MatchState.DECLINED,
                actor=user,
                reason=(reason or "").strip() or f"declined by the {who} side",
            )
            notices.declined(match, by_side=unanswered[0])
        elif match.need_answer == Answer.YES and match.offer_answer == Answer.YES:
            _move(
                match,
                MatchState.ACCEPTED,
                actor=user,
                reason="both sides said yes",
                accepted_at=timezone.now(),
            )
            notices.accepted(match)
        else:
            _event(match, MatchState.OFFERED, actor=user, reason=f"the {who} side said yes")
    return match


def _close_when_done(match: Match) -> None:
    """A need or offer that has nothing left to give or receive and no match in flight is
    fulfilled. A volunteer's profile stays open: people offer their time again."""
    live = Match.objects.filter(state__in=ACTIVE_STATES)
    if match.kind == Match.Kind.GOODS:
        # Fresh rows: giving back a smaller handover changed their quantities.
        records = [
            (
                GoodsNeed.objects.get(pk=match.goods_need_id),
                live.filter(goods_need_id=match.goods_need_id),
            ),
            (
                DonationOffer.objects.get(pk=match.donation_offer_id),
                live.filter(donation_offer_id=match.donation_offer_id),
            ),
        ]
        done = [r for r, in_flight in records if r.quantity_open == 0 and not in_flight.exists()]
    elif match.kind == Match.Kind.VOLUNTEERS:
        need = match.shift.need
        places_left = need.shifts.filter(people_open__gt=0).exists()
        in_flight = live.filter(shift__need=need).exists()
        done = [] if places_left or in_flight else [need]
    else:
        done = [match.housing_need, match.housing_offer]
    for record in done:
        record.refresh_from_db(fields=["status"])
        if record.status in MATCHABLE_STATUSES:
            transition(record, Status.FULFILLED, reason=f"fulfilled by match {match.pk}")


def fulfil(match: Match, *, user, quantity: int) -> Match:
    """The need's side confirms the handover with the quantity actually handed over; less
    than the match held reopens the rest on both sides, which are matched again."""
    with transaction.atomic():
        match = _lock(match)
        if NEED not in sides_of(match, user):
            raise WorkflowError(
                "not_allowed", _("Only the initiative that needed it can confirm the handover.")
            )
        if match.state != MatchState.ACCEPTED:
            raise _wrong_state(match)
        if not isinstance(quantity, int) or not 1 <= quantity <= match.quantity:
            raise WorkflowError(
                "invalid",
                _("Please enter a whole number from 1 to %(most)s.") % {"most": match.quantity},
                field="quantity",
            )
        _move(
            match,
            MatchState.FULFILLED,
            actor=user,
            reason=f"handed over {quantity} of {match.quantity}",
            fulfilled_quantity=quantity,
        )
        if quantity < match.quantity:
            give_back_goods(match, match.quantity - quantity)
        _close_when_done(match)
        notices.fulfilled(match)
    return match


def handover_not_happened(match: Match, *, user, reason: str = "") -> Match:
    """The need's side says the handover did not happen: the match ends, both sides are
    told, and what it held is matched again."""
    with transaction.atomic():
        match = _lock(match)
        if NEED not in sides_of(match, user):
            raise WorkflowError("not_allowed", _("You are not a side of this match."))
        if match.state != MatchState.ACCEPTED:
            raise _wrong_state(match)
        why = "the handover did not happen" + (f": {reason.strip()}" if reason.strip() else "")
        end_match(match, MatchState.CANCELLED, actor=user, reason=why)
        notices.cancelled(match, "", was_offered=True)
    return match


def cancel(match: Match, *, actor, reason: str) -> Match:
    """A coordinator ends a live match at any step, saying why; sides that were asked hear
    the reason."""
    _require_coordinator(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        match = _lock(match)
        if match.state not in ACTIVE_STATES:
            raise _wrong_state(match)
        was_offered = match.state in (MatchState.OFFERED, MatchState.ACCEPTED)
        end_match(match, MatchState.CANCELLED, actor=actor, reason=reason)
        notices.cancelled(match, reason, was_offered=was_offered)
    return match


def send_message(match: Match, *, user, body: str) -> MatchMessage:
    """A message from one side of an offered or accepted match to the other, relayed so
    that neither learns the other's address or email from it."""
    body = (body or "").strip()
    if not body:
        raise WorkflowError("invalid", _("Please write a message."), field="body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise WorkflowError(
            "invalid",
            _("Please keep the message under %(most)s characters.") % {"most": MESSAGE_MAX_LENGTH},
            field="body",
        )
    with transaction.atomic():
        match = _lock(match)
        mine = sides_of(match, user)
        if not mine:
            raise WorkflowError("not_allowed", _("You are not a side of this match."))
        if match.state not in (MatchState.OFFERED, MatchState.ACCEPTED):
            raise WorkflowError(
                "wrong_state", _("Messages are possible while a match is offered or accepted.")
            )
        side = NEED if NEED in mine else OFFER
        message = MatchMessage.objects.create(match=match, sender=user, sender_side=side, body=body)
        notices.message(match, side, body, message.pk)
    return message


# --- Made by hand ----------------------------------------------------------------------------


def _distance_m(need, offer) -> float:
    found = (
        type(need)
        .objects.filter(pk=need.pk)
        .annotate(d=Distance("point", offer.point))
        .values_list("d", flat=True)
        .first()
    )
    return found.m if found is not None else 0.0


def _lock_record(record):
    return type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)


def _hold_manual(kind: str, need, offer, quantity, shift) -> tuple[dict, int]:
    """Lock both sides, check and take the capacity; the Match's fields and its quantity."""
    if kind == Match.Kind.GOODS:
        if not isinstance(quantity, int) or quantity < 1:
            raise WorkflowError("invalid", _("Please enter a quantity of at least 1."), "quantity")
        need, offer = _lock_record(need), _lock_record(offer)
        most = min(need.quantity_open, offer.quantity_open)
        if quantity > most:
            raise WorkflowError(
                "invalid",
                _("Only %(most)s are still open on both sides.") % {"most": most},
                "quantity",
            )
        for record in (need, offer):
            record.quantity_open -= quantity
            status_after(record, holds=True)
            record.save(update_fields=["quantity_open", "status", "updated_at"])
        return {"goods_need": need, "donation_offer": offer}, quantity
    if kind == Match.Kind.VOLUNTEERS:
        need = _lock_record(need)
        if shift is None or shift.need_id != need.pk:
            raise WorkflowError("invalid", _("Choose a shift of this need."), "shift")
        shift.refresh_from_db()
        if shift.people_open < 1:
            raise WorkflowError("invalid", _("This shift has no open place left."), "shift")
        shift.people_open -= 1
        shift.save(update_fields=["people_open"])
        status_after(need, holds=True)
        need.save(update_fields=["status", "updated_at"])
        return {"volunteer": _lock_record(offer), "shift": shift}, 1
    need, offer = _lock_record(need), _lock_record(offer)
    for record in (need, offer):
        status_after(record, holds=True)
        record.save(update_fields=["status", "updated_at"])
    return {"housing_need": need, "housing_offer": offer}, 1


def create_manual(
    *, actor, kind: str, need, offer, quantity=None, shift=None, reason: str
) -> Match:
    """A coordinator matches a need and an offer by hand; it is offered to both sides at
    once. Capacity is checked under the same locks the engine takes."""
    _require_coordinator(actor)
    reason = _require_reason(reason)
    if kind not in Match.Kind.values:
        raise WorkflowError("invalid", _("Unknown kind of match."), "kind")
    for field, record in (("need", need), ("offer", offer)):
        if record.status not in MATCHABLE_STATUSES:
            raise WorkflowError(
                "invalid", _("Only an open or partly matched record can be matched."), field
            )
    try:
        with transaction.atomic():
            fields, quantity = _hold_manual(kind, need, offer, quantity, shift)
            match = Match.objects.create(
                kind=kind,
                quantity=quantity,
                distance_m=_distance_m(need, offer),
                score=0.0,
                score_breakdown={"manual": 1.0},
                created_by=actor,
                **fields,
            )
            _event(match, "", actor=actor, reason=f"made by hand: {reason}")
            _move(match, MatchState.APPROVED, actor=actor, reason="made by a coordinator")
            _offer_to_both_sides(match, actor=actor)
    except IntegrityError as exc:
        raise WorkflowError(
            "invalid", _("One of the two already has a match in progress."), "offer"
        ) from exc
    return match


def hand_over_need(need, *, actor, to_organisation: Organisation, reason: str) -> Handover:
    """A coordinator hands a need over to another initiative. Matches the old initiative
    was asked about end (and are matched again for the new one); proposals stay."""
    _require_coordinator(actor)
    reason = _require_reason(reason)
    if to_organisation.kind != OrganisationKind.INITIATIVE:
        raise WorkflowError("invalid", _("A need can go only to an initiative."), "organisation")
    with transaction.atomic():
        need = _lock_record(need)
        if need.status not in (Status.DRAFT, *MATCHABLE_STATUSES):
            raise WorkflowError("invalid", _("A closed need cannot be handed over."), "need")
        if need.organisation_id == to_organisation.pk:
            raise WorkflowError(
                "invalid", _("The need already belongs to this initiative."), "organisation"
            )
        asked = list(
            matches_of(need)
            .select_for_update(of=("self",))
            .filter(state__in=(MatchState.OFFERED, MatchState.ACCEPTED))
            .order_by("pk")
        )
        for match in asked:
            why = f"need handed over: {reason}"
            end_match(match, MatchState.CANCELLED, actor=actor, reason=why)
            notices.cancelled(match, reason, was_offered=True)
        handover = Handover.objects.create(
            need_model=need._meta.label_lower,
            need_id=need.pk,
            from_organisation=need.organisation,
            to_organisation=to_organisation,
            actor=actor,
            reason=reason,
        )
        need.organisation = to_organisation
        need._history_user = actor
        need._change_reason = f"handed over: {reason}"[:100]
        need.save(update_fields=["organisation", "updated_at"])
        notices.need_handed_over(need, handover)
        if need.status in MATCHABLE_STATUSES:
            need.request_matching()
    return handover


# --- Offers: still available? ----------------------------------------------------------------


def confirm_available(record, *, user):
    """The owner says the offer still stands: the clock of the availability check restarts."""
    if record.owner_user_id() != getattr(user, "pk", None):
        raise WorkflowError("not_allowed", _("Only the offer's owner can answer this."))
    with transaction.atomic():
        record = _lock_record(record)
        if record.status not in MATCHABLE_STATUSES:
            raise WorkflowError("wrong_state", _("This offer is closed."))
        type(record).objects.filter(pk=record.pk).update(
            availability_confirmed_at=timezone.now(), availability_asked_at=None
        )
    record.refresh_from_db()
    return record


def withdraw_offer(record, *, user, reason: str):
    from lifecycle.services import withdraw

    if user is not None and record.owner_user_id() != user.pk:
        raise WorkflowError("not_allowed", _("Only the offer's owner can answer this."))
    if record.status not in MATCHABLE_STATUSES:
        raise WorkflowError("wrong_state", _("This offer is closed."))
    return withdraw(record, actor=user, reason=reason)


# The periodic steps live in matching.reminders; re-exported as the workflow's interface.
from matching.reminders import advance_due, check_offers_still_available  # noqa: E402

__all__ = [
    "WorkflowError",
    "advance_due",
    "approve",
    "auto_approve",
    "cancel",
    "check_offers_still_available",
    "confirm_available",
    "create_manual",
    "fulfil",
    "hand_over_need",
    "handover_not_happened",
    "reject",
    "respond",
    "send_message",
    "sides_of",
    "withdraw_offer",
]
