"""The coordinators' review queue: proposals waiting for review, filtered. Reads only; the
decisions go through `matching.workflow`."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from donations.selectors import descendant_ids
from matching.kinds import KINDS
from matching.models import Match, MatchState


def proposals(
    *,
    kind: str = "",
    district: str = "",
    category_id: int | None = None,
    min_score: float | None = None,
    min_age: timedelta | None = None,
    now: datetime | None = None,
) -> QuerySet[Match]:
    """Proposals, the longest waiting first, narrowed by kind, by a district (of the need or
    of the offer, public), by a goods category (and its subcategories; only goods matches
    have one), by a lowest score and by how long they have waited at least."""
    matches = Match.objects.filter(state=MatchState.PROPOSED)
    if kind:
        matches = matches.filter(kind=kind)
    if district:
        either = Q(pk__in=[])
        for adapter in KINDS.values():
            either |= Q(**{f"{adapter.need_field}__district__iexact": district})
            either |= Q(**{f"{adapter.offer_field}__district__iexact": district})
        matches = matches.filter(either)
    if category_id is not None:
        matches = matches.filter(
            kind=Match.Kind.GOODS, goods_need__category_id__in=descendant_ids(category_id)
        )
    if min_score is not None:
        matches = matches.filter(score__gte=min_score)
    if min_age is not None:
        matches = matches.filter(created_at__lte=(now or timezone.now()) - min_age)
    # Prefetched for the page shown, not joined: sorting every proposal joined with ten
    # tables to show 25 of them took PostgreSQL 0.3 s with 24,000 waiting.
    return matches.prefetch_related(
        "goods_need__organisation",
        "goods_need__category",
        "donation_offer",
        "shift__need__organisation",
        "volunteer",
        "housing_need__organisation",
        "housing_offer",
    ).order_by("created_at", "id")


# How long the district filter's list may lag behind a changed address: the list costs eight
# scans of the proposals (about 80 ms with 23,000 waiting, bench/load), on every queue view.
DISTRICTS_TTL_S = 60


def districts() -> list[str]:
    """The public districts of the needs and offers that proposals join, for a filter.

    Kept for `DISTRICTS_TTL_S` under the proposals' count and newest id, so that a proposal
    made or reviewed shows at once (one count of the proposals, not eight scans)."""
    seen = Match.objects.filter(state=MatchState.PROPOSED).aggregate(n=Count("id"), last=Max("id"))
    key = f"review-districts:{seen['n']}:{seen['last']}"
    names = cache.get(key)
    if names is None:
        names = _districts()
        cache.set(key, names, DISTRICTS_TTL_S)
    return names


def _districts() -> list[str]:
    names: set[str] = set()
    waiting = Match.objects.filter(state=MatchState.PROPOSED)
    for adapter in KINDS.values():
        for field in (adapter.need_field, adapter.offer_field):
            # Without order_by(), Match's default ordering (-created_at) joins the DISTINCT
            # and every proposal comes back as a row of its own: thousands per page view.
            names.update(
                waiting.filter(kind=adapter.kind)
                .values_list(f"{field}__district", flat=True)
                .order_by()
                .distinct()
            )
    return sorted(name for name in names if name)
