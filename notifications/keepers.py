"""Keepers are asked to confirm what they keep: nothing of the hub silently rots.

Once a directory entry, event series or page has gone unconfirmed for longer than
EDITORIAL_CONFIRM_EVERY_DAYS, the admins of the organisation that keeps it get one message
(per organisation and day, whatever the number of records) that leads to `/kept/`, and each
record is marked as asked, so that the question comes once per period. Coordinators see what is
overdue on the same page, for every organisation."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from accounts.selectors import organisation_admins
from editorial.selectors import keepers_to_ask
from notifications.services import notify


def ask_keepers_to_confirm(*, today: date | None = None) -> int:
    """Ask the keepers of every overdue record; the number of records asked about."""
    today = today or timezone.localdate()
    asked = 0
    for organisation_id, records in keepers_to_ask(today=today).items():
        organisation = Organisation.objects.get(pk=organisation_id)
        oldest = min(record.last_confirmed_on for record in records)
        with transaction.atomic():
            for admin in organisation_admins(organisation_id):
                notify(
                    admin,
                    "keep_confirm",
                    f"keep-confirm:{organisation_id}:{admin.pk}:{today.isoformat()}",
                    {
                        "organisation": organisation.name,
                        "count": len(records),
                        "oldest": oldest.isoformat(),
                    },
                )
            for record in records:
                type(record).objects.filter(pk=record.pk).update(confirm_asked_on=today)
        asked += len(records)
    return asked
