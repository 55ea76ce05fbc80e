"""Event series for tests, made through the service (validated, placed, with a text)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Role
from events import services
from events.models import EventSeries
from tests.factories import OrganisationFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    """A wall-clock time in Leipzig."""
    return datetime(*args, tzinfo=BERLIN)


def make_series(owner=None, *, user=None, title="Deutschkurs A1", **fields) -> EventSeries:
    """A series of `owner` (a new organisation by default): one date next month at 18:00 in
    04109 Leipzig unless told otherwise."""
    owner = owner or OrganisationFactory()
    fields.setdefault("starts_at", berlin(2026, 12, 15, 18, 0))
    fields.setdefault("duration", timedelta(hours=2))
    fields.setdefault("address", "04109 Leipzig")
    fields.setdefault("languages", ["de"])
    return services.create_series(user=user, owner=owner, title=title, **fields)


def coordinator():
    """The welcome centre's coordinator who reviews events."""
    return UserFactory(username="review-coordinator", role=Role.COORDINATOR, is_staff=True)


def approved(series: EventSeries) -> EventSeries:
    """A series an organisation submitted, approved by a coordinator (now public)."""
    return services.approve(series=series, user=coordinator())
