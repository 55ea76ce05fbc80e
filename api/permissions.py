from accounts.models import User
from accounts.selectors import active_organisations_of
from donations.models import DonationOffer, GoodsNeed


def entitled_to_exact_data(user: User):
    """Who sees a record's exact address and point: its owner and coordinators.

    (The other side of an accepted match will be added with the match workflow.)
    Returns a predicate so a list is checked with one query for the user's organisations.
    """
    if user.is_coordinator:
        return lambda record: True
    organisation_ids = set(active_organisations_of(user).values_list("pk", flat=True))

    def check(record) -> bool:
        if isinstance(record, GoodsNeed):
            return record.organisation_id in organisation_ids
        if isinstance(record, DonationOffer):
            return record.donor_id == user.pk
        return False

    return check
