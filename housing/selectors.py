"""Reads of flats and households, with the visibility rules of lifecycle.selectors."""

from django.db.models import QuerySet

from accounts.models import User
from housing.models import HousingNeed, HousingOffer
from lifecycle.selectors import visible_to


def housing_offers_visible_to(user: User) -> QuerySet[HousingOffer]:
    """Open flats for everyone signed in (in public form); every flat for its landlord."""
    return visible_to(HousingOffer, user).select_related("landlord")


def housing_needs_visible_to(user: User) -> QuerySet[HousingNeed]:
    """Households only for their initiative's members and coordinators (not browsable)."""
    return visible_to(HousingNeed, user).select_related("organisation", "created_by")
