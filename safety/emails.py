"""What safety adds to an email when it is rendered (a context provider registered in
SafetyConfig.ready; nothing of it is stored in the outbox row):

- on every email about a match: the "report a problem" link for its recipient (`links`);
- on housing emails to the household's side: the kinds of the landlord's checks that stand
  ("checked by the welcome centre"), which the templates put in the email's language; never
  the notes, dates or who checked. An empty list says "not checked yet".
"""

from django.utils import timezone

from accounts.checks import standing_kinds
from matching.models import Match
from notifications.models import Notification
from safety.links import report_url

SIDES = ("need", "offer")


def email_context(notification: Notification) -> dict:
    context = notification.context or {}
    match_id, side = context.get("match_id"), context.get("side")
    if not isinstance(match_id, int) or side not in SIDES:
        return {}
    extras: dict = {
        "report_url": report_url(
            match_id=match_id,
            user_id=notification.recipient_id,
            side=side,
            issued_at=notification.created_at or timezone.now(),
        )
    }
    if context.get("kind") == Match.Kind.HOUSING and side == "need":
        landlord_id = (
            Match.objects.filter(pk=match_id)
            .values_list("housing_offer__landlord_id", flat=True)
            .first()
        )
        if landlord_id is not None:
            extras["landlord_check_kinds"] = standing_kinds([landlord_id]).get(landlord_id, [])
    return extras
