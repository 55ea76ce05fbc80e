from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import active_organisations_of
from matching.models import Match, MatchState


def matches_visible_to(user: User) -> QuerySet[Match]:
    """Matches a coordinator sees all of; anyone else only those one of whose sides is theirs
    (their donation, profile or flat, or a need of an initiative they belong to)."""
    qs = Match.objects.select_related(
        "goods_need__organisation",
        "goods_need__category",
        "goods_need__created_by",
        "donation_offer__donor",
        "donation_offer__category",
        "shift__need__organisation",
        "shift__need__created_by",
        "volunteer__user",
        "housing_need__organisation",
        "housing_need__created_by",
        "housing_offer__landlord",
    ).order_by("-created_at", "-id")
    if user.is_coordinator:
        return qs
    organisations = active_organisations_of(user)
    return qs.filter(
        Q(donation_offer__donor=user)
        | Q(volunteer__user=user)
        | Q(housing_offer__landlord=user)
        | Q(goods_need__organisation__in=organisations)
        | Q(shift__need__organisation__in=organisations)
        | Q(housing_need__organisation__in=organisations)
    )


# States in which both sides have said yes: each may see the other's exact data.
REVEALING_STATES = (MatchState.ACCEPTED, MatchState.FULFILLED)


def counterpart_ids(user: User, model: type) -> QuerySet:
    """Ids of records of `model` on the other side of a match the user's side accepted."""
    from donations.models import DonationOffer, GoodsNeed
    from housing.models import HousingNeed, HousingOffer
    from volunteers.models import VolunteerNeed, VolunteerProfile

    organisations = active_organisations_of(user)
    accepted = Match.objects.filter(state__in=REVEALING_STATES)
    # model -> (the filter that makes the other side the user's, the field to return)
    sides = {
        GoodsNeed: (Q(donation_offer__donor=user), "goods_need_id"),
        DonationOffer: (Q(goods_need__organisation__in=organisations), "donation_offer_id"),
        VolunteerNeed: (Q(volunteer__user=user), "shift__need_id"),
        VolunteerProfile: (Q(shift__need__organisation__in=organisations), "volunteer_id"),
        HousingNeed: (Q(housing_offer__landlord=user), "housing_need_id"),
        HousingOffer: (Q(housing_need__organisation__in=organisations), "housing_offer_id"),
    }
    if model not in sides:
        return Match.objects.none().values_list("pk", flat=True)
    mine, field = sides[model]
    return accepted.filter(mine).values_list(field, flat=True)


def revealed_details(match: Match, side: str) -> dict | None:
    """What the recipient on `side` may now know of the other side: contact and exact
    address, once both said yes; None before (and after a match ended otherwise)."""
    if match.state not in REVEALING_STATES:
        return None
    other = match.offer if side == "need" else match.need
    contact = other.contact_details()
    return {
        "name": contact.get("name", ""),
        "organisation": contact.get("organisation", ""),
        "email": contact.get("email", ""),
        "phone": contact.get("phone", ""),
        "address": other.address,
    }
