"""What organisations submit for review is seen, and its approval is heard.

Coordinators are told when something starts to wait for them: one message per coordinator and
day (Berlin), whatever the number of submissions, with how many entries wait and where they
review them. Later submissions the same day add to the lists they already know of. When a
coordinator approves an entry, the admins of the organisation that keeps it get one message for
that entry, with its title in their own language.

Events and the directory are below this app: they say what happened through their signals
(connected in `NotificationsConfig.ready`), never by calling in here."""

from django.conf import settings
from django.urls import reverse

from accounts.models import Organisation
from accounts.selectors import active_coordinators, organisation_admins
from directory.models import ProviderProfile, PublicationStatus, Service
from editorial.models import Kept
from editorial.selectors import title_of
from events.models import EventSeries, EventStatus
from notifications.services import berlin_day, notify

WAITING_TEMPLATE = "review_waiting"
APPROVED_TEMPLATE = "review_approved"

# Per model label: what the entry is called in the message, and where the public sees it once
# approved (a name of web/urls.py).
ENTRIES = {
    "events.eventseries": ("event", "event-detail"),
    "directory.service": ("service", "directory-service"),
    "directory.providerprofile": ("profile", "directory-provider"),
}


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def waiting_counts() -> dict[str, int]:
    """How many events and directory entries (services and provider profiles) wait."""
    return {
        "events": EventSeries.objects.filter(status=EventStatus.IN_REVIEW).count(),
        "directory": Service.objects.filter(status=PublicationStatus.IN_REVIEW).count()
        + ProviderProfile.objects.filter(status=PublicationStatus.IN_REVIEW).count(),
    }


def tell_coordinators_of_waiting_review() -> None:
    """Each coordinator not yet told today hears what waits."""
    day = berlin_day()
    counts = waiting_counts()
    if not (counts["events"] or counts["directory"]):
        return  # taken back before this ran: nothing waits
    context = {
        "events_waiting": counts["events"],
        "directory_waiting": counts["directory"],
        "count": counts["events"] + counts["directory"],
        "events_review_url": _site(reverse("event-manage")),
        "directory_review_url": _site(reverse("directory-manage")),
    }
    for coordinator in active_coordinators():
        notify(coordinator, WAITING_TEMPLATE, f"review-waiting:{coordinator.pk}:{day}", context)


def _organisation_id(record: Kept) -> int | None:
    # A provider profile belongs to its organisation; its keeper may not be filled in.
    return record.owner_id or getattr(record, "organisation_id", None)


def tell_organisation_of_approval(record: Kept) -> None:
    """The admins of the record's organisation hear that it is public now (one message per
    admin and approval)."""
    label = record._meta.label_lower
    fresh = type(record).objects.select_related("text").get(pk=record.pk)
    organisation = Organisation.objects.filter(pk=_organisation_id(fresh)).first()
    if organisation is None:
        return
    entry_kind, page = ENTRIES[label]
    url = _site(reverse(page, kwargs={"pk": fresh.pk}))
    # An entry may be sent back to review by a later change and approved again: each approval
    # is its own event.
    approved_at = fresh.updated_at.isoformat()
    for admin in organisation_admins(organisation.pk):
        language = admin.preferred_language or settings.LANGUAGE_CODE
        context = {
            "title": title_of(fresh, language),
            "entry_kind": entry_kind,
            "organisation": organisation.name,
            "url": url,
        }
        key = f"review-approved:{label}:{fresh.pk}:{approved_at}:{admin.pk}"
        notify(admin, APPROVED_TEMPLATE, key, context)
