from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from matching.models import Match


def matches_visible_to(user: User) -> QuerySet[Match]:
    qs = Match.objects.select_related(
        "goods_need__organisation", "goods_need__category", "donation_offer"
    ).order_by("-created_at", "-id")
    if user.is_coordinator:
        return qs
    return qs.filter(
        Q(donation_offer__donor=user)
        | Q(goods_need__organisation__in=active_organisations_of(user))
    )
