"""Using a one-click link: the action it offers is done once, through the workflow."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base.errors import ApplicationError
from matching import workflow
from matching.links import MATCH_ACTIONS, LinkOutcome, check_link, offer_record
from matching.models import ActionLink


def _clean(link: ActionLink, data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The form's values for the link's action, or field errors."""
    values: dict = {}
    errors: dict[str, list[str]] = {}
    reason = str(data.get("reason") or "")
    try:
        values["reason"] = workflow.clean_reason(reason)
    except ApplicationError as error:
        errors.update(error.errors)
        values["reason"] = reason.strip()
    if link.action == ActionLink.Action.FULFILLED:
        most = link.match.quantity
        try:
            quantity = int(str(data.get("quantity", most)).strip())
        except ValueError:
            quantity = None
        if quantity is None or not 1 <= quantity <= most:
            errors["quantity"] = [
                _("Please enter a whole number from 1 to %(most)s.") % {"most": most}
            ]
        values["quantity"] = quantity
    return values, errors


class _Refused(Exception):
    def __init__(self, outcome: LinkOutcome) -> None:
        self.outcome = outcome


def use_link(token: str, *, user=None, data: dict | None = None) -> LinkOutcome:
    """Do what the link offers, once. A problem or a form error changes nothing."""
    checked = check_link(token, user=user)
    if not checked.ok:
        return LinkOutcome(link=checked.link, problem=checked.problem)
    link = checked.link
    values, errors = _clean(link, data or {})
    if errors:
        return LinkOutcome(link=link, errors=errors)
    try:
        with transaction.atomic():
            now = timezone.now()
            claimed = ActionLink.objects.filter(
                pk=link.pk, used_at__isnull=True, expires_at__gt=now
            ).update(used_at=now)
            if not claimed:
                raise _Refused(LinkOutcome(link=link, problem="used"))
            return _perform(link, values)
    except ApplicationError as exc:
        problem = "closed" if exc.code in ("wrong_state", "not_allowed") else None
        return LinkOutcome(link=link, problem=problem, errors={} if problem else exc.errors)
    except _Refused as refused:
        return refused.outcome


def _perform(link: ActionLink, values: dict) -> LinkOutcome:
    person, action = link.user, link.action
    if action in MATCH_ACTIONS:
        match = link.match
        if action == ActionLink.Action.ACCEPT:
            match = workflow.respond(match, user=person, answer="yes", side=link.side)
        elif action == ActionLink.Action.DECLINE:
            match = workflow.respond(
                match, user=person, answer="no", side=link.side, reason=values["reason"]
            )
        elif action == ActionLink.Action.FULFILLED:
            match = workflow.fulfil(match, user=person, quantity=values["quantity"])
        else:
            match = workflow.handover_not_happened(match, user=person, reason=values["reason"])
        return LinkOutcome(link=link, match=match)
    record = offer_record(link)
    if action == ActionLink.Action.AVAILABLE:
        record = workflow.confirm_available(record, user=person)
    else:
        record = workflow.withdraw_offer(record, user=person, reason="withdrawn by link")
    return LinkOutcome(link=link, record=record)
