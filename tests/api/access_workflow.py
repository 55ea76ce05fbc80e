"""Access rows for the steps of the match workflow, its history, messages and handovers.

Coordinators review, cancel, match by hand and hand needs over; the two sides answer; only
the need's side confirms a handover, only the donor a pickup; everyone else does not even
see the match (404).
"""

from django.utils import timezone

from matching.models import Match, MatchEvent, MatchState
from tests.api.access import Call, Row, World, roles
from tests.api.access_goods import _match, need, need_markers, offer, offer_markers

COORDINATOR_STEP = roles(404, anonymous=401, member=403, donor=403, coordinator=200)
SIDES_STEP = roles(404, anonymous=401, member=200, donor=200, coordinator=403)
NEED_SIDE_STEP = roles(404, anonymous=401, member=200, donor=403, coordinator=403)
OFFER_SIDE_STEP = roles(404, anonymous=401, member=403, donor=200, coordinator=403)
SEEN_BY_SIDES = roles(404, anonymous=401, member=200, donor=200, coordinator=200)
# A proposal no coordinator has approved is internal: for its sides it does not exist.
REVIEW_STEP = roles(404, anonymous=401, coordinator=200)
SEEN_BY_COORDINATORS = roles(404, anonymous=401, coordinator=200)
# A step of the sides on a proposal: 404 for them, the coordinator is no side of it.
SIDES_STEP_ON_PROPOSAL = roles(404, anonymous=401, coordinator=403)


def _at(state: str):
    return lambda world: _match(world, state)


def _step(url_name: str, state: str, expect: dict, body: dict | None = None) -> Row:
    return Row(
        url_name,
        "post",
        lambda w: Call(kwargs={"pk": _at(state)(w).pk}, body=body or {}),
        expect,
    )


def _ended(state: str, *, offered: bool):
    """A match that ended in `state`: after it was offered to both sides, or in review."""

    def make(world: World) -> Match:
        match = _match(world, state)
        previous = MatchState.OFFERED if offered else MatchState.PROPOSED
        if offered:
            Match.objects.filter(pk=match.pk).update(offered_at=timezone.now())
        MatchEvent.objects.create(match=match, to_state=MatchState.PROPOSED, reason="engine")
        MatchEvent.objects.create(match=match, from_state=previous, to_state=state)
        return match

    return make


def _get(url_name: str, make, expect: dict, id: str, exact_for: frozenset = frozenset()) -> Row:
    return Row(
        url_name,
        "get",
        lambda w: Call(kwargs={"pk": make(w).pk}),
        expect,
        exact_for=exact_for,
        exact_markers=_markers,
        id=id,
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
    _step("match-approve", MatchState.PROPOSED, REVIEW_STEP),
    _step("match-reject", MatchState.PROPOSED, REVIEW_STEP, {"reason": "Too far"}),
    _step("match-accept", MatchState.OFFERED, SIDES_STEP),
    _step("match-decline", MatchState.OFFERED, SIDES_STEP, {"reason": "Already given away"}),
    _step("match-fulfil", MatchState.ACCEPTED, NEED_SIDE_STEP, {"quantity": 5}),
    _step("match-not-happened", MatchState.ACCEPTED, NEED_SIDE_STEP),
    _step("match-picked-up", MatchState.ACCEPTED, OFFER_SIDE_STEP),
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
    # The sides of a proposal hear nothing before a coordinator approves it: 404 for every
    # step and read, and a proposal rejected in review stays unseen; a match that was offered
    # and then declined was seen, and stays so.
    Row(
        "match-accept",
        "post",
        lambda w: Call(kwargs={"pk": _at(MatchState.PROPOSED)(w).pk}, body={}),
        SIDES_STEP_ON_PROPOSAL,
        id="post-match-accept-proposed",
    ),
    Row(
        "match-decline",
        "post",
        lambda w: Call(kwargs={"pk": _at(MatchState.PROPOSED)(w).pk}, body={"reason": "No"}),
        SIDES_STEP_ON_PROPOSAL,
        id="post-match-decline-proposed",
    ),
    _get("match-events", _at(MatchState.PROPOSED), SEEN_BY_COORDINATORS, "get-events-proposed"),
    _get("match-messages", _at(MatchState.PROPOSED), SEEN_BY_COORDINATORS, "get-messages-proposed"),
    Row(
        "match-messages",
        "post",
        lambda w: Call(kwargs={"pk": _at(MatchState.PROPOSED)(w).pk}, body={"body": "Hallo!"}),
        SIDES_STEP_ON_PROPOSAL,
        id="post-messages-proposed",
    ),
    _get(
        "match-detail",
        _ended(MatchState.REJECTED, offered=False),
        SEEN_BY_COORDINATORS,
        "get-match-detail-rejected-in-review",
        exact_for=frozenset({"coordinator"}),
    ),
    _get(
        "match-events",
        _ended(MatchState.CANCELLED, offered=False),
        SEEN_BY_COORDINATORS,
        "get-events-cancelled-in-review",
    ),
    _get(
        "match-detail",
        _ended(MatchState.DECLINED, offered=True),
        SEEN_BY_SIDES,
        "get-match-detail-declined-after-offer",
        # each side its own exact data, as in every match it sees
        exact_for=frozenset({"member", "donor", "coordinator"}),
    ),
]
