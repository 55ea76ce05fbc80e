"""Access rows for kept records (issue 14): every signed-in user lists what their
organisations keep (an empty list for people without one); confirming is for the keeping
organisation's members and coordinators, and everyone else gets 404 as for a record that
does not exist. Nothing personal is in an answer: the keeper's name, not its members'."""

from events.models import EventSeries
from tests.api.access import Call, Row, World, roles
from tests.api.access_events import series

LISTED_TO_EVERYONE_SIGNED_IN = roles(200, anonymous=401)
CONFIRMED_BY_KEEPERS = roles(404, anonymous=401, member=200, coordinator=200)


def kept_series(world: World) -> EventSeries:
    """A published course the member's initiative keeps."""
    return series(world)


def markers(world: World) -> list[str]:
    # The member's personal contacts and the initiative's email.
    return ["0341 111", "member@example.org", "grünau@example.org"]


ROWS = [
    Row(
        "kept",
        "get",
        lambda w: kept_series(w) and Call(),
        LISTED_TO_EVERYONE_SIGNED_IN,
        exact_markers=markers,
    ),
    Row(
        "kept-confirm",
        "post",
        lambda w: Call(kwargs={"label": "events.eventseries", "pk": kept_series(w).pk}),
        CONFIRMED_BY_KEEPERS,
        exact_markers=markers,
    ),
]
