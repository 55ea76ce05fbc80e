"""Access rows for rooms for initiatives (api/rooms.py).

The room belongs to `world.other_initiative` (so `other_member` is its owner's member); the
requests are `world.initiative`'s (posted by `member`). Anyone sees the rooms offered with
their district and approximate point; the exact address is for the owner, coordinators, and
an initiative whose booking of the room was confirmed."""

from rooms import services
from tests.api.access import Call, Row, World, everyone, roles
from tests.rooms.factories import ROOM_LAT, ROOM_LON, RoomFactory, RoomRequestFactory

ROOM_ADDRESS = "Dieskaustraße 77, 04229 Leipzig"


def room(world: World, **fields):
    return RoomFactory(
        owner=world.other_initiative,
        name="Saal im Stadtteilzentrum",
        address=ROOM_ADDRESS,
        lat=ROOM_LAT,
        lon=ROOM_LON,
        **fields,
    )


def room_markers(world: World) -> list[str]:
    return [ROOM_ADDRESS, str(ROOM_LAT), str(ROOM_LON)]


def open_request(world: World):
    room(world)
    return RoomRequestFactory(organisation=world.initiative, requested_by=world.users["member"])


def confirmed_request(world: World):
    request = open_request(world)
    services.confirm(request, request_room(world), world.users["coordinator"])
    return request


def request_room(world: World):
    return world.other_initiative.rooms.get()


def new_room(world: World) -> Call:
    return Call(
        body={
            "owner": world.other_initiative.pk,
            "name": "Kleiner Gruppenraum",
            "address": "04229 Leipzig",
            "capacity": 12,
            "equipment": ["wifi"],
            "hours": [{"weekday": 2, "start": "16:00", "end": "20:00"}],
        }
    )


def new_request(world: World) -> Call:
    room(world)
    start = RoomRequestFactory.build().start
    return Call(
        body={
            "title": "Sprachcafé",
            "start": start.isoformat(),
            "end": start.replace(hour=start.hour + 2).isoformat(),
            "people": 10,
            "organisation": world.initiative.pk,
        }
    )


def _on_request(make, body=None):
    return lambda world: Call(kwargs={"pk": make(world).pk}, body=body)


def _booking(world: World) -> Call:
    request = confirmed_request(world)
    return Call(kwargs={"pk": request.bookings.get().pk}, body={"reason": "Wasserschaden"})


SIGNED_IN = roles(200, anonymous=401)
# Deciders: the room's owner (other_member) and coordinators.
DECIDED_BY_OWNER = roles(404, anonymous=401, member=403, other_member=200, coordinator=200)

ROWS = [
    Row(
        "rooms",
        "get",
        lambda w: room(w) and Call(),
        everyone(200),
        exact_for={"other_member", "coordinator"},
        exact_markers=room_markers,
    ),
    # Only for an organisation one is a member of ("owner" field error), or by coordinators.
    Row("rooms", "post", new_room, roles(400, anonymous=401, other_member=201, coordinator=201)),
    Row(
        "rooms-map", "get", lambda w: room(w) and Call(), everyone(200), exact_markers=room_markers
    ),
    Row(
        "rooms-detail",
        "get",
        lambda w: Call(kwargs={"pk": room(w).pk}),
        everyone(200),
        exact_for={"other_member", "coordinator"},
        exact_markers=room_markers,
    ),
    Row(
        "rooms-detail",
        "patch",
        lambda w: Call(kwargs={"pk": room(w).pk}, body={"capacity": 45}),
        roles(403, anonymous=401, other_member=200, coordinator=200),
        exact_for={"other_member", "coordinator"},
        exact_markers=room_markers,
    ),
    # Each sees the requests of their own initiatives; once confirmed, the initiative sees
    # the room's exact address.
    Row(
        "room-requests",
        "get",
        lambda w: confirmed_request(w) and Call(),
        SIGNED_IN,
        exact_for={"member"},
        exact_markers=room_markers,
    ),
    Row("room-requests", "post", new_request, roles(400, anonymous=401, member=201)),
    Row(
        "room-requests-to-decide",
        "get",
        lambda w: open_request(w) and Call(),
        roles(403, anonymous=401, other_member=200, coordinator=200),
        exact_markers=room_markers,
    ),
    Row(
        "room-requests-suitable-rooms",
        "get",
        _on_request(open_request),
        roles(404, anonymous=401, member=200, other_member=200, coordinator=200),
        exact_for={"other_member", "coordinator"},
        exact_markers=room_markers,
    ),
    Row(
        "room-requests-confirm",
        "post",
        lambda w: Call(kwargs={"pk": open_request(w).pk}, body={"room": request_room(w).pk}),
        DECIDED_BY_OWNER,
        exact_for={"other_member", "coordinator"},
        exact_markers=room_markers,
    ),
    Row(
        "room-requests-decline",
        "post",
        _on_request(open_request, {"reason": "Alles belegt"}),
        DECIDED_BY_OWNER,
    ),
    # The owner and coordinators see the open request, but only its initiative withdraws it.
    Row(
        "room-requests-withdraw",
        "post",
        _on_request(open_request),
        roles(404, anonymous=401, member=200, other_member=403, coordinator=403),
    ),
    Row(
        "bookings-cancel",
        "post",
        _booking,
        DECIDED_BY_OWNER,
        exact_for={"other_member", "coordinator"},
        exact_markers=room_markers,
    ),
]
