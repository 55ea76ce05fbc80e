"""Access rows for diagnostics: coordinators only, and nobody sees an exact place or contact.

Diagnostics count the offers around a need; even a coordinator's answer holds neither the
need's address nor any offer's address, point or donor.
"""

from tests.api.access import Call, Row, World, roles
from tests.api.access_goods import need, need_markers, offer, offer_markers

COORDINATORS_ONLY = roles(403, anonymous=401, coordinator=200)


def _need_with_offers_around(world: World):
    """A jackets need with a fitting offer and one of another category close by."""
    found = need(world, attributes={"size": "M"})
    offer(world, attributes={"size": "M"})
    offer(world, attributes={"size": "L"})
    return found


def _markers(world: World) -> list[str]:
    return need_markers(world) + offer_markers(world)


ROWS = [
    Row(
        "diagnostics",
        "get",
        lambda w: _need_with_offers_around(w) and Call(),
        COORDINATORS_ONLY,
        exact_markers=_markers,
    ),
    Row(
        "diagnostics-detail",
        "get",
        lambda w: Call(kwargs={"kind": "goods", "pk": _need_with_offers_around(w).pk}),
        COORDINATORS_ONLY,
        exact_markers=_markers,
    ),
]
