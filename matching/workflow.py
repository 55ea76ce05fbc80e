"""The match workflow after the engine: review, consent, handover.

proposed → approved (a coordinator, or the auto-approval policy) → offered to both sides →
accepted (both said yes) → fulfilled (the need's side confirms the handover); or rejected,
declined, expired, cancelled, which give the capacity back and match again.

Every step is one transaction: it locks the match, checks the state it expects, writes the
new state, its history row (`MatchEvent`: who, when, why) and its notices (outbox rows and
webhook deliveries) together. A step that is not allowed raises `ApplicationError` and changes
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
from base.errors import INVALID, NOT_ALLOWED, WRONG_STATE, ApplicationError
from base.text import clean_field
from lifecycle.services import transition, withdraw
from lifecycle.states import MATCHABLE_STATUSES, Status
from matching import notices
from matching.kinds import KINDS
from matching.models import (
    ACTIVE_STATES,
    REASON_MAX_LENGTH,
    Answer,
    Handover,
    Match,
    MatchEvent,
    MatchMessage,
    MatchState,
)
from matching.notices import NEED, OFFER
from matching.services import end_match, give_back, matches_of

MESSAGE_MAX_LENGTH = 2000


def _lock(match: Match) -> Match:
    return Match.objects.select_for_update(of=("self",)).get(pk=match.pk)


def _event(match: Match, previous: str, *, actor=None, reason: str = "") -> None:
    MatchEvent.objects.create(
        match=match,
        from_state=previous,
        to_state=match.state,
        actor=actor,
        reason=reason[:REASON_MAX_LENGTH],
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
        raise ApplicationError(
            _("Only coordinators of the welcome centre may do this."), code=NOT_ALLOWED
        )


def clean_reason(reason: str | None, *, required: bool = False) -> str:
    """A reason given for a step, as it is kept: without surrounding blanks, at most
    REASON_MAX_LENGTH characters, not empty where a step needs one, and without characters
    nobody can see (null bytes, direction controls: `base.text`)."""
    reason = clean_field((reason or "").strip(), field="reason", multiline=True)
    if required and not reason:
        raise ApplicationError(_("Please say why."), code=INVALID, field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            _("Please keep the reason under %(limit)s characters.") % {"limit": REASON_MAX_LENGTH},
            code=INVALID,
            field="reason",
        )
    return reason


def _require_reason(reason: str) -> str:
    return clean_reason(reason, required=True)


def _wrong_state(match: Match) -> ApplicationError:
    return ApplicationError(
        _("This is not possible for a match that is %(state)s.")
        % {"state": MatchState(match.state).label},
        code=WRONG_STATE,
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
    reason = clean_reason(reason)
    with transaction.atomic():
        match = _lock(match)
        if match.state != MatchState.PROPOSED:
            raise _wrong_state(match)
        problem = KINDS[match.kind].approval_problem(match)
        if problem is not None:
            raise ApplicationError(problem, code=WRONG_STATE)
        _move(match, MatchState.APPROVED, actor=actor, reason=reason.strip() or "approved")
        _offer_to_both_sides(match, actor=actor)
    return match


def auto_approval_threshold(kind: str) -> float | None:
    # The kind says whether a policy may approve at all (a flat always waits for a person).
    if not KINDS[kind].auto_approvable:
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
            if KINDS[match.kind].approval_problem(match) is not None:
                continue  # a coordinator decides; the next batch revises it
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
        raise ApplicationError(_('Answer "yes" or "no".'), code=INVALID, field="answer")
    reason = clean_reason(reason)
    with transaction.atomic():
        match = _lock(match)
        mine = sides_of(match, user)
        if side is not None:
            mine &= {side}
        if not mine:
            raise ApplicationError(_("You are not a side of this match."), code=NOT_ALLOWED)
        if match.state != MatchState.OFFERED:
            raise _wrong_state(match)
        unanswered = [s for s in (NEED, OFFER) if s in mine and not getattr(match, f"{s}_answer")]
        if not unanswered:
            raise ApplicationError(_("You have already answered."), code=WRONG_STATE)
        if answer == Answer.YES:
            # A rule whose facts changed since the approval (a certificate or a landlord's
            # check withdrawn) stops a yes; a no is always possible.
            problem = KINDS[match.kind].approval_problem(match)
            if problem is not None:
                raise ApplicationError(problem, code=WRONG_STATE)
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
    fulfilled (the kind says which: a volunteer's profile stays open, people offer their time
    again)."""
    for record in KINDS[match.kind].sides_done(match):
        record.refresh_from_db(fields=["status"])
        if record.status in MATCHABLE_STATUSES:
            transition(record, Status.FULFILLED, reason=f"fulfilled by match {match.pk}")


def fulfil(match: Match, *, user, quantity: int) -> Match:
    """The need's side confirms the handover with the quantity actually handed over; less
    than the match held reopens the rest on both sides, which are matched again."""
    with transaction.atomic():
        match = _lock(match)
        if NEED not in sides_of(match, user):
            raise ApplicationError(
                _("Only the initiative that needed it can confirm the handover."), code=NOT_ALLOWED
            )
        if match.state != MatchState.ACCEPTED:
            raise _wrong_state(match)
        if not isinstance(quantity, int) or not 1 <= quantity <= match.quantity:
            raise ApplicationError(
                _("Please enter a whole number from 1 to %(most)s.") % {"most": match.quantity},
                code=INVALID,
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
            give_back(match, match.quantity - quantity)
        _close_when_done(match)
        notices.fulfilled(match)
    return match


def confirm_pickup(match: Match, *, user) -> Match:
    """The donor says the goods were picked up. The match stays accepted: the initiative,
    which received them, confirms how many, and is asked to now (once: the reminder's
    question is the same notification). Saying it twice changes nothing."""
    with transaction.atomic():
        match = _lock(match)
        if OFFER not in sides_of(match, user):
            raise ApplicationError(_("You are not a side of this match."), code=NOT_ALLOWED)
        # Goods are picked up in a quantity; a shift or a flat has no pickup.
        if not KINDS[match.kind].divisible or match.state != MatchState.ACCEPTED:
            raise _wrong_state(match)
        if match.pickup_confirmed_at is not None:
            return match
        now = timezone.now()
        match.pickup_confirmed_at = now
        fields = ["pickup_confirmed_at", "updated_at"]
        if match.handover_asked_at is None:
            match.handover_asked_at = now
            fields.append("handover_asked_at")
        match.save(update_fields=fields)
        MatchEvent.objects.create(
            match=match,
            from_state=match.state,
            to_state=match.state,
            actor=user,
            reason="picked up, says the donor",
        )
        notices.handover_question(match)
    return match


def handover_not_happened(match: Match, *, user, reason: str = "") -> Match:
    """The need's side says the handover did not happen: the match ends, both sides are
    told, and what it held is matched again."""
    reason = clean_reason(reason)
    with transaction.atomic():
        match = _lock(match)
        if NEED not in sides_of(match, user):
            raise ApplicationError(_("You are not a side of this match."), code=NOT_ALLOWED)
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
    body = clean_field((body or "").strip(), field="body", multiline=True)
    if not body:
        raise ApplicationError(_("Please write a message."), code=INVALID, field="body")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            _("Please keep the message under %(most)s characters.") % {"most": MESSAGE_MAX_LENGTH},
            code=INVALID,
            field="body",
        )
    with transaction.atomic():
        match = _lock(match)
        mine = sides_of(match, user)
        if not mine:
            raise ApplicationError(_("You are not a side of this match."), code=NOT_ALLOWED)
        if match.state not in (MatchState.OFFERED, MatchState.ACCEPTED):
            raise ApplicationError(
                _("Messages are possible while a match is offered or accepted."), code=WRONG_STATE
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
        .annotate(d=Distance("approx_point", offer.approx_point))
        .values_list("d", flat=True)
        .first()
    )
    return found.m if found is not None else 0.0


def _lock_record(record):
    return type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)


def create_manual(
    *, actor, kind: str, need, offer, quantity=None, shift=None, reason: str
) -> Match:
    """A coordinator matches a need and an offer by hand; it is offered to both sides at
    once. Capacity is checked under the same locks the engine takes."""
    _require_coordinator(actor)
    reason = _require_reason(reason)
    if kind not in Match.Kind.values:
        raise ApplicationError(_("Unknown kind of match."), code=INVALID, field="kind")
    for field, record in (("need", need), ("offer", offer)):
        if record.status not in MATCHABLE_STATUSES:
            raise ApplicationError(
                _("Only an open or partly matched record can be matched."),
                code=INVALID,
                field=field,
            )
    try:
        with transaction.atomic():
            fields, quantity = KINDS[kind].hold_by_hand(need, offer, quantity=quantity, unit=shift)
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
        raise ApplicationError(
            _("One of the two already has a match in progress."), code=INVALID, field="offer"
        ) from exc
    return match


def hand_over_need(need, *, actor, to_organisation: Organisation, reason: str) -> Handover:
    """A coordinator hands a need over to another initiative. Matches the old initiative
    was asked about end (and are matched again for the new one); proposals stay."""
    _require_coordinator(actor)
    reason = _require_reason(reason)
    if to_organisation.kind != OrganisationKind.INITIATIVE:
        raise ApplicationError(
            _("A need can go only to an initiative."), code=INVALID, field="organisation"
        )
    with transaction.atomic():
        need = _lock_record(need)
        if need.status not in (Status.DRAFT, *MATCHABLE_STATUSES):
            raise ApplicationError(
                _("A closed need cannot be handed over."), code=INVALID, field="need"
            )
        if need.organisation_id == to_organisation.pk:
            raise ApplicationError(
                _("The need already belongs to this initiative."),
                code=INVALID,
                field="organisation",
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
        raise ApplicationError(_("Only the offer's owner can answer this."), code=NOT_ALLOWED)
    with transaction.atomic():
        record = _lock_record(record)
        if record.status not in MATCHABLE_STATUSES:
            raise ApplicationError(_("This offer is closed."), code=WRONG_STATE)
        type(record).objects.filter(pk=record.pk).update(
            availability_confirmed_at=timezone.now(), availability_asked_at=None
        )
    record.refresh_from_db()
    return record


def withdraw_offer(record, *, user, reason: str):
    if user is not None and record.owner_user_id() != user.pk:
        raise ApplicationError(_("Only the offer's owner can answer this."), code=NOT_ALLOWED)
    if record.status not in MATCHABLE_STATUSES:
        raise ApplicationError(_("This offer is closed."), code=WRONG_STATE)
    return withdraw(record, actor=user, reason=reason)
