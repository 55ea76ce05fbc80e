from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from matching.models import Match, MatchState


def matches_visible_to(user: User) -> QuerySet[Match]:
    qs = Match.objects.select_related(
        "goods_need__organisation",
        "goods_need__category",
        "goods_need__created_by",
        "donation_offer__donor",
    ).order_by("-created_at", "-id")
    if user.is_coordinator:
        return qs
    return qs.filter(
        Q(donation_offer__donor=user)
        | Q(goods_need__organisation__in=active_organisations_of(user))
    )


# States in which both sides have said yes: each may see the other's exact data.
REVEALING_STATES = (MatchState.ACCEPTED, MatchState.FULFILLED)


def counterpart_ids(user: User, model: type) -> QuerySet:
    """Ids of records of `model` on the other side of a match the user's side accepted."""
    from donations.models import DonationOffer, GoodsNeed

    organisations = active_organisations_of(user)
    accepted = Match.objects.filter(state__in=REVEALING_STATES)
    if model is GoodsNeed:
        return accepted.filter(donation_offer__donor=user).values_list("goods_need_id", flat=True)
    if model is DonationOffer:
        return accepted.filter(goods_need__organisation__in=organisations).values_list(
            "donation_offer_id", flat=True
        )
    return Match.objects.none().values_list("pk", flat=True)
