"""Access rows for safety: reports of harm, suspension, checks about people, and what anyone
may know of a flat's checks.

A report (by the initiative's member, about the landlord's flat) is read by coordinators and
by whoever filed it; the landlord it concerns gets an empty list and 404s, and never the text.
Checks, suspensions and handling are for coordinators; of a flat, everyone signed in learns
which kinds of checks stand, never a check's note.
"""

from accounts import checks
from accounts.models import CheckKind
from safety import services
from tests.api.access import Call, Row, World, roles
from tests.api.access_housing import flat

REPORT_TEXT = "Der Vermieter verlangt Bargeld vor der Besichtigung"
NOTE = "Reisepass am Schalter vorgelegt"
COORDINATORS_ONLY = roles(403, anonymous=401)


def _report(world: World):
    offer = flat(world)
    return services.file_report(
        reporter=world.users["member"],
        target="flat",
        target_id=offer.pk,
        category="exploitation",
        urgency="high",
        text=REPORT_TEXT,
    )


def _check(world: World):
    return checks.record_check(
        subject=world.users["landlord"],
        kind=CheckKind.IDENTITY,
        actor=world.users["coordinator"],
        note=NOTE,
    )


def _report_call(world: World, body: dict | None = None) -> Call:
    return Call(kwargs={"pk": _report(world).pk}, body=body)


def _new_report(world: World) -> Call:
    offer = flat(world)
    return Call(
        body={
            "target": "flat",
            "target_id": offer.pk,
            "category": "unsafe_place",
            "urgency": "normal",
            "text": "Schimmel im Kinderzimmer",
        }
    )


def _suspended(world: World) -> Call:
    services.suspend(
        world.users["landlord"], actor=world.users["coordinator"], reason="Nach einer Meldung"
    )
    return Call(kwargs={"pk": world.users["landlord"].pk}, body={"reason": "Geklärt"})


def _landlord(world: World, body: dict | None = None) -> Call:
    return Call(kwargs={"pk": world.users["landlord"].pk}, body=body)


def _flat_with_check(world: World) -> Call:
    _check(world)
    return Call(kwargs={"pk": flat(world).pk})


ROWS = [
    Row(
        "reports",
        "get",
        lambda w: (_report(w), Call())[1],
        roles(200, anonymous=401),
        exact_for={"member", "coordinator"},
        exact_markers=lambda w: [REPORT_TEXT],
    ),
    Row(
        "reports",
        "post",
        _new_report,
        # The landlord cannot report their own flat (400).
        roles(201, anonymous=401, landlord=400),
    ),
    Row(
        "report-detail",
        "get",
        _report_call,
        roles(404, anonymous=401, member=200, coordinator=200),
        exact_for={"member", "coordinator"},
        exact_markers=lambda w: [REPORT_TEXT],
    ),
    Row(
        "report-take",
        "post",
        lambda w: _report_call(w, {}),
        roles(403, anonymous=401, coordinator=200),
        exact_for={"coordinator"},
        exact_markers=lambda w: [REPORT_TEXT],
    ),
    Row(
        "report-notes",
        "post",
        lambda w: _report_call(w, {"note": "Angerufen"}),
        roles(403, anonymous=401, coordinator=201),
        exact_for={"coordinator"},
        exact_markers=lambda w: [REPORT_TEXT],
    ),
    Row(
        "report-close",
        "post",
        lambda w: _report_call(w, {"note": "Erledigt"}),
        roles(403, anonymous=401, coordinator=200),
        exact_for={"coordinator"},
        exact_markers=lambda w: [REPORT_TEXT],
    ),
    Row(
        "user-suspend",
        "post",
        lambda w: _landlord(w, {"reason": "Bedrohte eine Familie"}),
        roles(403, anonymous=401, coordinator=201),
    ),
    Row("user-lift-suspension", "post", _suspended, roles(403, anonymous=401, coordinator=200)),
    Row(
        "user-suspensions",
        "get",
        lambda w: (_suspended(w), _landlord(w))[1],
        COORDINATORS_ONLY | {"coordinator": 200},
    ),
    Row(
        "user-checks",
        "get",
        lambda w: (_check(w), _landlord(w))[1],
        COORDINATORS_ONLY | {"coordinator": 200},
        exact_for={"coordinator"},
        exact_markers=lambda w: [NOTE],
    ),
    Row(
        "user-checks",
        "post",
        lambda w: _landlord(w, {"kind": "home_visit", "note": "Wohnung angesehen"}),
        COORDINATORS_ONLY | {"coordinator": 201},
    ),
    Row(
        "check-withdraw",
        "post",
        lambda w: Call(kwargs={"pk": _check(w).pk}, body={"reason": "Falsche Person"}),
        COORDINATORS_ONLY | {"coordinator": 200},
        exact_for={"coordinator"},
        exact_markers=lambda w: [NOTE],
    ),
    Row(
        # Everyone who may see the open flat learns that it is checked, never the note.
        "housing-offers-checks",
        "get",
        _flat_with_check,
        roles(200, anonymous=401),
        exact_markers=lambda w: [NOTE, "coordinator"],
    ),
]
