"""What happens to matches outside a batch: ending one gives its capacity back.

Matching itself runs in batches per area (`matching.batches`), scheduled by
`matching.scheduling`. What a match holds and gives back depends on its kind; its adapter
(`matching.kinds`) answers. Lock order everywhere: the record, then its matches, then the
other side. Batches take every lock with SKIP LOCKED and never wait, so they cannot close a
cycle with these waits.
"""

from django.db.models import QuerySet

from matching.kinds import KINDS, find_kind
from matching.models import ACTIVE_STATES, REASON_MAX_LENGTH, Match, MatchEvent, MatchState

# States that end a match and give back what it held.
ENDING_STATES = (
    MatchState.REJECTED,
    MatchState.DECLINED,
    MatchState.EXPIRED,
    MatchState.CANCELLED,
)


def give_back(match: Match, quantity: int | None = None) -> None:
    """Give `quantity` (all the match held by default) back to both sides still open, which
    are then matched again. Runs inside the caller's transaction."""
    KINDS[match.kind].give_back(match, quantity)


def end_match(match: Match, state: str, *, actor=None, reason: str = "") -> Match:
    """Move a live match to an ending state (rejected, declined, expired, cancelled) and give
    what it held back to both sides that are still open, which are then matched again.

    Runs inside the caller's transaction; the caller holds the match's row lock. Ending a match
    that has already ended changes nothing.
    """
    if state not in ENDING_STATES:
        raise ValueError(f"{state} does not end a match")
    if match.state not in ACTIVE_STATES:
        return match
    previous = match.state
    match.state = state
    match.save(update_fields=["state", "updated_at"])
    MatchEvent.objects.create(
        match=match,
        from_state=previous,
        to_state=state,
        actor=actor,
        reason=reason[:REASON_MAX_LENGTH],
    )
    give_back(match)
    return match


def matches_of(record) -> QuerySet[Match]:
    """Every match a need or an offer takes part in, of whatever kind."""
    found = find_kind(type(record))
    if found is None:
        return Match.objects.none()
    adapter, _ = found
    return adapter.matches_of(record)


def release_matches_of(record, *, actor=None, reason: str = "") -> list[Match]:
    """Cancel the live matches of a record that closed, giving what they held back to the
    other side, which is then matched again. Runs inside the caller's transaction."""
    live = list(
        matches_of(record)
        .select_for_update(of=("self",))
        .filter(state__in=ACTIVE_STATES)
        .order_by("pk")
    )
    for match in live:
        end_match(match, MatchState.CANCELLED, actor=actor, reason=reason or "record closed")
    return live
