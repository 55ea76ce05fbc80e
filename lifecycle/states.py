"""The one lifecycle every need and offer goes through, and the moves it allows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PARTLY_MATCHED = "partly_matched", _("Partly matched")
    FULFILLED = "fulfilled", _("Fulfilled")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Records the matching engine may use.
MATCHABLE_STATUSES = (Status.OPEN, Status.PARTLY_MATCHED)
# Records that are finished; after the retention period they lose their personal data.
CLOSED_STATUSES = (Status.FULFILLED, Status.EXPIRED, Status.WITHDRAWN)

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.WITHDRAWN}),
    Status.OPEN: frozenset(
        {Status.PARTLY_MATCHED, Status.FULFILLED, Status.EXPIRED, Status.WITHDRAWN}
    ),
    # Back to open when a declined or cancelled match gives its quantity back.
    Status.PARTLY_MATCHED: frozenset(
        {Status.OPEN, Status.FULFILLED, Status.EXPIRED, Status.WITHDRAWN}
    ),
    # Closed records stay closed: a new need or offer is a new record.
    Status.FULFILLED: frozenset(),
    Status.EXPIRED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
