"""The demo's matches at every step of the workflow, so the review queue, the one-click
answers, the contacts revealed after both said yes and the relayed messages can be seen at
once after `make run`.

Runs the batches in this process (the worker would propose the same), then walks a few
goods matches on: approved and waiting for both answers, accepted by one side, accepted by
both, with a message. Housing proposals always wait for a coordinator. Only on a database
whose matches have not been reviewed yet, so running it again changes nothing.
"""

from accounts.models import User
from matching import workflow
from matching.areas import cells_of_queryset
from matching.batches import run_batch
from matching.kinds import KINDS, open_needs
from matching.models import Match, MatchState


def walk_demo_matches(coordinator: User) -> dict[str, int]:
    if Match.objects.exclude(state=MatchState.PROPOSED).exists():
        return {}
    for kind, info in KINDS.items():
        for cell in sorted(cells_of_queryset(open_needs(info))):
            run_batch(kind, cell)
    goods = list(
        Match.objects.filter(kind=Match.Kind.GOODS, state=MatchState.PROPOSED).order_by(
            "-score", "pk"
        )[:4]
    )
    for match in goods:
        workflow.approve(match, actor=coordinator, reason="demo: looks right")
    if len(goods) >= 3:
        both, one, talking = goods[:3]
        _answer_both(both)
        workflow.respond(one, user=one.offer.owner(), answer="yes")
        workflow.send_message(
            talking,
            user=talking.offer.owner(),
            body="Ich kann die Sachen am Samstagvormittag vorbeibringen. Passt das?",
        )
    volunteers = Match.objects.filter(kind=Match.Kind.VOLUNTEERS, state=MatchState.PROPOSED)
    for match in volunteers.order_by("-score", "pk")[:1]:
        workflow.approve(match, actor=coordinator, reason="demo: looks right")
    return {
        state: Match.objects.filter(state=state).count()
        for state in (MatchState.PROPOSED, MatchState.OFFERED, MatchState.ACCEPTED)
    }


def _answer_both(match: Match) -> None:
    need_side = match.need.created_by
    workflow.respond(match, user=match.offer.owner(), answer="yes")
    workflow.respond(match, user=need_side, answer="yes", side="need")
