"""One-click links in emails: signed, expiring, single use, for one person and one action.

A link names an `ActionLink` row and carries a random nonce; the signature catches tampering,
the stored hash of the nonce catches a forged row id, `expires_at` ends it, and `used_at`,
claimed by a conditional update, makes it work once. Following a link (GET) never decides:
the page asks to confirm with a POST, because mail scanners follow links.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifecycle.states import MATCHABLE_STATUSES
from matching.models import ActionLink, Match, MatchState

SALT = "willkommen.action-link"

# What state each action needs to make sense; otherwise the link is "closed".
MATCH_ACTIONS = {
    ActionLink.Action.ACCEPT: MatchState.OFFERED,
    ActionLink.Action.DECLINE: MatchState.OFFERED,
    ActionLink.Action.FULFILLED: MatchState.ACCEPTED,
    ActionLink.Action.NOT_HAPPENED: MatchState.ACCEPTED,
}
OFFER_ACTIONS = (ActionLink.Action.AVAILABLE, ActionLink.Action.WITHDRAW)


@dataclass
class LinkCheck:
    link: ActionLink | None = None
    problem: str | None = None  # invalid, expired, used, someone_else, closed

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class LinkOutcome:
    link: ActionLink | None = None
    problem: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    match: Match | None = None
    record: object | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.errors


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def issue_link(
    *,
    user,
    action: str,
    match: Match | None = None,
    side: str = "",
    record=None,
    expires_at: datetime | None = None,
) -> str:
    """Write a link row in the caller's transaction and return its absolute URL."""
    nonce = secrets.token_urlsafe(24)
    link = ActionLink.objects.create(
        user=user,
        action=action,
        match=match,
        side=side,
        record_model=record._meta.label_lower if record is not None else "",
        record_id=record.pk if record is not None else None,
        nonce_hash=_hash(nonce),
        expires_at=expires_at
        or timezone.now() + timezone.timedelta(days=settings.ACTION_LINK_DAYS),
    )
    token = signing.dumps([link.pk, nonce], salt=SALT, compress=True)
    return f"{settings.SITE_URL.rstrip('/')}/l/{token}/"


def _load(token: str) -> ActionLink | None:
    try:
        link_id, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    link = (
        ActionLink.objects.select_related("user", "match").filter(pk=link_id).first()
        if isinstance(link_id, int)
        else None
    )
    if link is None or not isinstance(nonce, str):
        return None
    return link if hmac.compare_digest(link.nonce_hash, _hash(nonce)) else None


def offer_record(link: ActionLink):
    """The offer an availability link is about, or None if it is gone."""
    if not link.record_model:
        return None
    model = apps.get_model(link.record_model)
    return model.objects.filter(pk=link.record_id).first()


def _still_open(link: ActionLink) -> bool:
    if link.action in MATCH_ACTIONS:
        match = link.match
        if match is None or match.state != MATCH_ACTIONS[link.action]:
            return False
        if link.action in (ActionLink.Action.ACCEPT, ActionLink.Action.DECLINE):
            return getattr(match, f"{link.side}_answer") == ""
        return True
    record = offer_record(link)
    return record is not None and record.status in MATCHABLE_STATUSES


def check_link(token: str, *, user=None) -> LinkCheck:
    """What a link is and whether it can still be used; changes nothing."""
    link = _load(token)
    if link is None:
        return LinkCheck(problem="invalid")
    if user is not None and user.is_authenticated and user.pk != link.user_id:
        return LinkCheck(link=link, problem="someone_else")
    if link.used_at is not None:
        return LinkCheck(link=link, problem="used")
    if link.expires_at <= timezone.now():
        return LinkCheck(link=link, problem="expired")
    if not _still_open(link):
        return LinkCheck(link=link, problem="closed")
    return LinkCheck(link=link)


def _clean(link: ActionLink, data: dict) -> tuple[dict, dict[str, list[str]]]:
    """The form's values for the link's action, or field errors."""
    values: dict = {}
    errors: dict[str, list[str]] = {}
    reason = str(data.get("reason") or "").strip()
    if len(reason) > 300:
        errors["reason"] = [_("Please keep the reason under 300 characters.")]
    values["reason"] = reason
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
    from matching import workflow

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
    except workflow.WorkflowError as exc:
        problem = "closed" if exc.code in ("wrong_state", "not_allowed") else None
        return LinkOutcome(link=link, problem=problem, errors={} if problem else exc.errors)
    except _Refused as refused:
        return refused.outcome


def _perform(link: ActionLink, values: dict) -> LinkOutcome:
    from matching import workflow

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
