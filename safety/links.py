"""The "report a problem" link in match emails: signed, expiring, for one person and one match.

Unlike the one-click links of `matching.links`, it decides nothing by itself and may be used
more than once (a second report about the same match is a report too), so it needs no row:
the signature (Django's signing) covers the match, the person it was sent to, their side and
when the email's event happened; REPORT_LINK_DAYS after that it ends. It is made when the
email is rendered (the same link each time), so the outbox row never holds it. Opening it
only shows a form; filing needs a POST.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from accounts.models import User
from matching.models import Match

SALT = "willkommen.report-link"


@dataclass
class ReportLink:
    match: Match | None = None
    user: User | None = None
    side: str = ""
    problem: str | None = None  # invalid, expired

    @property
    def ok(self) -> bool:
        return self.problem is None


def report_url(*, match_id: int, user_id: int, side: str, issued_at: datetime) -> str:
    """The link for one person and match. `issued_at` (the email's event) is signed in, so the
    same email renders the same link every time, and the link ends REPORT_LINK_DAYS after it."""
    payload = {"m": match_id, "u": user_id, "s": side, "t": int(issued_at.timestamp())}
    token = signing.Signer(salt=SALT).sign_object(payload, compress=True)
    return f"{settings.SITE_URL.rstrip('/')}/report/l/{token}/"


def read_report_link(token: str) -> ReportLink:
    """Whom and which match a link names; a problem if it is tampered with, expired, or its
    person can no longer act (an erased or suspended account)."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return ReportLink(problem="invalid")
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), int) for key in ("m", "u", "t")
    ):
        return ReportLink(problem="invalid")
    issued_at = datetime.fromtimestamp(data["t"], tz=UTC)
    if issued_at + timedelta(days=settings.REPORT_LINK_DAYS) <= timezone.now():
        return ReportLink(problem="expired")
    match = Match.objects.filter(pk=data["m"]).first()
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if match is None or user is None:
        return ReportLink(problem="invalid")
    return ReportLink(match=match, user=user, side=str(data.get("s", "")))
