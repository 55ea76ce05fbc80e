"""Access rows for the steps of the match workflow, its history, messages and handovers.

Coordinators review, cancel, match by hand and hand needs over; the two sides answer; only
the need's side confirms a handover; everyone else does not even see the match (404).
"""

from matching.models import Match, MatchState
from tests.api.access import Call, Row, World, roles
from tests.api.access_goods import _match, need, need_markers, offer, offer_markers

COORDINATOR_STEP = roles(404, anonymous=401, member=403, donor=403, coordinator=200)
SIDES_STEP = roles(404, anonymous=401, member=200, donor=200, coordinator=403)
NEED_SIDE_STEP = roles(404, anonymous=401, member=200, donor=403, coordinator=403)
SEEN_BY_SIDES = roles(404, anonymous=401, member=200, donor=200, coordinator=200)


def _at(state: str):
    return lambda world: _match(world, state)


def _step(url_name: str, state: str, expect: dict, body: dict | None = None) -> Row:
    return Row(
        url_name,
        "post",
        lambda w: Call(kwargs={"pk": _at(state)(w).pk}, body=body or {}),
        expect,
    )


def _markers(world: World) -> list[str]:
    return need_markers(world) + offer_markers(world)


def _manual(world: World) -> Call:
    body = {
        "kind": Match.Kind.GOODS,
        "need": need(world).pk,
        "offer": offer(world).pk,
        "quantity": 2,
        "reason": "Spoke with both on the phone",
    }
    return Call(body=body)


def _handover(world: World) -> Call:
    body = {
        "kind": "goods",
        "need": need(world).pk,
        "organisation": world.other_initiative.pk,
        "reason": "The shelter closes at the end of the month",
    }
    return Call(body=body)


ROWS = [
    _step("match-approve", MatchState.PROPOSED, COORDINATOR_STEP),
    _step("match-reject", MatchState.PROPOSED, COORDINATOR_STEP, {"reason": "Too far"}),
    _step("match-accept", MatchState.OFFERED, SIDES_STEP),
    _step("match-decline", MatchState.OFFERED, SIDES_STEP, {"reason": "Already given away"}),
    _step("match-fulfil", MatchState.ACCEPTED, NEED_SIDE_STEP, {"quantity": 5}),
    _step("match-not-happened", MatchState.ACCEPTED, NEED_SIDE_STEP),
    _step("match-cancel", MatchState.OFFERED, COORDINATOR_STEP, {"reason": "Duplicate"}),
    Row(
        "match-events",
        "get",
        lambda w: Call(kwargs={"pk": _at(MatchState.OFFERED)(w).pk}),
        SEEN_BY_SIDES,
        exact_markers=_markers,
    ),
    Row(
        "match-messages",
        "get",
        lambda w: Call(kwargs={"pk": _at(MatchState.OFFERED)(w).pk}),
        SEEN_BY_SIDES,
        exact_markers=_markers,
    ),
    Row(
        "match-messages",
        "post",
        lambda w: Call(kwargs={"pk": _at(MatchState.OFFERED)(w).pk}, body={"body": "Hallo!"}),
        roles(404, anonymous=401, member=201, donor=201, coordinator=403),
    ),
    Row("matches", "post", _manual, roles(403, anonymous=401, coordinator=201)),
    Row(
        "handovers",
        "get",
        lambda w: Call(),
        roles(403, anonymous=401, coordinator=200),
        exact_markers=_markers,
    ),
    Row("handovers", "post", _handover, roles(403, anonymous=401, coordinator=201)),
]
