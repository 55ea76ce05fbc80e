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
from django.utils import timezone

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
