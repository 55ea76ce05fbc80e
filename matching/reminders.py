"""The periodic side of the workflow: what happens when people do not answer.

- Offered matches unanswered for MATCH_REMIND_AFTER_DAYS get one reminder; at `respond_by`
  (MATCH_EXPIRE_AFTER_DAYS after the offer) they expire and their capacity goes back.
- Accepted matches not handed over after MATCH_HANDOVER_QUESTION_DAYS: the need's side is
  asked whether the handover happened.
- Offers open for OFFER_AVAILABILITY_CHECK_DAYS since created or last confirmed are asked
  "still available?"; no answer within OFFER_AVAILABILITY_ANSWER_DAYS withdraws them.
- Proposals the auto-approval policy allows and no batch approved (its worker died) are
  approved here.

Each item is claimed in its own transaction under its row lock and checked again, so two
runs at once, or a run repeated after a crash, do every step once.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lifecycle.states import MATCHABLE_STATUSES
from matching import notices
from matching.kinds import KINDS
from matching.models import Match, MatchState
from matching.services import end_match
from matching.workflow import auto_approve, withdraw_offer

ASKED_STATES = (MatchState.OFFERED, MatchState.ACCEPTED)


def _days(name: str) -> timedelta:
    return timedelta(days=getattr(settings, name))


def _each_locked(due: Q):
    """Yield each match that is due, locked, one transaction each; a match another run took
    meanwhile no longer fits `due` under the lock and is skipped."""
    for pk in list(Match.objects.filter(due).values_list("pk", flat=True)):
        with transaction.atomic():
            match = Match.objects.select_for_update(of=("self",)).filter(due, pk=pk).first()
            if match is not None:
                yield match


def send_reminders(now: datetime) -> int:
    due = Q(
        state=MatchState.OFFERED,
        reminded_at__isnull=True,
        offered_at__lte=now - _days("MATCH_REMIND_AFTER_DAYS"),
        respond_by__gt=now,
    )
    sent = 0
    for match in _each_locked(due):
        match.reminded_at = now
        match.save(update_fields=["reminded_at", "updated_at"])
        for side in (notices.NEED, notices.OFFER):
            if not getattr(match, f"{side}_answer"):
                notices.reminder(match, side)
        sent += 1
    return sent


def expire_unanswered(now: datetime) -> int:
    due = Q(state=MatchState.OFFERED, respond_by__lte=now)
    expired = 0
    for match in _each_locked(due):
        end_match(match, MatchState.EXPIRED, reason="no answer in time")
        notices.expired(match)
        expired += 1
    return expired


def ask_about_handovers(now: datetime) -> int:
    due = Q(
        state=MatchState.ACCEPTED,
        handover_asked_at__isnull=True,
        accepted_at__lte=now - _days("MATCH_HANDOVER_QUESTION_DAYS"),
    )
    asked = 0
    for match in _each_locked(due):
        match.handover_asked_at = now
        match.save(update_fields=["handover_asked_at", "updated_at"])
        notices.handover_question(match)
        asked += 1
    return asked


def advance_due(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    waiting = Match.objects.filter(state=MatchState.PROPOSED).values_list("pk", flat=True)
    return {
        "auto_approved": auto_approve(list(waiting)),
        "reminded": send_reminders(now),
        "expired": expire_unanswered(now),
        "handover_asked": ask_about_handovers(now),
    }


# --- Offers ------------------------------------------------------------------------------------


def _offer_models():
    return [info.offer_model for info in KINDS.values()]


# An offer someone is being asked about right now is evidently still there.
IN_CONVERSATION = Q(matches__state__in=ASKED_STATES)


def _ask(model, now: datetime) -> int:
    last_sign = Greatest("created_at", Coalesce("availability_confirmed_at", "created_at"))
    stale = (
        model.objects.filter(status__in=MATCHABLE_STATUSES, availability_asked_at__isnull=True)
        .annotate(last_sign=last_sign)
        .filter(last_sign__lte=now - _days("OFFER_AVAILABILITY_CHECK_DAYS"))
        .exclude(IN_CONVERSATION)
    )
    answer_by = now + _days("OFFER_AVAILABILITY_ANSWER_DAYS")
    asked = 0
    for pk in list(stale.values_list("pk", flat=True).distinct()):
        with transaction.atomic():
            claimed = model.objects.filter(
                pk=pk, status__in=MATCHABLE_STATUSES, availability_asked_at__isnull=True
            ).update(availability_asked_at=now)
            if claimed:
                notices.still_available(model.objects.get(pk=pk), answer_by)
                asked += 1
    return asked


def _withdraw_unanswered(model, now: datetime) -> int:
    overdue = model.objects.filter(
        status__in=MATCHABLE_STATUSES,
        availability_asked_at__lte=now - _days("OFFER_AVAILABILITY_ANSWER_DAYS"),
    )
    withdrawn = 0
    for record in overdue:
        with transaction.atomic():
            record = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
            if record.status not in MATCHABLE_STATUSES or record.availability_asked_at is None:
                continue
            withdraw_offer(record, user=None, reason="no answer to “still available?”")
            notices.offer_withdrawn(record)
            withdrawn += 1
    return withdrawn


def check_offers_still_available(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = {"asked": 0, "withdrawn": 0}
    for model in _offer_models():
        counts["withdrawn"] += _withdraw_unanswered(model, now)
        counts["asked"] += _ask(model, now)
    return counts
