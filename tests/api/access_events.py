"""Access rows for events and courses (issue 14): reading is public, writes are for the
members of the organisation that keeps a series and for coordinators; only coordinators
approve what waits for review, and a series not yet published is not found by anyone else.
Events are public places (the venue is public); the organiser's personal contacts are in no
answer."""

from datetime import timedelta

from django.utils import timezone

from events import services
from tests.api.access import Call, Row, World, everyone, roles
from tests.events.factories import make_series

READ_BY_ALL = everyone(200)
WRITTEN_BY_KEEPERS = roles(403, anonymous=401, member=200, coordinator=200)
CREATED_BY_MEMBERS = roles(403, anonymous=401, member=201, coordinator=201)
# A series not yet public: hidden (404) from everyone but its keepers and coordinators.
SUBMITTED_BY_KEEPERS = roles(404, anonymous=401, member=200, coordinator=200)
APPROVED_BY_COORDINATORS = roles(404, anonymous=401, member=403, coordinator=200)


def _next_week():
    start = timezone.localtime() + timedelta(days=7)
    return start.replace(hour=18, minute=0, second=0, microsecond=0)


def series(world: World, *, published: bool = True, approved: bool = True):
    """A course the member posted; the initiative has no provider profile, so it waits for
    review until the coordinator approves it (or stays a draft: `published` False)."""
    made = make_series(
        world.initiative,
        user=world.users["member"],
        title="Deutschkurs A1",
        starts_at=_next_week(),
        rrule="FREQ=WEEKLY;COUNT=5",
        address="Eisenbahnstraße 40, 04315 Leipzig",
        categories=["language-course"],
        published=published,
    )
    if published and approved:
        made = services.approve(series=made, user=world.users["coordinator"])
    return made


def markers(world: World) -> list[str]:
    # The organiser's personal contacts: the member's phone and email.
    return ["0341 111", "member@example.org"]


def _detail(world: World) -> Call:
    return Call(kwargs={"pk": series(world).pk})


def new_series(world: World) -> Call:
    return Call(
        body={
            "owner": world.initiative.pk,
            "title": "Sprachcafé",
            "address": "04315 Leipzig",
            "starts_at": _next_week().isoformat(),
            "duration_minutes": 90,
            "rrule": "FREQ=WEEKLY;COUNT=4",
            "categories": ["intercultural"],
        }
    )


def _row(name, method, setup, expect) -> Row:
    return Row(name, method, setup, expect, exact_markers=markers)


ROWS = [
    _row("events", "get", lambda w: series(w) and Call(), READ_BY_ALL),
    _row("events-feed", "get", lambda w: series(w) and Call(), READ_BY_ALL),
    _row("events-map", "get", lambda w: series(w) and Call(), READ_BY_ALL),
    _row("event-categories", "get", lambda w: Call(), READ_BY_ALL),
    _row("event-series", "post", new_series, CREATED_BY_MEMBERS),
    _row("event-series-detail", "get", _detail, READ_BY_ALL),
    _row(
        "event-series-detail",
        "patch",
        lambda w: Call(kwargs={"pk": series(w).pk}, body={"cost": "", "free": True}),
        WRITTEN_BY_KEEPERS,
    ),
    _row("event-series-ics", "get", _detail, READ_BY_ALL),
    _row(
        "event-series-cancel-date",
        "post",
        lambda w: Call(
            kwargs={"pk": series(w).pk},
            body={"date": (_next_week() + timedelta(days=7)).date().isoformat()},
        ),
        WRITTEN_BY_KEEPERS,
    ),
    _row(
        "event-series-add-date",
        "post",
        lambda w: Call(
            kwargs={"pk": series(w).pk},
            body={"start": (_next_week() + timedelta(days=2)).isoformat()},
        ),
        WRITTEN_BY_KEEPERS,
    ),
    _row("event-series-confirm", "post", _detail, WRITTEN_BY_KEEPERS),
    _row(
        "event-series-submit",
        "post",
        lambda w: Call(kwargs={"pk": series(w, published=False).pk}),
        SUBMITTED_BY_KEEPERS,
    ),
    _row(
        "event-series-approve",
        "post",
        lambda w: Call(kwargs={"pk": series(w, approved=False).pk}),
        APPROVED_BY_COORDINATORS,
    ),
]
