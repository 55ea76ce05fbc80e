from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from donations.models import Category, DonationOffer, GoodsNeed


def _parents() -> dict[int, int | None]:
    # The taxonomy is small (tens to a few hundred rows); one query per call is cheap.
    return dict(Category.objects.values_list("id", "parent_id"))


def ancestor_ids(category_id: int) -> list[int]:
    """The category and every category above it."""
    parents = _parents()
    ids, current = [], category_id
    while current is not None and current not in ids:
        ids.append(current)
        current = parents.get(current)
    return ids


def descendant_ids(category_id: int) -> list[int]:
    """The category and every category below it."""
    children: dict[int | None, list[int]] = {}
    for cid, parent in _parents().items():
        children.setdefault(parent, []).append(cid)
    ids, stack = [], [category_id]
    while stack:
        current = stack.pop()
        if current in ids:
            continue
        ids.append(current)
        stack.extend(children.get(current, []))
    return ids


def goods_needs_visible_to(user: User) -> QuerySet[GoodsNeed]:
    qs = GoodsNeed.objects.select_related("category", "organisation", "created_by")
    if user.is_coordinator:
        return qs
    return qs.filter(organisation__in=active_organisations_of(user))


def donation_offers_visible_to(user: User) -> QuerySet[DonationOffer]:
    qs = DonationOffer.objects.select_related("category", "donor")
    if user.is_coordinator:
        return qs
    return qs.filter(donor=user)
